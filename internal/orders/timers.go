package orders

import (
	"atelier/internal/jobs"
)

// The rows each timer of orders applies, written once for the timer (rows
// due now) and for its Next (the earliest due later).
const (
	// autoCompleting: deliveries waiting for the client, unless on hold.
	autoCompleting = `FROM orders o WHERE status = 'delivered' AND kind <> 'milestones' AND NOT ` + heldSQL
)

// Timers are the deadlines of orders, in the order a sweep runs them.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "order_auto_complete", Fire: s.AutoComplete, Next: jobs.NextDue(s.DB, autoCompleting, "auto_complete_at", 0)},
	}
}
