package operator

import (
	"net/http"

	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/orders/hourly"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

type hourlyDisputesData struct {
	Weeks      []hourly.DisputedWeek
	NextCursor string
}

// showHourlyDisputes is the operators' queue of disputed hourly weeks.
func (s *pages) showHourlyDisputes(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	p, err := site.Cursor(r, queueSize)
	if err != nil {
		return err
	}
	list, err := s.Hourly.HourlyDisputes(r.Context(), u, p)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "operator_hourly_disputes", &site.View{Nav: "operator", Title: i18n.T(httpx.Lang(r), "operator.hourly_disputes.title"),
		Form: f, Data: hourlyDisputesData{Weeks: list.Items, NextCursor: list.NextCursor}})
	return nil
}

// decideHourlyDispute settles a week with the refund typed (empty: none).
func (s *pages) decideHourlyDispute(w http.ResponseWriter, r *http.Request, u users.User) error {
	id := r.PathValue("report")
	again := site.RowAgain(w, r, u, s.showHourlyDisputes, id)
	refund, err := site.ParseAmount("refund", r.PostFormValue("refund"), r.PostFormValue("currency"), httpx.Lang(r))
	if err != nil {
		return site.ShowAgain(err, again)
	}
	d := hourly.DisputeDecision{Refund: money.New(0, r.PostFormValue("currency")), Note: r.PostFormValue("note")}
	if refund != nil {
		d.Refund = *refund
	}
	if _, err := s.Hourly.DecideDispute(r.Context(), u, id, d); err != nil {
		return site.ShowAgain(err, again)
	}
	s.Done(w, r, "/operator/hourly-disputes", "flash.hourly_dispute_decided")
	return nil
}
