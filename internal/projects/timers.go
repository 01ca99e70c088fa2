package projects

import (
	"time"

	"atelier/internal/jobs"
)

// Timers are the projects' deadlines: the management fee is billed daily.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{jobs.Periodic(s.DB, "project_management_fee", 24*time.Hour, s.BillManagementFees)}
}
