// Package orders holds the order pages: "My orders", an order's page as
// each side sees it (the timeline, deliveries and messages with their
// files, revisions, reviews, cancellation), the admin's approval queue of
// orders and raises, the milestones of an order, custom offers (the form,
// an offer's page, the lists of offers sent and received), hourly
// contracts (the weekly report, the review of charged weeks, the limit,
// pause, end and retry), the resolution center of an order, and its
// internal notes and shares. An order is placed from a service's page
// (internal/web/catalog); the operators' queues are in
// internal/web/operator.
package orders

import "atelier/internal/web/site"

// pages holds the handlers of the area: they reach the domain and answer
// through the Site they embed.
type pages struct{ *site.Site }

// Routes are the order pages: orders, approvals, milestones, custom offers,
// hourly contracts, the resolution center and internal notes.
func Routes(s *site.Site) []site.Route {
	p := &pages{s}
	return []site.Route{
		{Method: "GET", Path: "/orders", Handle: p.myOrdersPage},
		{Method: "GET", Path: "/orders/{order}", Handle: site.PageOf(p.showOrder)},
		{Method: "GET", Path: "/orders/{order}/files/{file}", Handle: p.orderFile},
		{Method: "POST", Path: "/orders/{order}/approve", Handle: p.approveOrder},
		{Method: "POST", Path: "/orders/{order}/reject", Handle: p.rejectOrder},
		{Method: "POST", Path: "/spend-approvals/{approval}/approve", Handle: p.approveSpend},
		{Method: "POST", Path: "/spend-approvals/{approval}/reject", Handle: p.rejectSpend},
		{Method: "POST", Path: "/orders/{order}/deliver", Handle: p.deliverOrder},
		{Method: "POST", Path: "/orders/{order}/accept", Handle: p.acceptOrder},
		{Method: "POST", Path: "/orders/{order}/revision", Handle: p.requestRevision},
		{Method: "POST", Path: "/orders/{order}/extend", Handle: p.extendReview},
		{Method: "POST", Path: "/orders/{order}/cancel", Handle: p.cancelOrder},
		{Method: "POST", Path: "/orders/{order}/messages", Handle: p.messageOrder},
		{Method: "POST", Path: "/orders/{order}/reviews", Handle: p.reviewOrder},
		{Method: "GET", Path: "/accounts/{account}/approvals", Handle: p.approvalsPage},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/deliver", Handle: p.deliverMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/approve", Handle: p.approveMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/revision", Handle: p.reviseMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/pay", Handle: p.payMilestone},
		{Method: "GET", Path: "/orders/{order}/stop", Handle: p.stopPage},
		{Method: "POST", Path: "/orders/{order}/stop", Handle: p.stopOrder},
		{Method: "POST", Path: "/orders/{order}/weekly-reports", Handle: p.fileReport},
		{Method: "POST", Path: "/orders/{order}/weekly-reports/{report}/dispute", Handle: p.disputeReport},
		{Method: "POST", Path: "/orders/{order}/hourly/pause", Handle: p.pauseHourly},
		{Method: "POST", Path: "/orders/{order}/hourly/resume", Handle: p.resumeHourly},
		{Method: "GET", Path: "/orders/{order}/hourly/end", Handle: p.endHourlyPage},
		{Method: "POST", Path: "/orders/{order}/hourly/end", Handle: p.endHourly},
		{Method: "POST", Path: "/orders/{order}/hourly/limit", Handle: p.setWeeklyLimit},
		{Method: "POST", Path: "/orders/{order}/hourly/retry-charge", Handle: p.retryCharge},
		{Method: "GET", Path: "/offers/new", Handle: p.newOfferPage},
		{Method: "POST", Path: "/offers", Handle: p.createOffer},
		{Method: "GET", Path: "/offers/{offer}", Handle: site.PageOf(p.showOffer)},
		{Method: "POST", Path: "/offers/{offer}/accept", Handle: p.acceptOffer},
		{Method: "POST", Path: "/offers/{offer}/decline", Handle: p.declineOffer},
		{Method: "POST", Path: "/offers/{offer}/withdraw", Handle: p.withdrawOffer},
		{Method: "GET", Path: "/sell/offers", Handle: p.sellOffersPage},
		{Method: "GET", Path: "/accounts/{account}/offers", Handle: p.accountOffersPage},
		{Method: "POST", Path: "/orders/{order}/internal-comments", Handle: p.addInternalComment},
		{Method: "POST", Path: "/orders/{order}/shares", Handle: p.shareOrder},

		{Method: "POST", Path: "/orders/{order}/cancellation", Handle: p.requestCancellation},
		{Method: "POST", Path: "/orders/{order}/cancellation/{answer}", Handle: p.answerCancellation},
		{Method: "POST", Path: "/orders/{order}/resolutions", Handle: p.openRequest},
		{Method: "POST", Path: "/orders/{order}/resolutions/{r}/{answer}", Handle: p.answerRequest},
		{Method: "POST", Path: "/orders/{order}/guarantee-claim", Handle: p.claimGuarantee},
	}
}
