package accounts

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/jobs"
)

// Timers are the accounts' deadlines: invitations expire after seven days.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "invitation_expiry", Fire: s.ExpireInvitations,
			Next: func(ctx context.Context, after time.Time) (time.Time, bool, error) {
				return jobs.Earliest(ctx, s.DB, 0, `SELECT MIN(expires_at) FROM invitations WHERE status = 'sent' AND expires_at > ?`, db.Micros(after))
			}},
	}
}
