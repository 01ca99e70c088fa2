package db_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

func TestMigrateTwiceAndConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		cfg := dbtest.Config(t, e)
		// Two "nodes" start at once on one database: each migration runs once.
		var wg sync.WaitGroup
		applied := make([][]string, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := db.Open(ctx, cfg, nil)
				if err != nil {
					errs[i] = err
					return
				}
				defer d.Close()
				applied[i], errs[i] = d.Migrate(ctx)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		// Each migration ran exactly once, on one node or the other (on
		// PostgreSQL one node does them all, under the advisory lock; on
		// SQLite each runs in its own immediate transaction).
		seen := map[string]int{}
		for _, list := range applied {
			for _, m := range list {
				seen[m]++
			}
		}
		var ran int
		if err := func() error {
			d, err := db.Open(ctx, cfg, nil)
			if err != nil {
				return err
			}
			defer d.Close()
			return d.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&ran)
		}(); err != nil {
			t.Fatal(err)
		}
		if len(seen) != ran || ran == 0 {
			t.Fatalf("migrations applied %v and %v, %d recorded", applied[0], applied[1], ran)
		}
		for m, n := range seen {
			if n != 1 {
				t.Fatalf("migration %s applied %d times", m, n)
			}
		}
		d, err := db.Open(ctx, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		again, err := d.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("third migrate applied %v, %v", again, err)
		}
	})
}

// A node migrating one schema does not hold back a database in another
// schema of the same server (another installation, a parallel test): the
// migration lock is the schema's.
func TestMigrationLockIsTheSchemas(t *testing.T) {
	ctx := context.Background()
	busy := dbtest.Config(t, db.Postgres) // skips without PostgreSQL
	held, err := db.Open(ctx, busy, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	// A node of the busy schema in the middle of its migrations.
	release, err := held.HoldMigrationLock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	other, err := db.Open(ctx, dbtest.Config(t, db.Postgres), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := other.Migrate(wait); err != nil {
		t.Fatalf("another schema's migrations waited for the busy one: %v", err)
	}
}

func TestTxNowUniqueAndRollback(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		d := dbtest.Open(t, e, clk)
		start := clk.Now()
		clk.Advance(48 * time.Hour)
		var txNow time.Time
		err := d.InTx(ctx, func(tx *db.Tx) error {
			txNow = tx.Now
			_, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
				db.NewID("usr"), "a@example.com", "A", "x", db.Micros(tx.Now))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if d := txNow.Sub(start); d < 48*time.Hour {
			t.Fatalf("tx.Now did not follow the test clock: %v ahead", d)
		}
		// A duplicate e-mail is a unique violation on both engines, and the
		// failed transaction leaves nothing behind.
		sentinel := errors.New("stop")
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
				db.NewID("usr"), "b@example.com", "B", "x", 1); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
				db.NewID("usr"), "a@example.com", "A2", "x", 1)
			if !db.IsUniqueViolation(err) {
				t.Errorf("duplicate e-mail: got %v, want a unique violation", err)
			}
			return sentinel
		})
		if !errors.Is(err, sentinel) {
			t.Fatal(err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("users = %d (%v), want 1 after rollback", n, err)
		}
		// Times round-trip at microsecond precision.
		var at int64
		if err := d.QueryRow(ctx, `SELECT created_at FROM users WHERE email = ?`, "a@example.com").Scan(&at); err != nil {
			t.Fatal(err)
		}
		if !db.Time(at).Equal(txNow) {
			t.Fatalf("stored %v, want %v", db.Time(at), txNow)
		}
	})
}

// ExecOne answers its own error when the statement changes no row, and
// nil when it changes the one it asks for.
func TestExecOne(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		d := dbtest.Open(t, e, clocktest.New(t))
		gone := errors.New("gone")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
				"usr_1", "a@example.com", "A", "x", 1); err != nil {
				return err
			}
			if err := tx.ExecOne(ctx, gone, `UPDATE users SET name = ? WHERE id = ? AND name = ?`, "B", "usr_1", "A"); err != nil {
				t.Errorf("the row in its state: %v", err)
			}
			if err := tx.ExecOne(ctx, gone, `UPDATE users SET name = ? WHERE id = ? AND name = ?`, "C", "usr_1", "A"); err != gone {
				t.Errorf("the row no longer in its state: %v, want gone", err)
			}
			return tx.ExecOne(ctx, gone, `UPDATE users SET nope = 1`) // a broken statement is its own error
		})
		if err == nil || err == gone {
			t.Fatalf("a broken statement answered %v", err)
		}
	})
}

