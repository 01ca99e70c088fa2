package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/clock"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/jobs"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func enqueue(t *testing.T, d *db.DB, topic string, payload any, commit bool) {
	t.Helper()
	stop := errors.New("rollback")
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		if err := jobs.Enqueue(context.Background(), tx, topic, payload); err != nil {
			return err
		}
		if !commit {
			return stop
		}
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		t.Fatal(err)
	}
}

func TestOutboxDeliversCommittedMessagesWithRetries(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		d := dbtest.Open(t, e, clk)
		var got []string
		failures := 2
		r := &jobs.Runner{DB: d, Log: quiet, Handlers: map[string]jobs.Handler{
			"note": func(ctx context.Context, p []byte) error {
				if string(p) == `"flaky"` && failures > 0 {
					failures--
					return errors.New("smtp down")
				}
				got = append(got, string(p))
				return nil
			},
		}}
		enqueue(t, d, "note", "kept", true)
		enqueue(t, d, "note", "rolled back", false)
		enqueue(t, d, "note", "flaky", true)
		if err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != `"kept"` {
			t.Fatalf("first sweep delivered %v", got)
		}
		// The failed message waits for its backoff, then is retried.
		r.RunDue(ctx)
		if len(got) != 1 {
			t.Fatalf("retried before its backoff: %v", got)
		}
		clk.Advance(3 * time.Second)
		r.RunDue(ctx)
		clk.Advance(5 * time.Second)
		r.RunDue(ctx)
		if len(got) != 2 || got[1] != `"flaky"` {
			t.Fatalf("after retries delivered %v", got)
		}
		var attempts int
		d.QueryRow(ctx, `SELECT attempts FROM outbox WHERE payload = ?`, `"flaky"`).Scan(&attempts)
		if attempts != 3 {
			t.Fatalf("attempts = %d, want 3", attempts)
		}
		clk.Advance(time.Hour)
		r.RunDue(ctx)
		if len(got) != 2 {
			t.Fatalf("delivered again: %v", got)
		}
	})
}

func TestTwoRunnersDeliverEachMessageOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		d := dbtest.Open(t, e, nil)
		var mu sync.Mutex
		seen := map[string]int{}
		h := func(ctx context.Context, p []byte) error {
			mu.Lock()
			seen[string(p)]++
			mu.Unlock()
			return nil
		}
		for i := range 120 {
			enqueue(t, d, "n", i, true)
		}
		var wg sync.WaitGroup
		for range 2 {
			r := &jobs.Runner{DB: d, Log: quiet, Handlers: map[string]jobs.Handler{"n": h}}
			wg.Add(1)
			go func() { defer wg.Done(); r.RunDue(ctx) }()
		}
		wg.Wait()
		if len(seen) != 120 {
			t.Fatalf("delivered %d distinct messages, want 120", len(seen))
		}
		for p, n := range seen {
			if n != 1 {
				t.Fatalf("message %s delivered %d times", p, n)
			}
		}
	})
}

func TestTimersRunOnTheClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clocktest.New(t)
	d := dbtest.Open(t, db.SQLite, clk)
	deadline := clk.Now().Add(48 * time.Hour)
	fired := 0
	r := &jobs.Runner{DB: d, Log: quiet, Timers: []jobs.Timer{{Name: "t", Fire: func(ctx context.Context, now time.Time) (int, error) {
		if !now.Before(deadline) && fired == 0 {
			fired++
			return 1, nil
		}
		return 0, nil
	}}}}
	r.RunDue(ctx)
	if fired != 0 {
		t.Fatal("fired early")
	}
	clk.Advance(49 * time.Hour)
	r.RunDue(ctx)
	if fired != 1 {
		t.Fatal("did not fire after the clock passed the deadline")
	}
	// Start/Wait: the background loop stops when its context ends.
	loopCtx, cancel := context.WithCancel(ctx)
	r.Interval = 10 * time.Millisecond
	r.Start(loopCtx)
	time.Sleep(30 * time.Millisecond)
	cancel()
	r.Wait()
}

// Advance runs each timer due inside the jump at its own due instant, in
// due order, including a timer that another schedules inside the same
// jump, and only then sets the final time. It needs a test clock.
func TestAdvanceRunsTimersAtTheirInstants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := clocktest.New(t)
	d := dbtest.Open(t, db.SQLite, clk)
	start := clk.Now()
	var ran []string
	// due holds each timer's next instant (zero: nothing waiting).
	due := map[string]time.Time{"invoice": start.Add(time.Hour), "remind": {}}
	timer := func(name string, then func(now time.Time)) jobs.Timer {
		return jobs.Timer{Name: name,
			Fire: func(ctx context.Context, now time.Time) (int, error) {
				if due[name].IsZero() || due[name].After(now) {
					return 0, nil
				}
				ran = append(ran, name+" at +"+now.Sub(start).Truncate(time.Second).String())
				due[name] = time.Time{}
				then(now)
				return 1, nil
			},
			Next: func(ctx context.Context, after time.Time) (time.Time, bool, error) {
				return due[name], !due[name].IsZero() && due[name].After(after), nil
			}}
	}
	r := &jobs.Runner{DB: d, Log: quiet, Timers: []jobs.Timer{
		timer("remind", func(time.Time) {}),
		// The invoice, once sent, schedules a reminder 30 minutes later.
		timer("invoice", func(now time.Time) { due["remind"] = now.Add(30 * time.Minute) }),
	}}
	end, err := r.Advance(ctx, 3*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ran, ", "); got != "invoice at +1h0m0s, remind at +1h30m0s" {
		t.Fatalf("ran %s", got)
	}
	if end.Sub(start).Truncate(time.Second) != 3*time.Hour || clk.Now().Before(end) {
		t.Fatalf("the jump ended at +%s, the clock reads +%s", end.Sub(start), clk.Now().Sub(start))
	}

	wall := &jobs.Runner{DB: dbtest.Open(t, db.SQLite, clock.Real{}), Log: quiet}
	if _, err := wall.Advance(ctx, time.Hour); !errors.Is(err, jobs.ErrNoTestClock) {
		t.Fatalf("advance on the real clock: %v", err)
	}
}
