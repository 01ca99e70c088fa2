// Package db opens Atelier's database — embedded SQLite or PostgreSQL — and
// gives the domain packages one way to talk to either.
//
// SQL is written once, in a dialect both engines accept, with `?`
// placeholders (rewritten to $1, $2… for PostgreSQL). Times are stored as
// BIGINT microseconds since the Unix epoch in UTC, so comparisons against a
// deadline are plain integer comparisons on both engines, whatever the
// server's time zone or collation. IDs are prefixed, time-ordered strings, so
// ordering by id is ordering by creation and makes cursors cheap.
//
// A transaction carries a fixed Now taken from the injected clock when it
// begins: every row it writes agrees on the time, and a test clock moves it.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"atelier/internal/clock"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers "sqlite"
)

// Engine names a database engine.
type Engine string

// The two engines Atelier runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open database with its engine and clock.
type DB struct {
	sql    *sql.DB
	Engine Engine
	Clock  clock.Clock
	// Where is a printable description of the database (a file or a host),
	// without credentials.
	Where string
	// stmts are SQLite's prepared queries, by SQL text (see prepared).
	stmts     sync.Map
	stmtCount atomic.Int32
	// writer is SQLite's one write slot, held by the transaction writing
	// (see write); nil on PostgreSQL.
	writer chan struct{}
}

// Config says which database to open.
type Config struct {
	// URL is a postgres:// or postgresql:// URL. Empty means embedded SQLite.
	URL string
	// DataDir holds the SQLite file (atelier.db) when URL is empty.
	DataDir string
}

// Open opens (and for SQLite creates) the database. It does not migrate;
// call Migrate.
func Open(ctx context.Context, cfg Config, clk clock.Clock) (*DB, error) {
	if clk == nil {
		clk = clock.Real{}
	}
	if strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://") {
		return openPostgres(ctx, cfg.URL, clk)
	}
	if cfg.URL != "" {
		return nil, fmt.Errorf("database url %q: only postgres:// URLs are supported (leave it empty for embedded SQLite)", redact(cfg.URL))
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = "atelier-data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "atelier.db")
	if err := private(path); err != nil {
		return nil, fmt.Errorf("create the database file: %w", err)
	}
	return openSQLite(ctx, path, clk)
}

// private makes the SQLite database at path readable by its owner only,
// creating it empty if it does not exist (SQLite gives its -wal and -shm
// files the database file's mode). It holds every account, invoice and
// password hash: 0600, not the umask's 0644. An existing database is
// tightened the same way.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// SQLite settings, with their reasons:
//   - WAL lets readers run while one writer commits.
//   - synchronous=NORMAL is durable across process crashes in WAL mode and
//     ten times faster than FULL; a power cut may lose the last commits.
//   - busy_timeout makes a second writer (another connection, or an
//     `atelier operator create` beside a running server) wait instead of
//     failing with SQLITE_BUSY.
//   - _txlock=immediate takes the write lock at BEGIN, so two transactions
//     never deadlock upgrading a read lock; busy_timeout then queues them.
//   - foreign_keys is off by default in SQLite; we want it on.
//   - mmap_size maps the database file into memory, shared by every
//     connection: reads cost no system call (the default read path was
//     half of a search's time), and the OS page cache is the cache.
//   - cache_size (32 MiB a connection, up from 2 MiB) keeps the hot
//     index pages in SQLite's own cache.
func openSQLite(ctx context.Context, path string, clk clock.Clock) (*DB, error) {
	dsn := "file:" + path + "?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=" + strconv.Itoa(int(busyWait/time.Millisecond)) + "&_foreign_keys=1&_txlock=immediate" +
		"&_pragma=mmap_size(4294967296)&_pragma=cache_size(-32768)"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(8)
	sdb.SetConnMaxIdleTime(0)
	// Setting WAL mode on a new file, and the statistics refresh below,
	// need a lock that the busy timeout does not wait for: when two
	// processes open a new database at once, one may be told "busy" at
	// once. It is retried for up to ten seconds.
	err = retryBusy(ctx, func() error {
		if err := sdb.PingContext(ctx); err != nil {
			return err
		}
		// Refresh the planner's statistics where they are missing or stale:
		// the catalog's indexes are only chosen well with them.
		return analyzeSQLite(ctx, sdb, "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002")
	})
	if err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{sql: sdb, Engine: SQLite, Clock: clk, Where: path, writer: make(chan struct{}, 1)}, nil
}

