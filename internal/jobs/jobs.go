// Package jobs runs what happens without a request: durable timers and the
// outbox.
//
// Timers are data. A domain writes a deadline column in the same transaction
// as the state change that starts the clock (an invitation's expires_at).
// A Timer is the domain's function that applies every transition due at a
// given time, each with a conditional UPDATE … WHERE state = … AND deadline
// <= now, so applying it twice, or on two nodes at once, changes a row once.
// Nothing lives in memory: a restart, or another node, picks up where the
// last one stopped.
//
// Side effects that must not run inside a transaction (e-mail) go into the
// outbox table in the same transaction as their cause, and the Runner
// delivers them afterwards, at least once, with retries and backoff.
//
// A Timer also tells when it will next have something to do (Next), so a
// test clock's jump runs like time really passed (Runner.Advance): every
// timer due inside the jump runs at its own due instant, in due order,
// including those that earlier ones schedule inside the same jump.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"atelier/internal/clock"
	"atelier/internal/db"
)

// Timer applies the transitions of one kind of deadline that are due at now
// and returns how many it applied.
//
// Next returns the earliest instant after `after` at which Fire would apply
// something that is already written down (false when nothing is waiting).
// It reads the same deadlines with the same conditions as Fire: the test
// clock uses it to stop at each due instant of a jump. A timer without Next
// only runs at the instants other timers bring and at the end of a jump.
type Timer struct {
	Name string
	Fire func(ctx context.Context, now time.Time) (int, error)
	Next func(ctx context.Context, after time.Time) (time.Time, bool, error)
}

