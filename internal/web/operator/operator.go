package operator

import (
	"cmp"
	"net/http"

	"atelier/internal/catalog"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/page"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// queueSize is how many rows a page of an operators' queue shows.
const queueSize = 50

// queuePage reads what an operators' queue shows: the status tab asked
// for (def when none) and the page of it.
func queuePage[T ~string](r *http.Request, def T) (status T, p page.Request, err error) {
	p, err = site.Cursor(r, queueSize)
	return cmp.Or(T(r.URL.Query().Get("status")), def), p, err
}

// proStatuses are the tabs of the vetting queue.
var proStatuses = []string{"pending", "approved", "rejected"}

type proQueueData struct {
	Status       string
	Statuses     []string
	Applications []catalog.ProApplication
	NextCursor   string
}

// showProQueue is the operators' vetting queue. The catalog refuses
// everyone else, who get the 403 page.
func (s *pages) showProQueue(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	state, p, err := queuePage(r, "pending")
	if err != nil {
		return err
	}
	list, err := s.Catalog.ProApplications(r.Context(), u, state, p)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "operator_pro", &site.View{Nav: "operator", Title: i18n.T(httpx.Lang(r), "operator.pro.title"), Form: f,
		Data: proQueueData{Status: state, Statuses: proStatuses, Applications: list.Items, NextCursor: list.NextCursor}})
	return nil
}

func (s *pages) approvePro(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.Catalog.ApproveProApplication(r.Context(), u, r.PathValue("app"))
	if err != nil {
		return site.ShowAgain(err, site.RowAgain(w, r, u, s.showProQueue, r.PathValue("app")))
	}
	s.Done(w, r, "/operator/pro-applications", "flash.pro_approved", "name", a.FreelancerName)
	return nil
}

func (s *pages) rejectPro(w http.ResponseWriter, r *http.Request, u users.User) error {
	a, err := s.Catalog.RejectProApplication(r.Context(), u, r.PathValue("app"), r.PostFormValue("reason"))
	if err != nil {
		return site.ShowAgain(err, site.RowAgain(w, r, u, s.showProQueue, r.PathValue("app")))
	}
	s.Done(w, r, "/operator/pro-applications", "flash.pro_rejected", "name", a.FreelancerName)
	return nil
}
