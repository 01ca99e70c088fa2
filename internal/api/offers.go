package api

import (
	"net/http"

	"atelier/internal/orders"
	"atelier/internal/orders/offers"
	"atelier/internal/page"
)

type acceptOfferIn struct {
	ProjectID string `json:"project_id,omitempty"`
}

type approveMilestoneIn struct {
	// Stop: approve this milestone and end the order here; nothing more is
	// charged.
	Stop bool `json:"stop,omitempty"`
}

func (c *call) offerFilter() offers.OfferFilter {
	return offers.OfferFilter{Status: c.r.URL.Query().Get("status")}
}

// offerRoutes are custom offers and the milestones of their orders.
func (s *Server) offerRoutes() []route {
	return []route{
		{Method: "POST", Path: "/offers", Tag: "offers", Status: http.StatusCreated, In: offers.NewOffer{}, Out: offers.Offer{},
			Summary: "Send a custom offer to a business account: fixed price or 2+ milestones (freelancer's owner or agency team); expires in 14 days",
			Handle: body(func(c *call, in offers.NewOffer) (any, error) {
				return s.Offers.CreateOffer(c.r.Context(), c.user, in)
			})},
		{Method: "GET", Path: "/offers/{offer}", Tag: "offers", Out: offers.Offer{},
			Summary: "One offer, with its total and schedule: to the freelancer's side and every member of the account",
			Handle:  func(c *call) (any, error) { return s.Offers.GetOffer(c.r.Context(), c.user, c.param("offer")) }},
		{Method: "POST", Path: "/offers/{offer}/accept", Tag: "offers", Status: http.StatusCreated, Idempotent: true, In: acceptOfferIn{}, Out: orders.Order{},
			Summary: "Accept an offer: places the order under the account's approval policy and limits; a milestones order charges its first milestone (Idempotency-Key honoured)",
			Handle: optionalBody(func(c *call, in acceptOfferIn) (any, error) {
				return s.Offers.AcceptOffer(c.r.Context(), c.user, c.param("offer"), in.ProjectID, c.r.Header.Get("Idempotency-Key"))
			})},
		{Method: "POST", Path: "/offers/{offer}/decline", Tag: "offers", Out: offers.Offer{}, Summary: "Decline a pending offer (a member of the account)",
			Handle: func(c *call) (any, error) { return s.Offers.DeclineOffer(c.r.Context(), c.user, c.param("offer")) }},
		{Method: "POST", Path: "/offers/{offer}/withdraw", Tag: "offers", Out: offers.Offer{}, Summary: "Withdraw a pending offer (the freelancer's side)",
			Handle: func(c *call) (any, error) { return s.Offers.WithdrawOffer(c.r.Context(), c.user, c.param("offer")) }},
		{Method: "GET", Path: "/accounts/{account}/offers", Tag: "offers", Out: page.Page[offers.Offer]{},
			Summary: "Offers made to the account (every member); ?status=pending|accepted|declined|expired|withdrawn",
			Query:   []param{status(offers.OfferStatuses, "")},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Offers.AccountOffers(c.r.Context(), c.user, c.param("account"), c.offerFilter(), p)
			})},
		{Method: "GET", Path: "/freelancers/{freelancer}/offers", Tag: "offers", Out: page.Page[offers.Offer]{},
			Summary: "Offers a freelancer sent (its owner and team); ?status= as an account's offers",
			Query:   []param{status(offers.OfferStatuses, "")},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Offers.FreelancerOffers(c.r.Context(), c.user, c.param("freelancer"), c.offerFilter(), p)
			})},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/deliver", Tag: "orders", In: deliveryIn{}, MaxBody: filesBody, Before: s.seesOrder, Out: orders.Order{},
			Summary: "Deliver the running milestone (freelancer); approved by itself after 8 days without an answer, and the order stops there",
			Handle: body(func(c *call, in deliveryIn) (any, error) {
				fs, err := files(in.Files)
				if err != nil {
					return nil, err
				}
				return s.Offers.DeliverMilestone(c.r.Context(), c.user, c.param("order"), c.param("milestone"), in.Message, fs)
			})},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/approve", Tag: "orders", Idempotent: true, In: approveMilestoneIn{}, Out: orders.Order{},
			Summary: "Approve a delivered milestone (client): released to the freelancer; the next one is charged and starts, unless stop or it was the last (Idempotency-Key honoured)",
			Handle: optionalBody(func(c *call, in approveMilestoneIn) (any, error) {
				return s.Offers.ApproveMilestone(c.r.Context(), c.user, c.param("order"), c.param("milestone"), in.Stop, c.r.Header.Get("Idempotency-Key"))
			})},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/revision", Tag: "orders", In: revisionIn{}, Out: orders.Order{},
			Summary: "Send a delivered milestone back for a revision while its revisions remain (client)",
			Handle: body(func(c *call, in revisionIn) (any, error) {
				return s.Offers.RequestMilestoneRevision(c.r.Context(), c.user, c.param("order"), c.param("milestone"), in.Message)
			})},
		{Method: "POST", Path: "/orders/{order}/milestones/pay", Tag: "orders", Idempotent: true, Out: orders.Order{},
			Summary: "Pay the next milestone of an order awaiting payment (its charge failed after an approval); it starts (client; Idempotency-Key honoured)",
			Handle: func(c *call) (any, error) {
				return s.Offers.PayMilestone(c.r.Context(), c.user, c.param("order"), c.r.Header.Get("Idempotency-Key"))
			}},
		{Method: "POST", Path: "/orders/{order}/stop", Tag: "orders", Out: orders.Order{},
			Summary: "Stop a milestones order after an approved milestone (a delivered one is approved first): nothing more is charged, the order completes (client)",
			Handle:  func(c *call) (any, error) { return s.Offers.Stop(c.r.Context(), c.user, c.param("order")) }},
	}
}