// Analyze refreshes the planner's statistics of every table (after a bulk
// load: the demo marketplace). On PostgreSQL it also vacuums, so the
// visibility map is current.
func (db *DB) Analyze(ctx context.Context) error {
	if db.Engine == Postgres {
		_, err := db.sql.ExecContext(ctx, "VACUUM ANALYZE")
		return err
	}
	release, err := db.write(ctx)
	if err != nil {
		return err
	}
	defer release()
	return analyzeSQLite(ctx, db.sql, "ANALYZE")
}

// analyzeSQLite runs analyze (ANALYZE or PRAGMA optimize) and keeps only
// the per-index statistics (sqlite_stat1), not the samples of values
// (sqlite_stat4). With samples, the planner estimates a query from the
// values bound to it, and marks the statement to be prepared again each
// time they change: every list of an account's orders, every page of a
// category was compiled again on every run (a fifth of the dashboard's
// CPU), however prepared. The samples are deleted in analyze's
// transaction, so no other connection loads them.
func analyzeSQLite(ctx context.Context, sdb *sql.DB, analyze string) error {
	conn, err := sdb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, analyze)
	if err == nil {
		var n int
		if err = conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat4'`).Scan(&n); err == nil && n > 0 {
			_, err = conn.ExecContext(ctx, "DELETE FROM sqlite_stat4")
		}
	}
	if err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	// The connection that analyzed keeps the samples it loaded until the
	// next schema change. Reloading them ("ANALYZE sqlite_schema") or
	// closing it both made search slower for good in bench/search (the
	// first doubled its p99, the second quartered its rate; measured
	// twice each, not understood), so it is kept.
	return nil
}

func openPostgres(ctx context.Context, url string, clk clock.Clock) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	// The data is on SSDs and mostly cached: a random page costs about what
	// a sequential one does. With the default (4.0) the planner scans the
	// whole services table instead of using the full-text index.
	if _, set := cfg.RuntimeParams["random_page_cost"]; !set {
		cfg.RuntimeParams["random_page_cost"] = "1.1"
	}
	// A web request is one of many at once: parallel workers for one of
	// them take the cores the others are waiting for (a price-sorted
	// search read the table with three processes on two cores).
	if _, set := cfg.RuntimeParams["max_parallel_workers_per_gather"]; !set {
		cfg.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	conns, err := poolSize(cfg.RuntimeParams)
	if err != nil {
		return nil, err
	}
	sdb := stdlib.OpenDB(*cfg)
	sdb.SetMaxOpenConns(conns)
	sdb.SetMaxIdleConns(conns)
	sdb.SetConnMaxLifetime(30 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sdb.PingContext(pctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", redact(url), err)
	}
	return &DB{sql: sdb, Engine: Postgres, Clock: clk, Where: redact(url)}, nil
}

// poolSize is how many connections a node opens to PostgreSQL: the URL's
// pool_max_conns (pgxpool's name for it), taken out of the parameters sent
// to the server, or four per core this process may use, at least 8.
//
// More is slower: every connection is a server process, and past a few per
// core they take turns on the cores mid-statement. Measured on 2 cores with
// 16 clients searching (docs/performance.md): 20 connections gave p99
// 37 ms, 8 gave 19–22 ms at a higher rate; requests beyond the pool wait
// their turn in the node instead.
func poolSize(params map[string]string) (int, error) {
	v, set := params["pool_max_conns"]
	delete(params, "pool_max_conns")
	if !set {
		return max(8, 4*runtime.GOMAXPROCS(0)), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("database url: pool_max_conns %q is not a positive number", v)
	}
	return n, nil
}

// redact hides a password in a URL.
func redact(url string) string {
	at := strings.LastIndex(url, "@")
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 {
		return url
	}
	creds := url[scheme+3 : at]
	if i := strings.Index(creds, ":"); i >= 0 {
		return url[:scheme+3] + creds[:i] + ":***" + url[at:]
	}
	return url
}

// Close closes the pool.
func (db *DB) Close() error {
	db.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	return db.sql.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Stats returns the pool statistics.
func (db *DB) Stats() sql.DBStats { return db.sql.Stats() }

// Queryer runs SQL: the DB itself (each statement on its own) or a Tx.
type Queryer interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// Exec runs a statement outside a transaction.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q, args = inlineLimits(q, args)
	release, err := db.write(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return db.sql.ExecContext(ctx, db.rebind(q), args...)
}

// inlineLimits writes the integers given for "LIMIT ?" and "OFFSET ?" into
// the SQL. As parameters they cost on both engines: once SQLite has
// prepared a statement again (after any schema change, an ANALYZE), it
// reads a bound LIMIT while planning and prepares the statement again each
// time a value is bound to it, that is on every run (the dashboard spent
// a fifth of its CPU compiling SQL); and a PostgreSQL plan kept for a
// statement expects a LIMIT parameter to keep a tenth of the rows. Limits
// and offsets are page sizes and cursor positions: few distinct values,
// each statement text prepared once.
func inlineLimits(q string, args []any) (string, []any) {
	if !strings.Contains(q, "LIMIT ?") && !strings.Contains(q, "OFFSET ?") {
		return q, args
	}
	var b strings.Builder
	out := make([]any, 0, len(args))
	n := 0 // the placeholder's argument
	last := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			continue
		}
		if n < len(args) && (strings.HasSuffix(q[:i], "LIMIT ") || strings.HasSuffix(q[:i], "OFFSET ")) {
			if v, ok := integer(args[n]); ok {
				b.WriteString(q[last:i])
				b.WriteString(strconv.FormatInt(v, 10))
				last = i + 1
				n++
				continue
			}
		}
		if n < len(args) {
			out = append(out, args[n])
		}
		n++
	}
	if n != len(args) {
		return q, args // not ours to judge: the driver will say what is wrong
	}
	b.WriteString(q[last:])
	return b.String(), out
}

