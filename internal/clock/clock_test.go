package clock_test

import (
	"testing"
	"time"

	"atelier/internal/clock"
)

func TestTestClock(t *testing.T) {
	start := time.Date(2028, time.February, 29, 23, 30, 0, 0, time.FixedZone("CET", 3600))
	c := clock.NewTest(start)
	first := c.Now()
	if first.Location() != time.UTC || first.Before(start) || first.Sub(start) > time.Minute {
		t.Fatalf("a clock started at %v reads %v", start, first)
	}
	// Two readings are never the same instant, even held.
	c.Hold()
	a, b := c.Now(), c.Now()
	if !b.After(a) || b.Sub(a) != time.Microsecond {
		t.Fatalf("held readings %v then %v", a, b)
	}
	// Set moves forward only; a held clock stays where it is set.
	if got := c.Set(a.Add(-time.Hour)); !got.After(b) {
		t.Fatalf("set back to %v", got)
	}
	to := a.Add(48 * time.Hour)
	if got := c.Set(to); !got.Equal(to) {
		t.Fatalf("set to %v reads %v", to, got)
	}
	c.Release()
	if got := c.Advance(-time.Hour); got.Before(to) {
		t.Fatalf("advanced by a negative duration to %v", got)
	}
	if got := c.Advance(24 * time.Hour); got.Sub(to) < 24*time.Hour {
		t.Fatalf("advanced by a day from %v to %v", to, got)
	}
}
