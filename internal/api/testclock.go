package api

import (
	"strconv"
	"strings"
	"time"

	"atelier/internal/errs"
)

type advanceIn struct {
	Duration string `json:"duration"` // Go duration, or whole days like "2d"
}

type clockOut struct {
	Now time.Time `json:"now"`
}

// maxJump is the longest jump of the test clock: every timer due inside a
// jump runs at its own instant (the daily ones every day), so a jump of a
// century would hold the server for minutes.
const maxJump = 400 * 24 * time.Hour

// parseDuration reads a Go duration ("49h", "90m") or a number of days ("2d").
func parseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 1<<20 {
			return 0, false
		}
		return time.Duration(n) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d > 0
}

// testClockRoutes exist only under `atelier serve --test-mode`.
func (s *Server) testClockRoutes() []route {
	return []route{
		{Method: "GET", Path: "/test-clock", Tag: "test", Summary: "Read the test clock (test mode only)", Public: true, Out: clockOut{},
			Handle: func(c *call) (any, error) { return clockOut{Now: s.TestClock.Now()}, nil }},
		{Method: "POST", Path: "/test-clock/advance", Tag: "test", Public: true, In: advanceIn{}, Out: clockOut{},
			Summary: "Move the clock forward as if the time passed: every timer due inside the jump runs at its own due instant, in due order, before the answer (test mode only)",
			Handle: body(func(c *call, in advanceIn) (any, error) {
				d, ok := parseDuration(in.Duration)
				if !ok {
					return nil, errs.Invalid("duration", "duration_invalid")
				}
				if d > maxJump {
					return nil, errs.Invalid("duration", "duration_too_long")
				}
				now, err := s.Jobs.Advance(c.r.Context(), d)
				if err != nil {
					return nil, err
				}
				return clockOut{Now: now}, nil
			})},
	}
}
