package billing

import (
	"time"

	"atelier/internal/jobs"
)

// Timers are billing's deadlines: earnings clear after their clearance
// period, and rewards levels are recomputed daily.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "earnings_clearance", Fire: s.ClearEarnings, Next: jobs.NextDue(s.DB, `FROM earnings WHERE cleared_at IS NULL`, "clears_at", 0)},
		jobs.Periodic(s.DB, "rewards_daily", 24*time.Hour, s.RecomputeLevels),
	}
}