func TestIDsSortByCreation(t *testing.T) {
	a := db.NewID("x")
	time.Sleep(2 * time.Millisecond)
	b := db.NewID("x")
	if !(a < b) || len(a) != 34 {
		t.Fatalf("ids %q, %q", a, b)
	}
}

func TestPostgresPoolSize(t *testing.T) {
	cfg := dbtest.Config(t, db.Postgres)
	ctx := context.Background()
	open := func(param string) (*db.DB, error) {
		c := cfg
		c.URL += "&pool_max_conns=" + param
		if param == "" {
			c.URL = cfg.URL
		}
		return db.Open(ctx, c, nil)
	}
	d, err := open("")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Stats().MaxOpenConnections, max(8, 4*runtime.GOMAXPROCS(0)); got != want {
		t.Errorf("default pool: %d connections, want %d", got, want)
	}
	d.Close()
	// The pool's size is the node's: it is not sent to the server (which
	// would refuse an unknown parameter).
	d, err = open("3")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := d.Stats().MaxOpenConnections; got != 3 {
		t.Errorf("pool_max_conns=3: %d connections", got)
	}
	var one int
	if err := d.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil || one != 1 {
		t.Fatalf("query through a pool of 3: %d, %v", one, err)
	}
	for _, bad := range []string{"0", "-2", "many"} {
		if d, err := open(bad); err == nil {
			d.Close()
			t.Errorf("pool_max_conns=%s: opened", bad)
		} else if !strings.Contains(err.Error(), "pool_max_conns") {
			t.Errorf("pool_max_conns=%s: %v", bad, err)
		}
	}
}

// On SQLite a write waits in line for the one writer (not in SQLite's busy
// handler), gives up when its request does, and goes once the slot is free.
func TestSQLiteWritesTakeTurns(t *testing.T) {
	d := dbtest.Open(t, db.SQLite, nil)
	ctx := context.Background()
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- d.InTx(ctx, func(tx *db.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := d.InTx(short, func(tx *db.Tx) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("a write while another holds the slot: %v after %s", err, time.Since(start))
	}
	if _, err := d.Exec(short, `UPDATE users SET name = name`); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a statement while a transaction writes: %v", err)
	}
	// SQLite's busy handler would retry at 228 ms and sleep 100 ms more:
	// the slot is freed at 250 ms, the writer in line must not sleep on.
	began := make(chan time.Time)
	go func() {
		d.InTx(ctx, func(tx *db.Tx) error { began <- time.Now(); return nil })
	}()
	time.Sleep(250 * time.Millisecond)
	freed := time.Now()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if late := (<-began).Sub(freed); late > 40*time.Millisecond {
		t.Fatalf("the writer in line began %s after the slot was freed", late)
	}
}

func TestWords(t *testing.T) {
	if got := db.Words("active", "awaiting_payment"); got != `'active', 'awaiting_payment'` {
		t.Fatalf("Words: %s", got)
	}
	for _, bad := range []string{"", "Active", "x'; DROP TABLE orders; --", "a b", "é"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Words(%q) did not panic", bad)
				}
			}()
			db.Words("active", bad)
		}()
	}
}

// Statistics keep per-index figures, not samples of values: with samples
// SQLite prepares a statement again whenever the values bound to it change.
func TestSQLiteAnalyzeKeepsNoSamples(t *testing.T) {
	d := dbtest.Open(t, db.SQLite, nil)
	ctx := context.Background()
	for i := range 50 {
		if _, err := d.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			db.NewID("usr"), fmt.Sprintf("u%d@example.com", i), "U", "x", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'users'`); n == 0 {
		t.Fatal("no statistics for users")
	}
	if n := count(`SELECT COUNT(*) FROM sqlite_stat4`); n != 0 {
		t.Fatalf("%d samples kept", n)
	}
}

// The SQLite database, its write-ahead log, a backup and a restored copy
// are readable by their owner only, in folders only their owner opens.
func TestSQLiteFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	data := filepath.Join(root, "data")
	d, err := db.Open(ctx, db.Config{DataDir: data}, clocktest.New(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(root, "backup.db")
	if err := d.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := d.Backup(ctx, backup); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a second backup over the first: %v", err)
	}
	restored := filepath.Join(root, "restored")
	if err := db.Restore(ctx, backup, restored, false); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{
		data: 0o700 | os.ModeDir, filepath.Join(data, "atelier.db"): 0o600, filepath.Join(data, "atelier.db-wal"): 0o600,
		backup: 0o600, restored: 0o700 | os.ModeDir, filepath.Join(restored, "atelier.db"): 0o600,
	} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, st.Mode(), want)
		}
	}
}
