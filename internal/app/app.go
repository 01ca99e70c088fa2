// Package app wires Atelier together: it opens the database, builds the
// domain services, the background runner and the HTTP handler, and serves
// them until asked to stop. cmd/atelier and the end-to-end tests both start
// Atelier through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"atelier/internal/api"
	"atelier/internal/billing"
	"atelier/internal/clock"
	"atelier/internal/db"
	"atelier/internal/httpx"
	"atelier/internal/jobs"
	"atelier/internal/metrics"
	"atelier/internal/notify"
	"atelier/internal/payments"
	"atelier/internal/services"
	"atelier/internal/web"
)

// Config is everything Atelier can be told at start.
type Config struct {
	Addr        string // listen address, 127.0.0.1:8080 by default
	DataDir     string // SQLite directory, ./atelier-data by default
	DatabaseURL string // postgres://… to run on PostgreSQL
	TestMode    bool   // adds the test clock routes
	// TestStart is where the test clock starts (the wall clock when zero).
	TestStart time.Time
	// SweepInterval is how often timers and the outbox are swept (1s).
	SweepInterval time.Duration
	// Provider charges cards; the built-in test provider when nil.
	Provider payments.Provider
	// SMTPURL sends e-mails through an SMTP server (notify.ParseSMTP); empty
	// writes them to the log.
	SMTPURL string
	// PublicURL is where users reach Atelier, for links in e-mails;
	// http://Addr by default.
	PublicURL string
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (none: the peer is the client).
	TrustedProxies []netip.Prefix
	// ManagementFeeBP is the project management fee in basis points of a
	// project's spend (projects.DefaultFeeBP, 10%, when zero).
	ManagementFeeBP int64
	// Seller is the issuer printed on invoices and credit notes (the
	// example identity of billing.DefaultConfig when its name is empty).
	Seller billing.Party
	// VATRateBP is the seller's standard VAT rate in basis points
	// (billing.DefaultConfig's, 20%, when zero).
	VATRateBP int
	Log       *slog.Logger
}

// App is a wired Atelier.
type App struct {
	Config    Config
	DB        *db.DB
	Clock     clock.Clock
	TestClock *clock.Test // nil unless TestMode
	services.Services
	Provider payments.Provider
	Jobs     *jobs.Runner
	Metrics  *metrics.Metrics
	Log      *slog.Logger
}

// New opens and migrates the database and builds the services.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.Log = slog.New(httpx.LogHandler{Handler: cfg.Log.Handler()}) // lines of a request name its id
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + cfg.Addr
	}
	var mailer notify.SMTP
	if cfg.SMTPURL != "" {
		var err error
		if mailer, err = notify.ParseSMTP(cfg.SMTPURL, cfg.PublicURL); err != nil {
			return nil, err
		}
	}
	a := &App{Config: cfg, Log: cfg.Log, Clock: clock.Real{}}
	if cfg.TestMode {
		start := cfg.TestStart
		if start.IsZero() {
			start = time.Now()
		}
		a.TestClock = clock.NewTest(start)
		a.Clock = a.TestClock
	}
	d, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir}, a.Clock)
	if err != nil {
		return nil, err
	}
	if applied, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	} else if len(applied) > 0 {
		a.Log.Info("database migrated", "engine", d.Engine, "applied", applied)
	}
	a.DB = d
	a.Provider = cfg.Provider
	if a.Provider == nil {
		a.Provider = payments.NewTest()
	}
	bcfg := billing.DefaultConfig()
	if cfg.Seller.Name != "" {
		bcfg.Seller = cfg.Seller
	}
	if cfg.VATRateBP > 0 {
		bcfg.VATRateBP = cfg.VATRateBP
	}
	a.Services = services.New(d, services.Config{Provider: a.Provider, Billing: bcfg, ManagementFeeBP: cfg.ManagementFeeBP, Log: a.Log})
	a.Jobs = &jobs.Runner{
		DB:       d,
		Interval: cfg.SweepInterval,
		Log:      a.Log,
		Timers:   a.Services.Timers(),
		Handlers: map[string]jobs.Handler{
			notify.TopicEmail: notify.LogMailer(a.Log),
		},
	}
	if cfg.SMTPURL != "" {
		a.Jobs.Handlers[notify.TopicEmail] = mailer.Handler()
	}
	a.Metrics = metrics.New(d)
	a.Jobs.Observe = a.Metrics.Observe
	return a, nil
}

// Close writes what is still in memory (profile views) and closes the
// database.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(a.Catalog.FlushViews(ctx), a.DB.Close())
}

// Handler is the whole HTTP surface: API, health, static files and pages.
func (a *App) Handler() http.Handler {
	apiSrv := &api.Server{Services: a.Services, DB: a.DB, Jobs: a.Jobs, TestClock: a.TestClock, Log: a.Log}
	webSrv := &web.Server{Services: a.Services, DB: a.DB, Log: a.Log, HTTPS: strings.HasPrefix(a.Config.PublicURL, "https://")}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiSrv.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		if err := a.DB.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"status":"database unreachable"}`))
			return
		}
		w.Write([]byte(`{"status":"ready"}`))
	})
	mux.Handle("GET /metrics", a.Metrics.Handler(a.Config.MetricsToken))
	mux.Handle("/", webSrv.Handler())
	// Browsers send Sec-Fetch-Site/Origin: a cross-site form post or fetch
	// that changes state is refused, which is the CSRF protection of every
	// form. API clients that are not browsers send neither header and pass.
	hsts := strings.HasPrefix(a.Config.PublicURL, "https://")
	return httpx.SecurityHeaders(hsts, http.NewCrossOriginProtection().Handler(
		httpx.Proxies(a.Config.TrustedProxies, a.observe(httpx.Authenticate(a.Users, func(w http.ResponseWriter, r *http.Request, err error) {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				apiSrv.Fail(w, r, err)
			} else {
				webSrv.Fail(w, r, err)
			}
		}, notePattern(mux))))))
}

// Serve runs the HTTP server and the background runner on ln until ctx is
// cancelled, then shuts down gracefully: in-flight requests finish (up to
// 20 seconds) and the runner completes its sweep.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	a.Jobs.Start(jobsCtx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Log.Info("atelier serving", "addr", ln.Addr().String(), "database", a.DB.Engine, "where", a.DB.Where, "test_mode", a.TestClock != nil)
	select {
	case err := <-errc:
		stopJobs()
		a.Jobs.Wait()
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	stopJobs()
	a.Jobs.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// TuneRuntime sets the Go runtime for serving, unless GOGC says otherwise:
// the garbage collector runs when the heap has grown by 400% instead of
// 100%. A node's live heap is small (tens of MB) and every request
// allocates, so at the default a search spent a fifth of its CPU in the
// collector; the price is a few hundred MB of heap at most.
func TuneRuntime() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
