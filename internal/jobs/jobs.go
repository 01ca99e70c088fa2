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
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"atelier/internal/db"
)

// Timer applies the transitions of one kind of deadline that are due at now
// and returns how many it applied.
type Timer struct {
	Name string
	Fire func(ctx context.Context, now time.Time) (int, error)
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
// ready, then returns. The test clock calls it after advancing.
func (r *Runner) RunDue(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.DB.Clock.Now()
	var firstErr error
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
		if n > 0 {
			r.log().Info("timer fired", "timer", t.Name, "applied", n)
		}
	}
	if err := r.drainOutbox(ctx); err != nil && firstErr == nil {
		firstErr = err
	}
	return firstErr
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
	return Timer{Name: name, Fire: func(ctx context.Context, now time.Time) (int, error) {
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
