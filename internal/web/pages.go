package web

import "atelier/internal/web/site"

// pages holds the handlers of the areas: they reach the domain and answer
// through the Site they embed.
type pages struct{ *site.Site }

// routes are the pages of the areas.
func (s *pages) routes() []site.Route {
	list := []site.Route{

		{Method: "GET", Path: "/orders", Handle: s.myOrdersPage},
		{Method: "GET", Path: "/orders/{order}", Handle: site.PageOf(s.showOrder)},
		{Method: "GET", Path: "/orders/{order}/files/{file}", Handle: s.orderFile},
		{Method: "POST", Path: "/orders/{order}/approve", Handle: s.approveOrder},
		{Method: "POST", Path: "/orders/{order}/reject", Handle: s.rejectOrder},
		{Method: "POST", Path: "/spend-approvals/{approval}/approve", Handle: s.approveSpend},
		{Method: "POST", Path: "/spend-approvals/{approval}/reject", Handle: s.rejectSpend},
		{Method: "POST", Path: "/orders/{order}/deliver", Handle: s.deliverOrder},
		{Method: "POST", Path: "/orders/{order}/accept", Handle: s.acceptOrder},
		{Method: "POST", Path: "/orders/{order}/revision", Handle: s.requestRevision},
		{Method: "POST", Path: "/orders/{order}/extend", Handle: s.extendReview},
		{Method: "POST", Path: "/orders/{order}/cancel", Handle: s.cancelOrder},
		{Method: "POST", Path: "/orders/{order}/messages", Handle: s.messageOrder},
		{Method: "POST", Path: "/orders/{order}/reviews", Handle: s.reviewOrder},
		{Method: "GET", Path: "/accounts/{account}/approvals", Handle: s.approvalsPage},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/deliver", Handle: s.deliverMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/approve", Handle: s.approveMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/revision", Handle: s.reviseMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/pay", Handle: s.payMilestone},
		{Method: "GET", Path: "/orders/{order}/stop", Handle: s.stopPage},
		{Method: "POST", Path: "/orders/{order}/stop", Handle: s.stopOrder},
		{Method: "POST", Path: "/orders/{order}/weekly-reports", Handle: s.fileReport},
		{Method: "POST", Path: "/orders/{order}/weekly-reports/{report}/dispute", Handle: s.disputeReport},
		{Method: "POST", Path: "/orders/{order}/hourly/pause", Handle: s.pauseHourly},
		{Method: "POST", Path: "/orders/{order}/hourly/resume", Handle: s.resumeHourly},
		{Method: "GET", Path: "/orders/{order}/hourly/end", Handle: s.endHourlyPage},
		{Method: "POST", Path: "/orders/{order}/hourly/end", Handle: s.endHourly},
		{Method: "POST", Path: "/orders/{order}/hourly/limit", Handle: s.setWeeklyLimit},
		{Method: "POST", Path: "/orders/{order}/hourly/retry-charge", Handle: s.retryCharge},

		{Method: "GET", Path: "/offers/new", Handle: s.newOfferPage},
		{Method: "POST", Path: "/offers", Handle: s.createOffer},
		{Method: "GET", Path: "/offers/{offer}", Handle: site.PageOf(s.showOffer)},
		{Method: "POST", Path: "/offers/{offer}/accept", Handle: s.acceptOffer},
		{Method: "POST", Path: "/offers/{offer}/decline", Handle: s.declineOffer},
		{Method: "POST", Path: "/offers/{offer}/withdraw", Handle: s.withdrawOffer},
		{Method: "GET", Path: "/sell/offers", Handle: s.sellOffersPage},
		{Method: "GET", Path: "/accounts/{account}/offers", Handle: s.accountOffersPage},

		{Method: "POST", Path: "/orders/{order}/internal-comments", Handle: s.addInternalComment},
		{Method: "POST", Path: "/orders/{order}/shares", Handle: s.shareOrder},
	}
	list = append(list, s.resolutionRoutes()...)
	return list
}
