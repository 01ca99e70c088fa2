// Package stand builds what a benchmark measures: a whole Atelier on a
// fresh database of one engine, filled with the demo marketplace, serving
// on a loopback port. Any failure ends the program: a benchmark has no
// use for half a stand.
package stand

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"atelier/internal/app"
	"atelier/internal/demo"
)

// Stand is a built, serving Atelier.
type Stand struct {
	App     *app.App
	URL     string // http://127.0.0.1:port
	Summary demo.Summary
	undo    []func()
}

// Build makes a stand on engine ("sqlite", or "postgres" in a new schema
// of the database at pgURL) with a demo marketplace of opt.Services
// services; with work, the demo account also gets its orders, projects,
// lists and network.
func Build(engine, pgURL string, opt demo.Options, work bool) *Stand {
	ctx := context.Background()
	s := &Stand{}
	cfg := app.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	switch engine {
	case "sqlite":
		dir, err := os.MkdirTemp("", "atelier-bench-")
		if err != nil {
			log.Fatal(err)
		}
		s.undo = append(s.undo, func() { os.RemoveAll(dir) })
		cfg.DataDir = dir
	case "postgres":
		if pgURL == "" {
			log.Fatal("postgres needs -database-url or ATELIER_TEST_DATABASE_URL")
		}
		schema := fmt.Sprintf("bench_%d_%d", opt.Services, time.Now().UnixNano())
		admin, err := sql.Open("pgx", pgURL)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			log.Fatal(err)
		}
		s.undo = append(s.undo, func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
		u, _ := url.Parse(pgURL)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		cfg.DatabaseURL = u.String()
	default:
		log.Fatalf("unknown engine %q", engine)
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	s.App = a
	s.undo = append(s.undo, func() { a.Close() })
	ds := demo.Services{DB: a.DB, Users: a.Users, Accounts: a.Accounts, Catalog: a.Catalog}
	if work {
		ds.Billing, ds.Orders, ds.Resolutions, ds.Projects, ds.Lists, ds.Network = a.Billing, a.Orders, a.Resolutions, a.Projects, a.Lists, a.Network
	}
	if s.Summary, err = demo.Fill(ctx, ds, opt); err != nil {
		log.Fatal(err)
	}
	// Write the build out before measuring: after loading hundreds of
	// megabytes, PostgreSQL's background checkpoint otherwise runs for tens
	// of seconds during the measurement (and SQLite's WAL grows).
	checkpoint := "PRAGMA wal_checkpoint(TRUNCATE)"
	if engine == "postgres" {
		checkpoint = "CHECKPOINT"
	}
	if _, err := a.DB.Exec(ctx, checkpoint); err != nil {
		log.Printf("%s: %v (measuring anyway)", checkpoint, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: a.Handler()}
	go srv.Serve(ln)
	s.undo = append(s.undo, func() { srv.Close() })
	s.URL = "http://" + ln.Addr().String()
	return s
}

// Close stops the server and removes the database.
func (s *Stand) Close() {
	for i := len(s.undo) - 1; i >= 0; i-- {
		s.undo[i]()
	}
}
