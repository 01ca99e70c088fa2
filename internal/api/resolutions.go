package api

import (
	"net/http"

	"atelier/internal/errs"
	"atelier/internal/orders"
	"atelier/internal/orders/resolutions"
	"atelier/internal/page"
)

// The routes of mutual cancellation, the resolution center and the
// satisfaction guarantee (API.md, Orders). Additions to API.md: GET of an
// order's requests, the withdrawal of a request, the partial_refund kind,
// the operators' queues and an escalation's evidence.

// grantIn is the optional note of a granted claim; "reason" is its older name,
// still read.
type grantIn struct {
	Note   string `json:"note"`
	Reason string `json:"reason,omitempty"` // deprecated: the same as note
}

// note is the grant's note, from either field; two different ones are
// refused rather than glued together.
func (in grantIn) note() (string, error) {
	switch {
	case in.Reason == "" || in.Reason == in.Note:
		return in.Note, nil
	case in.Note == "":
		return in.Reason, nil
	}
	return "", errs.Invalid("reason", "note_and_reason")
}

func (s *Server) resolutionRoutes() []route {
	order := func(fn func(c *call) (orders.Order, error)) func(c *call) (any, error) {
		return func(c *call) (any, error) { return fn(c) }
	}
	return []route{
		{Method: "POST", Path: "/orders/{order}/cancellation", Tag: "resolutions", Status: http.StatusCreated, In: reasonIn{}, Out: orders.Order{},
			Summary: "Ask the other side to cancel the order (either side), with a reason; accepted automatically after 2 days without answer",
			Handle: body(func(c *call, in reasonIn) (any, error) {
				return s.Resolutions.RequestCancellation(c.r.Context(), c.user, c.param("order"), in.Reason)
			})},
		{Method: "POST", Path: "/orders/{order}/cancellation/accept", Tag: "resolutions", Idempotent: true, Out: orders.Order{},
			Summary: "Accept the open cancellation (the other side): the order is cancelled and what escrow holds is refunded to the client's balance",
			Handle: order(func(c *call) (orders.Order, error) {
				return s.Resolutions.AcceptCancellation(c.r.Context(), c.user, c.param("order"))
			})},
		{Method: "POST", Path: "/orders/{order}/cancellation/decline", Tag: "resolutions", Out: orders.Order{},
			Summary: "Decline the open cancellation (the other side): the order goes on as it was",
			Handle: order(func(c *call) (orders.Order, error) {
				return s.Resolutions.DeclineCancellation(c.r.Context(), c.user, c.param("order"))
			})},
		{Method: "POST", Path: "/orders/{order}/cancellation/withdraw", Tag: "resolutions", Out: orders.Order{},
			Summary: "Withdraw the open cancellation (the requester's side): the order goes on as it was",
			Handle: order(func(c *call) (orders.Order, error) {
				return s.Resolutions.WithdrawCancellation(c.r.Context(), c.user, c.param("order"))
			})},
		{Method: "POST", Path: "/orders/{order}/resolutions", Tag: "resolutions", Status: http.StatusCreated, In: resolutions.NewRequest{}, Out: orders.Request{},
			Summary: "Open a request: kind extend_delivery {days} (withdrawn after 4 days unanswered), change_scope {price}, partial_refund {amount}, cancel, or escalate to an operator; with a message",
			Handle: body(func(c *call, in resolutions.NewRequest) (any, error) {
				r, _, err := s.Resolutions.OpenRequest(c.r.Context(), c.user, c.param("order"), in)
				return r, err
			})},
		{Method: "GET", Path: "/orders/{order}/resolutions", Tag: "resolutions", Out: listOut[orders.Request]{},
			Summary: "Every request of the order, oldest first (either side)",
			Handle: func(c *call) (any, error) {
				list, err := s.Resolutions.Requests(c.r.Context(), c.user, c.param("order"))
				return listOut[orders.Request]{Items: list}, err
			}},
		{Method: "POST", Path: "/orders/{order}/resolutions/{r}/accept", Tag: "resolutions", Idempotent: true, Out: orders.Order{},
			Summary: "Accept a request (the other side); a price raise is charged (Idempotency-Key honoured), a cut refunded",
			Handle: order(func(c *call) (orders.Order, error) {
				return s.Resolutions.AcceptRequest(c.r.Context(), c.user, c.param("order"), c.param("r"), c.r.Header.Get("Idempotency-Key"))
			})},
		{Method: "POST", Path: "/orders/{order}/resolutions/{r}/decline", Tag: "resolutions", Out: orders.Order{},
			Summary: "Decline a request (the other side)",
			Handle: order(func(c *call) (orders.Order, error) {
				return s.Resolutions.DeclineRequest(c.r.Context(), c.user, c.param("order"), c.param("r"))
			})},
		{Method: "POST", Path: "/orders/{order}/resolutions/{r}/withdraw", Tag: "resolutions", Out: orders.Order{},
			Summary: "Withdraw a request or an escalation (the requester's side)",
			Handle: order(func(c *call) (orders.Order, error) {
				return s.Resolutions.WithdrawRequest(c.r.Context(), c.user, c.param("order"), c.param("r"))
			})},
		{Method: "GET", Path: "/resolutions", Tag: "resolutions", Out: page.Page[orders.Request]{},
			Summary: "The escalations queue (operators); ?status=open (default), decided, withdrawn, closed",
			Query:   []param{status(orders.EscalationStatuses, orders.RequestOpen)},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Resolutions.Escalations(c.r.Context(), c.user, orders.RequestStatus(c.r.URL.Query().Get("status")), p)
			})},
		{Method: "GET", Path: "/resolutions/{r}", Tag: "resolutions", Out: resolutions.Escalation{},
			Summary: "An escalation with the order's evidence log: messages, deliveries, requests (operators)",
			Handle:  func(c *call) (any, error) { return s.Resolutions.Escalation(c.r.Context(), c.user, c.param("r")) }},
		{Method: "POST", Path: "/resolutions/{r}/decide", Tag: "resolutions", Idempotent: true, In: resolutions.Decision{}, Out: resolutions.Escalation{},
			Summary: "Decide an escalation (operators): outcome complete, cancel_full, cancel_partial {amount}, or extend {days}; with a note both sides read",
			Handle: body(func(c *call, in resolutions.Decision) (any, error) {
				return s.Resolutions.Decide(c.r.Context(), c.user, c.param("r"), in)
			})},
		{Method: "POST", Path: "/orders/{order}/guarantee-claim", Tag: "resolutions", Status: http.StatusCreated, In: reasonIn{}, Out: orders.Claim{},
			Summary: "Claim the satisfaction guarantee (client; a Pro freelancer's fixed-price or milestone order, once, within 14 days of completion)",
			Handle: body(func(c *call, in reasonIn) (any, error) {
				return s.Resolutions.ClaimGuarantee(c.r.Context(), c.user, c.param("order"), in.Reason)
			})},
		{Method: "GET", Path: "/orders/{order}/guarantee-claim", Tag: "resolutions", Out: orders.Claim{},
			Summary: "The order's guarantee claim (client)",
			Handle: func(c *call) (any, error) {
				return s.Resolutions.GuaranteeClaim(c.r.Context(), c.user, c.param("order"))
			}},
		{Method: "GET", Path: "/guarantee-claims", Tag: "resolutions", Out: page.Page[orders.Claim]{},
			Summary: "Guarantee claims (operators); ?status=pending (default), granted, rejected",
			Query:   []param{status(orders.ClaimStatuses, orders.ClaimPending)},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Resolutions.Claims(c.r.Context(), c.user, orders.ClaimStatus(c.r.URL.Query().Get("status")), p)
			})},
		{Method: "POST", Path: "/guarantee-claims/{c}/approve", Tag: "resolutions", Idempotent: true, In: grantIn{}, Out: orders.Claim{},
			Summary: "Grant a claim (operators): the client's balance gets back what it paid, from the platform's guarantee fund",
			Handle: optionalBody(func(c *call, in grantIn) (any, error) {
				note, err := in.note()
				if err != nil {
					return nil, err
				}
				return s.Resolutions.GrantClaim(c.r.Context(), c.user, c.param("c"), note)
			})},
		{Method: "POST", Path: "/guarantee-claims/{c}/reject", Tag: "resolutions", In: reasonIn{}, Out: orders.Claim{},
			Summary: "Reject a claim with a reason (operators)",
			Handle: body(func(c *call, in reasonIn) (any, error) {
				return s.Resolutions.RejectClaim(c.r.Context(), c.user, c.param("c"), in.Reason)
			})},
	}
}
