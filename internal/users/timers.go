package users

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/jobs"
)

// Timers are the users' housekeeping: expired sessions, old sign-in
// failures and expired sign-in challenges are deleted (none changes what
// anyone sees: a session or challenge past its expiry is refused and an
// old failure not counted, deleted or not).
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "session_cleanup", Fire: s.DeleteExpiredSessions,
			Next: func(ctx context.Context, after time.Time) (time.Time, bool, error) {
				return jobs.Earliest(ctx, s.DB, 0, `SELECT MIN(expires_at) FROM sessions WHERE expires_at > ?`, db.Micros(after))
			}},
		{Name: "sign_in_failures_cleanup", Fire: s.DeleteOldSignInFailures,
			Next: func(ctx context.Context, after time.Time) (time.Time, bool, error) {
				return jobs.Earliest(ctx, s.DB, SignInWindow, `SELECT MIN(failed_at) FROM sign_in_failures WHERE failed_at > ?`,
					db.Micros(after.Add(-SignInWindow)))
			}},
		{Name: "sign_in_challenges_cleanup", Fire: s.DeleteOldChallenges,
			Next: func(ctx context.Context, after time.Time) (time.Time, bool, error) {
				return jobs.Earliest(ctx, s.DB, 0, `SELECT MIN(expires_at) FROM sign_in_challenges WHERE expires_at > ?`, db.Micros(after))
			}},
	}
}
