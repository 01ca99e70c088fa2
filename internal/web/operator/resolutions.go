package operator

import (
	"net/http"
	"strconv"
	"strings"

	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/orders"
	"atelier/internal/orders/resolutions"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// The operators' side of the resolution center: the queue of escalations,
// one escalation with the order's evidence and the decision form, and the
// queue of satisfaction guarantee claims.

type escalationsData struct {
	Status      orders.RequestStatus
	Statuses    []orders.RequestStatus
	Escalations []orders.Request
	NextCursor  string
}

var escalationStatuses = []orders.RequestStatus{orders.RequestOpen, orders.RequestDecided, orders.RequestWithdrawn}

// escalationsPage is the operators' queue of escalations.
func (s *pages) escalationsPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	status, p, err := queuePage(r, orders.RequestOpen)
	if err != nil {
		return err
	}
	list, err := s.Resolutions.Escalations(r.Context(), u, status, p)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "operator_resolutions", &site.View{Nav: "operator", Title: i18n.T(httpx.Lang(r), "operator.resolutions.title"),
		Data: escalationsData{Status: status, Statuses: escalationStatuses, Escalations: list.Items, NextCursor: list.NextCursor}})
	return nil
}

type escalationData struct {
	resolutions.Escalation
	Key string
}

// Outcomes are the decisions an operator chooses from.
func (escalationData) Outcomes() []string {
	return []string{resolutions.OutcomeComplete, resolutions.OutcomeCancelFull, resolutions.OutcomeCancelPartial, resolutions.OutcomeExtend}
}

// showEscalation is one escalation with the order's evidence log and the
// decision form.
func (s *pages) showEscalation(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	e, err := s.Resolutions.Escalation(r.Context(), u, r.PathValue("r"))
	if err != nil {
		return err
	}
	s.Render(w, r, status, "operator_resolution", &site.View{Nav: "operator", Title: i18n.T(httpx.Lang(r), "operator.resolution.title", "title", e.Order.Title),
		Form: f, Data: escalationData{Escalation: e, Key: site.NewFormKey()}})
	return nil
}

func (s *pages) decideEscalation(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	id := r.PathValue("r")
	err := func() error {
		e, err := s.Resolutions.Escalation(r.Context(), u, id)
		if err != nil {
			return err
		}
		d := resolutions.Decision{Outcome: r.PostFormValue("outcome"), Note: r.PostFormValue("note")}
		switch d.Outcome {
		case resolutions.OutcomeCancelPartial:
			m, err := site.RequiredAmount("amount", r.PostFormValue("amount"), e.Order.Total.Currency, httpx.Lang(r))
			if err != nil {
				return err
			}
			d.Amount = &m
		case resolutions.OutcomeExtend:
			if d.Days, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("days"))); err != nil {
				return errs.Invalid("days", "extend_days_invalid").With("max", orders.MaxExtendDays)
			}
		}
		key := r.PostFormValue("idempotency_key")
		_, err = s.Once(r, u, key, func() error { _, err := s.Resolutions.Decide(r.Context(), u, id, d); return err })
		return err
	}()
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showEscalation(w, r, u, f, status) })
	}
	s.Done(w, r, "/operator/resolutions/"+id, "flash.escalation_decided")
	return nil
}

type claimsData struct {
	Status     orders.ClaimStatus
	Statuses   []orders.ClaimStatus
	Claims     []orders.Claim
	NextCursor string
}

var claimStatuses = []orders.ClaimStatus{orders.ClaimPending, orders.ClaimGranted, orders.ClaimRejected}

// showClaims is the operators' queue of guarantee claims.
func (s *pages) showClaims(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	st, p, err := queuePage(r, orders.ClaimPending)
	if err != nil {
		return err
	}
	list, err := s.Resolutions.Claims(r.Context(), u, st, p)
	if err != nil {
		return err
	}
	s.Render(w, r, status, "operator_claims", &site.View{Nav: "operator", Title: i18n.T(httpx.Lang(r), "operator.claims.title"), Form: f,
		Data: claimsData{Status: st, Statuses: claimStatuses, Claims: list.Items, NextCursor: list.NextCursor}})
	return nil
}

func (s *pages) decideClaim(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx, id := r.Context(), r.PathValue("c")
	var err error
	flash := "flash.claim_granted"
	switch r.PathValue("answer") {
	case "approve":
		_, err = s.Resolutions.GrantClaim(ctx, u, id, r.PostFormValue("note"))
	case "reject":
		flash = "flash.claim_rejected"
		_, err = s.Resolutions.RejectClaim(ctx, u, id, r.PostFormValue("reason"))
	default:
		s.ErrorPage(w, r, http.StatusNotFound, i18n.T(httpx.Lang(r), "error.not_found"))
		return nil
	}
	if err != nil {
		return site.ShowAgain(err, site.RowAgain(w, r, u, s.showClaims, id))
	}
	s.Done(w, r, "/operator/guarantee-claims", flash)
	return nil
}
