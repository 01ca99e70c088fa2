// Package clocktest says where tests start their clocks.
//
// No test reads the date from the wall clock: every test clock starts at
// Start, a fixed instant, so the suite passes on any day. The variable
// ATELIER_TEST_START (an RFC 3339 instant) moves that start, which is how
// CI proves that the day does not matter: it runs the tests that move time
// from Mondays and Sundays, month and year ends, 29 February and the nights
// Europe's clocks change.
package clocktest

import (
	"os"
	"testing"
	"time"

	"atelier/internal/clock"
)

// Env names the variable that moves the start of every test clock.
const Env = "ATELIER_TEST_START"

// Default is where test clocks start when Env is not set: a Wednesday
// morning, the day the suite was first seen failing because it read the
// wall clock.
var Default = time.Date(2026, time.December, 2, 9, 0, 0, 0, time.UTC)

// Start is the instant test clocks start at: Env when set, else Default.
func Start(t testing.TB) time.Time {
	t.Helper()
	v := os.Getenv(Env)
	if v == "" {
		return Default
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		t.Fatalf("%s=%q: want an RFC 3339 instant such as 2028-02-29T09:00:00Z: %v", Env, v, err)
	}
	return at.UTC()
}

// New returns a test clock starting at Start.
func New(t testing.TB) *clock.Test { return clock.NewTest(Start(t)) }

// NextMonday is the first Monday 00:00 UTC after t's day: the start of the
// next hourly week (a Monday gives the Monday a week later).
func NextMonday(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, 7-(int(day.Weekday())+6)%7)
}
