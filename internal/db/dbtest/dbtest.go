// Package dbtest gives tests a fresh, migrated database on every engine
// available: always a real SQLite file in a temporary directory, and
// PostgreSQL too when ATELIER_TEST_DATABASE_URL is set (each test gets its
// own schema, dropped afterwards, so tests run in parallel).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"atelier/internal/clock"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
)

// EnvURL names the variable holding the PostgreSQL URL for tests.
const EnvURL = "ATELIER_TEST_DATABASE_URL"

// Engines lists the engines this test run covers.
func Engines() []db.Engine {
	if os.Getenv(EnvURL) != "" {
		return []db.Engine{db.SQLite, db.Postgres}
	}
	return []db.Engine{db.SQLite}
}

// Each runs fn as a subtest once per engine.
func Each(t *testing.T, fn func(t *testing.T, engine db.Engine)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

// EachWith runs test in parallel with the other tests, once per engine,
// on what setup makes for that engine's subtest: the fixture of a fresh
// database.
func EachWith[F any](t *testing.T, setup func(*testing.T, db.Engine) F, test func(*testing.T, F)) {
	t.Helper()
	t.Parallel()
	Each(t, func(t *testing.T, e db.Engine) { test(t, setup(t, e)) })
}

// Config returns a database configuration for a fresh database of engine
// (an empty SQLite directory, or a new PostgreSQL schema), removed when the
// test ends. The database is not yet migrated.
func Config(t testing.TB, engine db.Engine) db.Config {
	t.Helper()
	if engine == db.SQLite {
		return db.Config{DataDir: t.TempDir()}
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skipf("PostgreSQL tests need %s", EnvURL)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return db.Config{URL: u.String()}
}

// Open returns a fresh migrated database of engine on clk (a test clock at
// clocktest.Start if nil), closed when the test ends.
func Open(t testing.TB, engine db.Engine, clk clock.Clock) *db.DB {
	t.Helper()
	if clk == nil {
		clk = clocktest.New(t)
	}
	d, err := db.Open(context.Background(), Config(t, engine), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}
