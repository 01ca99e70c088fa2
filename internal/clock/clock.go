// Package clock is the one source of time for Atelier.
//
// Every domain operation and every timer asks a Clock for "now" instead of
// calling time.Now, so tests (and `atelier serve --test-mode`) can move time
// forward and watch deadlines fire. Times are always UTC.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock.
type Real struct{}

// Now returns the current UTC time, truncated to microseconds (the precision
// both databases store).
func (Real) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Test is a clock that follows the wall clock plus an offset that only grows.
// Advance moves it forward; it never goes back, so deadlines computed from it
// stay consistent.
type Test struct {
	mu     sync.Mutex
	offset time.Duration
}

// NewTest returns a test clock that starts at the wall clock.
func NewTest() *Test { return &Test{} }

// Now returns the wall clock plus the accumulated offset.
func (c *Test) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Real{}.Now().Add(c.offset)
}

// Advance moves the clock forward by d (negative durations are ignored) and
// returns the new time.
func (c *Test) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	if d > 0 {
		c.offset += d
	}
	c.mu.Unlock()
	return c.Now()
}
