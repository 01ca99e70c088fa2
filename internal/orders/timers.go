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
	// weeksToCharge: reported hourly weeks of contracts that are not suspended.
	weeksToCharge = `FROM hourly_reports r JOIN hourly_contracts c ON c.order_id = r.order_id WHERE r.status = 'draft' AND c.suspended_at IS NULL`
	// weeksCharged: charged hourly weeks waiting for their dispute window to end.
	weeksCharged = `FROM hourly_reports WHERE status = 'charged'`
)

// requestsOpen: open requests of one kind (a cancellation, an extension).
func requestsOpen(kind RequestKind) string {
	return `FROM order_requests WHERE status = 'open' AND kind = ` + db.Words(string(kind))
}

// Timers are the deadlines of orders, in the order a sweep runs them.
func (s *Service) Timers() []jobs.Timer {
	// next reads the earliest deadline of column among rows after `after`;
	// the row is due delay after its deadline.
	next := func(rows, column string, delay time.Duration) func(ctx context.Context, after time.Time) (time.Time, bool, error) {
		return func(ctx context.Context, after time.Time) (time.Time, bool, error) {
			return jobs.Earliest(ctx, s.DB, delay, `SELECT MIN(`+column+`) `+rows+` AND `+column+` > ?`, db.Micros(after.Add(-delay)))
		}
	}
	return []jobs.Timer{
		{Name: "order_auto_complete", Fire: s.AutoComplete, Next: next(autoCompleting, "auto_complete_at", 0)},
		{Name: "order_reviews_publish", Fire: s.PublishDueReviews, Next: next(reviewsHidden, "completed_at", ReviewsHiddenFor)},
		{Name: "offer_expire", Fire: s.ExpireOffers, Next: next(offersPending, "expires_at", 0)},
		{Name: "milestone_auto_approve", Fire: s.AutoApproveMilestones, Next: next(milestonesAwaiting, "auto_approve_at", 0)},
		{Name: "cancellation_auto_accept", Fire: s.AutoAcceptCancellations, Next: next(requestsOpen(RequestCancel), "deadline", 0)},
		{Name: "extension_auto_withdraw", Fire: s.WithdrawStaleExtensions, Next: next(requestsOpen(RequestExtendDelivery), "deadline", 0)},
		{Name: "hourly_charge", Fire: s.ChargeHourlyWeeks, Next: next(weeksToCharge, "r.charge_at", 0)},
		// A week is released once its dispute window has passed: the
		// microsecond after dispute_until.
		{Name: "hourly_release", Fire: s.ReleaseHourlyWeeks, Next: next(weeksCharged, "dispute_until", time.Microsecond)},
	}
}