// integer returns v as an int64 if it is a Go integer.
func integer(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	}
	return 0, false
}

// busyWait is how long a write waits for SQLite's lock (also the
// connections' busy_timeout, for other processes on the same file).
const busyWait = 10 * time.Second

// write waits for SQLite's write slot and returns its release (on
// PostgreSQL, at once). SQLite has one writer: a transaction takes the
// file's write lock at BEGIN (_txlock=immediate), and one that finds it
// taken sleeps in SQLite's busy handler (1, 2, 5, 10 … 100 ms) before
// trying again, so with 32 clients placing orders the lock sat free while
// the next writer slept (p99 188 ms). Waiting here hands the slot over the
// moment it is released. Other processes on the file still meet the busy
// handler.
func (db *DB) write(ctx context.Context) (release func(), err error) {
	if db.writer == nil {
		return func() {}, nil
	}
	release = func() { <-db.writer }
	select {
	case db.writer <- struct{}{}:
		return release, nil
	default:
	}
	wait := time.NewTimer(busyWait)
	defer wait.Stop()
	select {
	case db.writer <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-wait.C:
		return nil, fmt.Errorf("sqlite: no write slot after %s", busyWait)
	}
}

// Query runs a query outside a transaction.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q, args = inlineLimits(q, args)
	if st := db.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.sql.QueryContext(ctx, db.rebind(q), args...)
}

// QueryRow runs a query that returns at most one row.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q, args = inlineLimits(q, args)
	if st := db.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.sql.QueryRowContext(ctx, db.rebind(q), args...)
}

// maxPrepared bounds how many distinct queries SQLite keeps prepared.
const maxPrepared = 2000

// prepared returns the query prepared, on SQLite, or nil. The SQLite driver
// prepares every statement it runs, and compiling the SQL was a third of a
// search's CPU; database/sql keeps a prepared statement on each connection
// that used it. (pgx keeps PostgreSQL's prepared statements itself.) Queries
// that fail to prepare, and those beyond maxPrepared, run unprepared.
func (db *DB) prepared(ctx context.Context, q string) *sql.Stmt {
	if db.Engine != SQLite {
		return nil
	}
	if st, ok := db.stmts.Load(q); ok {
		return st.(*sql.Stmt)
	}
	if db.stmtCount.Load() >= maxPrepared {
		return nil
	}
	st, err := db.sql.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if old, loaded := db.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return old.(*sql.Stmt)
	}
	db.stmtCount.Add(1)
	return st
}

// Tx is a transaction with the time it began.
type Tx struct {
	tx  *sql.Tx
	db  *DB
	Now time.Time
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q, args = inlineLimits(q, args)
	if st := tx.prepared(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, tx.db.rebind(q), args...)
}