// Earliest reads the first column of the single row of query, a
// microsecond instant (MIN(deadline) …), as the earliest due instant plus
// delay; NULL means nothing is waiting. Timers build their Next with it.
func Earliest(ctx context.Context, q db.Queryer, delay time.Duration, query string, args ...any) (time.Time, bool, error) {
	var at sql.NullInt64
	if err := q.QueryRow(ctx, query, args...).Scan(&at); err != nil {
		return time.Time{}, false, err
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return db.Time(at.Int64).Add(delay), true, nil
}

// NextDue is a timer's Next over rows (a FROM … WHERE … clause): the
// earliest deadline in column after `after`, a row being due delay after
// its deadline.
func NextDue(q db.Queryer, rows, column string, delay time.Duration) func(ctx context.Context, after time.Time) (time.Time, bool, error) {
	return func(ctx context.Context, after time.Time) (time.Time, bool, error) {
		return Earliest(ctx, q, delay, `SELECT MIN(`+column+`) `+rows+` AND `+column+` > ?`, db.Micros(after.Add(-delay)))
	}
}

// Handler delivers one outbox message. An error makes it retry later.
type Handler func(ctx context.Context, payload []byte) error

// Enqueue writes a message to the outbox in tx; it is delivered after the
// transaction commits, and never if it rolls back.
func Enqueue(ctx context.Context, tx *db.Tx, topic string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO outbox (id, topic, payload, created_at, available_at) VALUES (?, ?, ?, ?, ?)`,
		db.NewID("obx"), topic, string(b), db.Micros(tx.Now), db.Micros(tx.Now))
	return err
}

// Runner fires timers and drains the outbox, on a tick or on demand.
type Runner struct {
	DB       *db.DB
	Timers   []Timer
	Handlers map[string]Handler
	Interval time.Duration // between sweeps; 1s if zero
	Log      *slog.Logger
	// Observe, when set, hears each timer run (applied items, error) and
	// each outbox delivery (timer "outbox:<topic>", 1 when delivered): the
	// metrics count them.
	Observe func(timer string, applied int, err error)

	mu   sync.Mutex // one sweep at a time in this process
	done chan struct{}
}

// MaxAttempts is how often an outbox message is tried before it is given up
// (and kept, with its last error, for an operator to look at).
const MaxAttempts = 10

// claimFor is how long a node may work on one outbox message before another
// node may take it over.
const claimFor = 5 * time.Minute

// RunDue fires every timer due now and delivers every outbox message that is
// ready, then returns.
func (r *Runner) RunDue(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := r.sweep(ctx, r.DB.Clock.Now())
	return err
}

// sweep fires every timer at now, then delivers the outbox; it returns how
// many transitions the timers applied.
func (r *Runner) sweep(ctx context.Context, now time.Time) (int, error) {
	var firstErr error
	applied := 0
	for _, t := range r.Timers {
		n, err := t.Fire(ctx, now)
		if r.Observe != nil {
			r.Observe(t.Name, n, err)
		}
		if err != nil {
			r.log().Error("timer failed", "timer", t.Name, "err", err)
			if firstErr == nil {
				firstErr = fmt.Errorf("timer %s: %w", t.Name, err)
			}
			continue
		}
		applied += n
		if n > 0 {
			r.log().Info("timer fired", "timer", t.Name, "applied", n)
		}
	}
	if err := r.drainOutbox(ctx); err != nil && firstErr == nil {
		firstErr = err
	}
	return applied, firstErr
}

// ErrNoTestClock is Advance's answer on a runner whose database reads the
// real clock.
var ErrNoTestClock = errors.New("jobs: the clock can only be moved in test mode")

// maxPasses bounds the sweeps at one instant: a timer may make another one
// due at the same instant, so Advance sweeps again while sweeps apply
// something.
const maxPasses = 5

// Advance moves the test clock forward by d as if the time had really
// passed. It runs every timer that falls due inside the jump in due order,
// each at its own due instant (the clock is held at that instant while they
// run, so what they write is dated then), including timers that those
// timers schedule inside the same jump, and the outbox at each instant;
// only then does it set the final time and sweep once more. It returns
// the final time.
//
// One jump of 360 hours, fifteen of 24 and 360 of one hour leave the same
// books: the result does not depend on how the test walks through time.
func (r *Runner) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	clk, ok := r.DB.Clock.(*clock.Test)
	if !ok {
		return time.Time{}, ErrNoTestClock
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	clk.Hold()
	defer clk.Release()
	end := clk.Now().Add(max(d, 0))
	for {
		now, err := r.settle(ctx, clk)
		if err != nil {
			return now, err
		}
		next, ok, err := r.next(ctx, now)
		if err != nil {
			return now, err
		}
		if !ok || !next.Before(end) {
			break
		}
		clk.Set(next)
	}
	clk.Set(end)
	now, err := r.settle(ctx, clk)
	return now, err
}

// settle sweeps at the clock's instant until a sweep applies nothing (or
// maxPasses), and returns the instant the last sweep ran at.
func (r *Runner) settle(ctx context.Context, clk *clock.Test) (time.Time, error) {
	var now time.Time
	for range maxPasses {
		now = clk.Now()
		n, err := r.sweep(ctx, now)
		if err != nil || n == 0 {
			return now, err
		}
	}
	return now, nil
}

// next is the earliest instant after `after` at which a timer or an
// outbox message is due.
func (r *Runner) next(ctx context.Context, after time.Time) (time.Time, bool, error) {
	first, found, err := Earliest(ctx, r.DB, 0, `SELECT MIN(available_at) FROM outbox WHERE done_at IS NULL AND available_at > ?`, db.Micros(after))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("outbox: %w", err)
	}
	for _, t := range r.Timers {
		if t.Next == nil {
			continue
		}
		at, ok, err := t.Next(ctx, after)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("timer %s: %w", t.Name, err)
		}
		if ok && at.After(after) && (!found || at.Before(first)) {
			first, found = at, true
		}
	}
	return first, found, nil
}

func (r *Runner) log() *slog.Logger {
	if r.Log == nil {
		return slog.Default()
	}
	return r.Log
}

// Start sweeps every Interval until ctx ends. Stop waits for the last sweep.
func (r *Runner) Start(ctx context.Context) {
	every := r.Interval
	if every <= 0 {
		every = time.Second
	}
	r.done = make(chan struct{})
	go func() {
		defer close(r.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
					r.log().Error("sweep failed", "err", err)
				}
			}
		}
	}()
}

// Wait blocks until the loop started by Start has finished its last sweep.
func (r *Runner) Wait() {
	if r.done != nil {
		<-r.done
	}
}

type outboxMsg struct {
	id, topic, payload string
	attempts           int
}

func (r *Runner) drainOutbox(ctx context.Context) error {
	for {
		now := r.DB.Clock.Now()
		rows, err := r.DB.Query(ctx, `SELECT id, topic, payload, attempts FROM outbox
			WHERE done_at IS NULL AND available_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
			ORDER BY available_at, id LIMIT 50`, db.Micros(now), db.Micros(now))
		if err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		var batch []outboxMsg
		for rows.Next() {
			var m outboxMsg
			if err := rows.Scan(&m.id, &m.topic, &m.payload, &m.attempts); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, m := range batch {
			if err := r.deliver(ctx, m, now); err != nil {
				return err
			}
		}
		if len(batch) < 50 {
			return nil
		}
	}
}

// deliver claims one message (a conditional UPDATE, so one node wins), runs
// its handler, and records the outcome.
func (r *Runner) deliver(ctx context.Context, m outboxMsg, now time.Time) error {
	res, err := r.DB.Exec(ctx, `UPDATE outbox SET claimed_until = ?, attempts = attempts + 1
		WHERE id = ? AND done_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)`,
		db.Micros(now.Add(claimFor)), m.id, db.Micros(now))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // another node has it
	}
	h, ok := r.Handlers[m.topic]
	var herr error
	if !ok {
		herr = fmt.Errorf("no handler for topic %q", m.topic)
	} else {
		herr = h(ctx, []byte(m.payload))
	}
	if r.Observe != nil {
		delivered := 0
		if herr == nil {
			delivered = 1
		}
		r.Observe("outbox:"+m.topic, delivered, herr)
	}
	if herr == nil {
		_, err = r.DB.Exec(ctx, `UPDATE outbox SET done_at = ?, claimed_until = NULL, last_error = '' WHERE id = ?`, db.Micros(now), m.id)
		return err
	}
	attempts := m.attempts + 1
	r.log().Warn("outbox delivery failed", "id", m.id, "topic", m.topic, "attempt", attempts, "err", herr)
	if attempts >= MaxAttempts {
		_, err = r.DB.Exec(ctx, `UPDATE outbox SET done_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?`,
			db.Micros(now), "gave up: "+herr.Error(), m.id)
		return err
	}
	backoff := time.Duration(1<<min(attempts, 12)) * time.Second // 2s, 4s, … about an hour
	_, err = r.DB.Exec(ctx, `UPDATE outbox SET available_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?`,
		db.Micros(now.Add(backoff)), herr.Error(), m.id)
	return err
}

// Periodic makes a Timer of a job that runs every interval: due when its
// row in job_schedules says so (at once, the first time), taken by the node
// whose conditional UPDATE moves the next run forward, so each period runs
// once across nodes.
func Periodic(d *db.DB, name string, every time.Duration, run func(ctx context.Context, now time.Time) (int, error)) Timer {
	next := func(ctx context.Context, after time.Time) (time.Time, bool, error) {
		return Earliest(ctx, d, 0, `SELECT MIN(next_run_at) FROM job_schedules WHERE name = ? AND next_run_at > ?`, name, db.Micros(after))
	}
	return Timer{Name: name, Next: next, Fire: func(ctx context.Context, now time.Time) (int, error) {
		if _, err := d.Exec(ctx, `INSERT INTO job_schedules (name, next_run_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			name, db.Micros(now)); err != nil {
			return 0, err
		}
		res, err := d.Exec(ctx, `UPDATE job_schedules SET next_run_at = ? WHERE name = ? AND next_run_at <= ?`,
			db.Micros(now.Add(every)), name, db.Micros(now))
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, nil
		}
		return run(ctx, now)
	}}
}
