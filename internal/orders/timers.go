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
		{Name: "cancellation_auto_accept", Fire: s.AutoAcceptCancellations, Next: next(requestsOpen(RequestCancel), "deadline", 0)},
		{Name: "extension_auto_withdraw", Fire: s.WithdrawStaleExtensions, Next: next(requestsOpen(RequestExtendDelivery), "deadline", 0)},
	}
}
