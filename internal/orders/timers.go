package orders

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/jobs"
)

// The rows each timer of orders applies, written once for the timer (rows
// due now) and for its Next (the earliest due later).
const (
	// autoCompleting: deliveries waiting for the client, unless on hold.
	autoCompleting = `FROM orders o WHERE status = 'delivered' AND kind <> 'milestones' AND NOT ` + heldSQL
	// reviewsHidden: completed orders whose reviews are not shown yet.
	reviewsHidden = `FROM orders WHERE status = 'completed' AND reviews_public_at IS NULL`
	// offersPending: offers nobody answered yet.
	offersPending = `FROM offers WHERE status = 'pending'`
	// milestonesAwaiting: delivered milestones, unless their order is on hold.
	milestonesAwaiting = `FROM order_milestones m WHERE status = 'delivered'
		AND NOT EXISTS (SELECT 1 FROM order_requests r WHERE r.order_id = m.order_id AND r.status = 'open' AND r.kind IN ('cancel', 'escalate'))`
)

// requestsOpen: open requests of one kind (a cancellation, an extension).
func requestsOpen(kind RequestKind) string {
	return `FROM order_requests WHERE status = 'open' AND kind = ` + db.Words(string(kind))
}

// Timers are the deadlines of orders, in the order a sweep runs them.
func (s *Service) Timers() []jobs.Timer {
	next := func(rows, column string, delay time.Duration) func(ctx context.Context, after time.Time) (time.Time, bool, error) {
		return jobs.NextDue(s.DB, rows, column, delay)
	}
	return []jobs.Timer{
		{Name: "order_auto_complete", Fire: s.AutoComplete, Next: next(autoCompleting, "auto_complete_at", 0)},
		{Name: "order_reviews_publish", Fire: s.PublishDueReviews, Next: next(reviewsHidden, "completed_at", ReviewsHiddenFor)},
		{Name: "offer_expire", Fire: s.ExpireOffers, Next: next(offersPending, "expires_at", 0)},
		{Name: "milestone_auto_approve", Fire: s.AutoApproveMilestones, Next: next(milestonesAwaiting, "auto_approve_at", 0)},
		{Name: "cancellation_auto_accept", Fire: s.AutoAcceptCancellations, Next: next(requestsOpen(RequestCancel), "deadline", 0)},
		{Name: "extension_auto_withdraw", Fire: s.WithdrawStaleExtensions, Next: next(requestsOpen(RequestExtendDelivery), "deadline", 0)},
	}
}
