package orders

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

// The order page's resolution center: mutual cancellation, requests,
// escalation, the satisfaction guarantee. Each post is one domain call.
// The operators' queues of escalations and guarantee claims are in
// internal/web/operator.

// CanRequest: a request to the other side may be opened (none is open).
func (d orderData) CanRequest() bool { return d.Order.Can(orders.ActOpenRequest) }

// CanEscalate: Atelier may be asked to step in (no escalation is open).
func (d orderData) CanEscalate() bool { return d.Order.Can(orders.ActEscalate) }

// OtherRequests are the open requests but the cancellation.
func (d orderData) OtherRequests() []orders.Request {
	var list []orders.Request
	for _, r := range d.Order.Requests {
		if r.Kind != orders.RequestCancel {
			list = append(list, r)
		}
	}
	return list
}

// CanClaim: the client may claim the satisfaction guarantee now.
func (d orderData) CanClaim() bool { return d.Order.Can(orders.ActClaimGuarantee) }

// Currency is the order's currency, for the amount fields.
func (d orderData) Currency() string { return d.Order.Total.Currency }

func (s *pages) requestCancellation(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.cancellation_requested", func() error {
		_, err := s.Resolutions.RequestCancellation(r.Context(), u, r.PathValue("order"), r.PostFormValue("reason"))
		return err
	})
}

func (s *pages) answerCancellation(w http.ResponseWriter, r *http.Request, u users.User) error {
	ctx, id := r.Context(), r.PathValue("order")
	switch r.PathValue("answer") {
	case "accept":
		return s.orderAction(w, r, u, "flash.cancellation_accepted", func() error { _, err := s.Resolutions.AcceptCancellation(ctx, u, id); return err })
	case "decline":
		return s.orderAction(w, r, u, "flash.request_declined", func() error { _, err := s.Resolutions.DeclineCancellation(ctx, u, id); return err })
	case "withdraw":
		return s.orderAction(w, r, u, "flash.request_withdrawn", func() error { _, err := s.Resolutions.WithdrawCancellation(ctx, u, id); return err })
	default:
		s.ErrorPage(w, r, http.StatusNotFound, i18n.T(httpx.Lang(r), "error.not_found"))
	}
	return nil
}

func (s *pages) openRequest(w http.ResponseWriter, r *http.Request, u users.User) error {
	kind := orders.RequestKind(r.PostFormValue("kind"))
	flash := "flash.request_opened"
	if kind == orders.RequestEscalate {
		flash = "flash.escalation_opened"
	}
	return s.orderAction(w, r, u, flash, func() error {
		ctx := r.Context()
		o, err := s.Orders.Get(ctx, u, r.PathValue("order"))
		if err != nil {
			return err
		}
		in := resolutions.NewRequest{Kind: kind, Message: r.PostFormValue("message")}
		switch in.Kind {
		case orders.RequestExtendDelivery:
			if in.Days, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("days"))); err != nil {
				return errs.Invalid("days", "extend_days_invalid").With("max", orders.MaxExtendDays)
			}
		case orders.RequestChangeScope:
			m, err := site.RequiredAmount("price", r.PostFormValue("price"), o.Total.Currency, httpx.Lang(r))
			if err != nil {
				return err
			}
			in.Price = &m
		case orders.RequestPartialRefund:
			m, err := site.RequiredAmount("amount", r.PostFormValue("amount"), o.Total.Currency, httpx.Lang(r))
			if err != nil {
				return err
			}
			in.Amount = &m
		}
		_, _, err = s.Resolutions.OpenRequest(ctx, u, o.ID, in)
		return err
	})
}

func (s *pages) answerRequest(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	ctx, id, req := r.Context(), r.PathValue("order"), r.PathValue("r")
	switch r.PathValue("answer") {
	case "accept":
		key := r.PostFormValue("idempotency_key")
		after, _, err := site.OnceValue(s.Site, r, u, key, func() (orders.Order, error) {
			return s.Resolutions.AcceptRequest(ctx, u, id, req, key)
		})
		if err != nil {
			return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showOrder(w, r, u, f, status) })
		}
		flash := "flash.request_accepted"
		for _, q := range after.Requests {
			if q.ID == req && q.AwaitingApproval {
				flash = "flash.spend_awaiting_approval" // the gate: the admin decides
			}
		}
		s.Done(w, r, orderPath(id), flash)
	case "decline":
		return s.orderAction(w, r, u, "flash.request_declined", func() error { _, err := s.Resolutions.DeclineRequest(ctx, u, id, req); return err })
	case "withdraw":
		return s.orderAction(w, r, u, "flash.request_withdrawn", func() error { _, err := s.Resolutions.WithdrawRequest(ctx, u, id, req); return err })
	default:
		s.ErrorPage(w, r, http.StatusNotFound, i18n.T(httpx.Lang(r), "error.not_found"))
	}
	return nil
}

func (s *pages) claimGuarantee(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.guarantee_claimed", func() error {
		_, err := s.Resolutions.ClaimGuarantee(r.Context(), u, r.PathValue("order"), r.PostFormValue("reason"))
		return err
	})
}
