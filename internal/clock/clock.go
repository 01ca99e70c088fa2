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

// Test is a clock that starts at an instant its owner names and then runs
// at the pace of real time, so a test reads the same dates on any day it
// runs. It only moves forward: Advance and Set jump ahead, never back, so
// deadlines computed from it stay consistent.
//
// Two readings never return the same instant (the later one is at least a
// microsecond after), so rows written one after the other keep their order
// on a node even when the machine is faster than a microsecond.
//
// Hold stops the clock where it stands (each reading still a microsecond
// after the last) until Release: the job runner holds it while it runs the
// timers due inside a jump, so each runs at its own due instant.
type Test struct {
	mu    sync.Mutex
	at    time.Time // the instant set last
	since time.Time // when, on the process's monotonic clock, at was set
	held  bool
	last  time.Time // the last reading
}

// NewTest returns a test clock that reads start now and runs from there.
func NewTest(start time.Time) *Test {
	start = start.UTC().Truncate(time.Microsecond)
	return &Test{at: start, since: time.Now(), last: start.Add(-time.Microsecond)}
}

// Now returns the clock's current instant, after every earlier reading.
func (c *Test) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read()
}

func (c *Test) read() time.Time {
	now := c.at
	if !c.held {
		now = now.Add(time.Since(c.since)).Truncate(time.Microsecond)
	}
	if !now.After(c.last) {
		now = c.last.Add(time.Microsecond)
	}
	c.last = now
	return now
}

// Advance moves the clock forward by d (negative durations are ignored) and
// returns the new time.
func (c *Test) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.read()
	if d > 0 {
		c.set(now.Add(d))
	}
	return c.read()
}

// Set moves the clock to t, if t is later than the clock's current instant,
// and returns the new time.
func (c *Test) Set(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.read(); t.After(now) {
		c.set(t)
	}
	return c.read()
}

func (c *Test) set(t time.Time) {
	c.at = t.UTC().Truncate(time.Microsecond)
	c.since = time.Now()
	if before := c.at.Add(-time.Microsecond); before.After(c.last) {
		c.last = before // the next reading is at, unless one was already later
	}
}

// Hold stops the clock at its current instant until Release.
func (c *Test) Hold() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.held {
		c.set(c.read())
		c.held = true
	}
}

// Release lets a held clock run again from where it stands.
func (c *Test) Release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held {
		now := c.read()
		c.held = false
		c.set(now)
	}
}
