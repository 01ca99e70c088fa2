package catalog

import (
	"time"

	"atelier/internal/jobs"
)

// Timers are the catalog's upkeep: the search index is merged daily.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{jobs.Periodic(s.DB, "search_index_optimize", 24*time.Hour, s.OptimizeIndex)}
}
