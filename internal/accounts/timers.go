package accounts

import (
	"atelier/internal/jobs"
)

// Timers are the accounts' deadlines: invitations expire after seven days.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "invitation_expiry", Fire: s.ExpireInvitations, Next: jobs.NextDue(s.DB, `FROM invitations WHERE status = 'sent'`, "expires_at", 0)},
	}
}