// ExecOne runs a statement that must change exactly one row. When it
// changes none — the row is no longer in the state the statement asks for,
// a concurrent change won — it answers none (a 409 of the caller's words),
// having changed nothing.
func (tx *Tx) ExecOne(ctx context.Context, none error, q string, args ...any) error {
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return none
	}
	return nil
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q, args = inlineLimits(q, args)
	if st := tx.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, tx.db.rebind(q), args...)
}

// QueryRow runs a one-row query in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q, args = inlineLimits(q, args)
	if st := tx.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, tx.db.rebind(q), args...)
}

// prepared returns, on SQLite, the query's prepared statement for this
// transaction: database/sql keeps it prepared on each connection, so
// placing an order no longer compiles its forty statements every time
// (parsing SQL was an eighth of the CPU of placing orders).
func (tx *Tx) prepared(ctx context.Context, q string) *sql.Stmt {
	st := tx.db.prepared(ctx, q)
	if st == nil {
		return nil
	}
	return tx.tx.StmtContext(ctx, st)
}

// Engine is the engine the transaction runs on.
func (tx *Tx) Engine() Engine { return tx.db.Engine }

// InTx runs fn in a transaction that commits when fn returns nil and rolls
// back otherwise. The transaction's Now is read from the clock once.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	release, err := db.write(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer release()
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{tx: stx, db: db, Now: db.Clock.Now()}
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// rebind rewrites ? placeholders to $n for PostgreSQL. Queries must not hold
// a literal '?' (none do: values always travel as arguments).
func (db *DB) rebind(q string) string {
	if db.Engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// NewID returns a new identifier: prefix, "_", and a time-ordered UUIDv7 in
// hex, e.g. "usr_0193…". IDs of one kind sort by creation time.
func NewID(prefix string) string {
	u := uuid.Must(uuid.NewV7())
	return prefix + "_" + strings.ReplaceAll(u.String(), "-", "")
}

// Micros converts a time to the stored form.
func Micros(t time.Time) int64 { return t.UnixMicro() }

// Time converts the stored form back to a UTC time.
func Time(us int64) time.Time { return time.UnixMicro(us).UTC() }

// NullTime converts a nullable stored time; the zero time means NULL.
func NullTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return Time(v.Int64)
}

// NullMicros is the stored form of an optional time (zero means NULL).
func NullMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

// ErrNotFound is returned by lookups that find no row.
var ErrNotFound = errors.New("not found")

// NoRows turns sql.ErrNoRows into ErrNotFound.
func NoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// NullInt is a nullable BIGINT column (a nullable time or amount).
type NullInt = sql.NullInt64

// InsertMany inserts rows into table in multi-row INSERT statements of up
// to 500 rows: bulk loads (the demo marketplace) without a round trip per
// row.
func (tx *Tx) InsertMany(ctx context.Context, table string, cols []string, rows [][]any) error {
	const chunk = 500
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for start := 0; start < len(rows); start += chunk {
		end := min(start+chunk, len(rows))
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, (end-start)*len(cols))
		for i, r := range rows[start:end] {
			if len(r) != len(cols) {
				return fmt.Errorf("insert into %s: row has %d values for %d columns", table, len(r), len(cols))
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, r...)
		}
		if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// Words writes words of the code's own (statuses, kinds) into SQL as
// quoted literals, comma-separated: "'active', 'delivered'". Compared with
// a parameter instead, a column that a partial index filters on (orders'
// status, offers', invitations' …) makes SQLite prepare the statement
// again on every run: it cannot tell at prepare time whether the index
// applies (a fifth of the dashboard's CPU). Words are letters and
// underscores only; anything else is a bug in the caller and panics.
func Words(words ...string) string {
	var b strings.Builder
	for i, w := range words {
		if w == "" || strings.TrimFunc(w, func(r rune) bool { return r >= 'a' && r <= 'z' || r == '_' }) != "" {
			panic(fmt.Sprintf("db.Words: %q is not a word", w))
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + w + "'")
	}
	return b.String()
}

// Row is what a scan function reads: a *sql.Row or the current row of
// *sql.Rows.
type Row = interface{ Scan(dest ...any) error }

// Collect runs a query and scans each row with scan. No rows is an empty
// list, not nil (a JSON list is [], never null).
func Collect[T any](ctx context.Context, q Queryer, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// Strings runs a query that returns one text column (ids, usually) and
// collects it: the due rows of a timer, the page of a search.
func Strings(ctx context.Context, q Queryer, query string, args ...any) ([]string, error) {
	return Collect(ctx, q, func(r Row) (s string, err error) { return s, r.Scan(&s) }, query, args...)
}
