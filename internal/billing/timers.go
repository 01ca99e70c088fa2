package billing

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/jobs"
)

// Timers are billing's deadlines: earnings clear after their clearance
// period, and rewards levels are recomputed daily.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "earnings_clearance", Fire: s.ClearEarnings,
			Next: func(ctx context.Context, after time.Time) (time.Time, bool, error) {
				return jobs.Earliest(ctx, s.DB, 0, `SELECT MIN(clears_at) FROM earnings WHERE cleared_at IS NULL AND clears_at > ?`, db.Micros(after))
			}},
		jobs.Periodic(s.DB, "rewards_daily", 24*time.Hour, s.RecomputeLevels),
	}
}
