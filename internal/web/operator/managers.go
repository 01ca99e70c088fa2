package operator

import (
	"net/http"
	"strings"

	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/projects"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// The project management service: the queue of requests for a project
// manager (with the form that assigns one) and the featured projects the
// operators publish from it.

func (s *pages) createFeatured(w http.ResponseWriter, r *http.Request, u users.User) error {
	redo := func(f *site.Form, status int) error { return s.showManagerQueue(w, r, u, f, status) }
	cur := strings.ToUpper(r.PostFormValue("currency"))
	if cur == "" {
		cur = money.DefaultCurrency
	}
	budget, err := site.RequiredAmount("budget", r.PostFormValue("budget"), cur, httpx.Lang(r))
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	f, err := s.Projects.CreateFeatured(r.Context(), u, projects.NewFeatured{Title: r.PostFormValue("title"), Type: r.PostFormValue("type"),
		Brief: r.PostFormValue("brief"), Budget: budget})
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	s.Done(w, r, "/featured-projects", "flash.featured_created", "name", f.Title)
	return nil
}

type managerQueueData struct {
	Requests []projects.ManagerRequest
	Staff    []users.User
	Types    []string
}

func (s *pages) showManagerQueue(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	list, err := s.Projects.ManagerRequests(r.Context(), u)
	if err != nil {
		return err
	}
	staff, err := s.Projects.Staff(r.Context(), u)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "operator_managers", &site.View{Nav: "operator", Title: i18n.T(httpx.Lang(r), "operator.managers.title"), Form: f,
		Data: managerQueueData{Requests: list, Staff: staff, Types: projects.Types}})
	return nil
}

func (s *pages) assignManager(w http.ResponseWriter, r *http.Request, u users.User) error {
	p, err := s.Projects.AssignManager(r.Context(), u, r.PathValue("project"), r.PostFormValue("user_id"))
	if err != nil {
		return site.ShowAgain(err, site.RowAgain(w, r, u, s.showManagerQueue, r.PathValue("project")))
	}
	s.Done(w, r, "/operator/project-managers", "flash.manager_assigned", "name", p.Name)
	return nil
}
