package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migrations live in migrations/ as NNNN_name.sql, written once in SQL both
// engines accept. Where one line must differ, it is written twice, as
// comments: a line starting "--sqlite " or "--postgres " is uncommented for
// that engine only. Where a whole file differs (full-text search), a file
// NNNN_name.sqlite.sql or NNNN_name.postgres.sql replaces the shared one for
// that engine. This is the whole migration tool: one folder instead of two
// copies of every table (which a per-engine goose folder would need), and a
// lock so that several nodes starting at once migrate exactly once.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	body    string
}

func (db *DB) migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]migration{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		engine := ""
		if i := strings.LastIndex(name, "."); i >= 0 {
			name, engine = name[:i], name[i+1:]
		}
		if engine != "" && engine != string(db.Engine) {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", e.Name())
		}
		if _, dup := byVersion[v]; dup && engine == "" {
			continue // an engine-specific file already replaced it
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		byVersion[v] = migration{version: v, name: name, body: db.forEngine(string(body))}
	}
	list := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		list = append(list, m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	return list, nil
}

// The PostgreSQL migration lock is the schema's: nodes sharing a schema wait
// for each other, while databases in other schemas of the same server (other
// installations, parallel tests) migrate without queueing behind them. 7406
// is any constant shared by every Atelier node.
const (
	migrationLock   = "SELECT pg_advisory_lock(7406, hashtext(coalesce(current_schema(), '')))"
	migrationUnlock = "SELECT pg_advisory_unlock(7406, hashtext(coalesce(current_schema(), '')))"
)

// Migrate applies every migration not yet applied, each in its own
// transaction. On PostgreSQL an advisory lock makes concurrent starts wait
// for each other; on SQLite the immediate transaction does the same.
// It returns the names of the migrations it applied.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	var applied []string
	err := retryBusy(ctx, func() error {
		var err error
		applied, err = db.migrate(ctx)
		return err
	})
	return applied, err
}

func (db *DB) migrate(ctx context.Context) ([]string, error) {
	list, err := db.migrations()
	if err != nil {
		return nil, err
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if db.Engine == Postgres {
		if _, err := conn.ExecContext(ctx, migrationLock); err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), migrationUnlock)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []string
	for _, m := range list {
		done, err := db.applyOne(ctx, conn, m)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if done {
			applied = append(applied, m.name)
		}
	}
	return applied, nil
}

func (db *DB) applyOne(ctx context.Context, conn *sql.Conn, m migration) (bool, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, db.rebind("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), m.version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	for _, stmt := range splitStatements(m.body) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	if _, err := tx.ExecContext(ctx, db.rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
		m.version, m.name, Micros(db.Clock.Now())); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// forEngine uncomments the lines meant for this engine only.
func (db *DB) forEngine(body string) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "--"+string(db.Engine)+" "); ok {
			lines[i] = rest
		}
	}
	return strings.Join(lines, "\n")
}

// splitStatements splits a migration on semicolons that end a line. Bodies
// that need an inner semicolon at a line end (a trigger) put "-- split" lines
// between statements instead.
func splitStatements(body string) []string {
	var out []string
	sep := ";\n"
	if strings.Contains(body, "\n-- split\n") {
		sep = "\n-- split\n"
	}
	for _, s := range strings.Split(body+"\n", sep) {
		if strings.TrimSpace(stripComments(s)) != "" {
			out = append(out, s)
		}
	}
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
