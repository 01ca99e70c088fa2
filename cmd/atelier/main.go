// Command atelier is the whole of Atelier in one binary: the web UI and JSON
// API server, and the operations around it. `atelier help` lists the
// commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"atelier/internal/app"
	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/demo"
	"atelier/internal/httpx"
	"atelier/internal/payments"
	"atelier/internal/users"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `Atelier — a marketplace where business teams buy services from vetted freelancers.

Usage: atelier <command> [flags]

Commands:
  serve                 run the web UI and the JSON API (default: 127.0.0.1:8080, SQLite in ./atelier-data)
  demo                  fill a new database with a demo marketplace and print its logins
                        (--services N: how many services, 300 by default; --seed S)
  migrate               create or update the database schema, then exit
  operator create       create a platform operator: --email E --password P --name N
  user verify           mark a person's e-mail address verified (support): --email E
  migrate-to --database-url postgres://…
                        copy the whole marketplace from the SQLite database (--data-dir)
                        into an empty PostgreSQL database, then compare both
  backup --out FILE     write a consistent copy of the SQLite database while it serves
                        (on PostgreSQL: pg_dump, see docs/operations.md)
  restore --from FILE   put a backup in place as the SQLite database (server stopped;
                        --force replaces an existing database)
  help                  show this help

Flags common to every command (each may also be set by its ATELIER_* variable):
  --database-url URL    PostgreSQL URL (postgres://…); empty: embedded SQLite   [ATELIER_DATABASE_URL]
  --data-dir DIR        where the SQLite database lives (default ./atelier-data) [ATELIER_DATA_DIR]
Flags of serve:
  --addr HOST:PORT      listen address (default 127.0.0.1:8080)                 [ATELIER_ADDR]
  --test-mode           add the test clock routes of the API                     [ATELIER_TEST_MODE]
  --demo                fill an empty database with the demo marketplace first   [ATELIER_DEMO]
  --log-format text|json                                                         [ATELIER_LOG_FORMAT]
  --payment-provider test|stripe  who charges cards (default: the built-in test provider) [ATELIER_PAYMENT_PROVIDER]
  --stripe-secret-key KEY         Stripe secret key                             [ATELIER_STRIPE_SECRET_KEY]
  --stripe-api-url URL            Stripe API base URL (stripe-mock in tests)    [ATELIER_STRIPE_API_URL]
  --smtp-url URL        send e-mails through SMTP: smtp://user:password@host:587?from=atelier@example.com
                        (&tls=starttls|tls|none; smtps:// for implicit TLS); empty: e-mails go to the log [ATELIER_SMTP_URL]
  --public-url URL      where users reach Atelier, for links in e-mails (default http://ADDR) [ATELIER_PUBLIC_URL]
  --metrics-token T     require "Authorization: Bearer T" on /metrics (default: open; restrict it at the proxy) [ATELIER_METRICS_TOKEN]
  --management-fee PERCENT        project management fee, % of project spend (default 10) [ATELIER_MANAGEMENT_FEE]
  --vat-rate PERCENT    the seller's standard VAT rate, charged to buyers in its country, to EU
                        buyers without a VAT number and to buyers of unknown country (default 20) [ATELIER_VAT_RATE]
  --seller-name, --seller-address, --seller-country, --seller-vat-id, --seller-email, --seller-legal
                        who issues the invoices (the merchant of record); the address takes \n
                        between lines, legal is the form, capital, RCS and SIREN ("SAS au capital
                        de 10 000 € · RCS Paris 123 456 789"); default: an example identity
                        [ATELIER_SELLER_NAME, _ADDRESS, _COUNTRY, _VAT_ID, _EMAIL, _LEGAL]
`

// Main runs one atelier command and returns the process exit code. Tests
// call it directly.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, rest := args[0], args[1:]
	if cmd == "operator" {
		if len(rest) == 0 || rest[0] != "create" {
			fmt.Fprintln(stderr, "usage: atelier operator create --email E --password P --name N")
			return 2
		}
		cmd, rest = "operator create", rest[1:]
	}
	if cmd == "user" {
		if len(rest) == 0 || rest[0] != "verify" {
			fmt.Fprintln(stderr, "usage: atelier user verify --email E")
			return 2
		}
		cmd, rest = "user verify", rest[1:]
	}
	fs := flag.NewFlagSet("atelier "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := app.Config{}
	fs.StringVar(&cfg.DatabaseURL, "database-url", os.Getenv("ATELIER_DATABASE_URL"), "PostgreSQL URL; empty for embedded SQLite")
	fs.StringVar(&cfg.DataDir, "data-dir", envOr("ATELIER_DATA_DIR", "atelier-data"), "SQLite data directory")
	fs.StringVar(&cfg.Addr, "addr", envOr("ATELIER_ADDR", "127.0.0.1:8080"), "listen address")
	fs.BoolVar(&cfg.TestMode, "test-mode", os.Getenv("ATELIER_TEST_MODE") == "true", "enable the test clock")
	testStart := fs.String("test-start", os.Getenv("ATELIER_TEST_START"), "with --test-mode: where the test clock starts, an RFC 3339 instant; empty: now")
	logFormat := fs.String("log-format", envOr("ATELIER_LOG_FORMAT", "text"), "text or json")
	provider := fs.String("payment-provider", envOr("ATELIER_PAYMENT_PROVIDER", "test"), "test or stripe")
	stripeKey := fs.String("stripe-secret-key", os.Getenv("ATELIER_STRIPE_SECRET_KEY"), "Stripe secret key")
	stripeURL := fs.String("stripe-api-url", os.Getenv("ATELIER_STRIPE_API_URL"), "Stripe API base URL")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", os.Getenv("ATELIER_SMTP_URL"), "SMTP server for e-mails; empty writes them to the log")
	fs.StringVar(&cfg.PublicURL, "public-url", os.Getenv("ATELIER_PUBLIC_URL"), "where users reach Atelier, for links in e-mails")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", os.Getenv("ATELIER_METRICS_TOKEN"), "bearer token /metrics requires; empty: open")
	proxies := fs.String("trusted-proxies", os.Getenv("ATELIER_TRUSTED_PROXIES"), "reverse proxies whose X-Forwarded-For is believed: addresses and CIDR prefixes, comma-separated; empty: none")
	feePercent := fs.Float64("management-fee", envFloat("ATELIER_MANAGEMENT_FEE", 10), "project management fee, percent of the project's spend")
	vatPercent := fs.Float64("vat-rate", envFloat("ATELIER_VAT_RATE", float64(billing.DefaultConfig().VATRateBP)/100), "the seller's standard VAT rate, percent")
	def := billing.DefaultConfig().Seller
	seller := struct{ name, address, country, vatID, email, legal *string }{
		fs.String("seller-name", envOr("ATELIER_SELLER_NAME", def.Name), "who issues the invoices"),
		fs.String("seller-address", envOr("ATELIER_SELLER_ADDRESS", strings.ReplaceAll(def.Address, "\n", `\n`)), `the issuer's address, \n between lines`),
		fs.String("seller-country", envOr("ATELIER_SELLER_COUNTRY", def.Country), "the issuer's country (ISO 3166 alpha-2)"),
		fs.String("seller-vat-id", envOr("ATELIER_SELLER_VAT_ID", def.VATID), "the issuer's VAT number"),
		fs.String("seller-email", envOr("ATELIER_SELLER_EMAIL", def.Email), "the address on invoices for billing questions"),
		fs.String("seller-legal", envOr("ATELIER_SELLER_LEGAL", def.Legal), "the issuer's form, capital, RCS and SIREN"),
	}
	withDemo := fs.Bool("demo", os.Getenv("ATELIER_DEMO") == "true", "fill an empty database with the demo marketplace")
	demoOpt := demo.Options{}
	if cmd == "demo" {
		fs.IntVar(&demoOpt.Services, "services", 300, "how many services")
		fs.Uint64Var(&demoOpt.Seed, "seed", 1, "random seed")
	}
	var backupPath string
	var replace bool
	switch cmd {
	case "backup":
		fs.StringVar(&backupPath, "out", "", "the backup file to write (must not exist)")
	case "restore":
		fs.StringVar(&backupPath, "from", "", "the backup file to restore")
		fs.BoolVar(&replace, "force", false, "replace an existing database")
	}
	var email, password, name string
	if cmd == "user verify" {
		fs.StringVar(&email, "email", "", "the person's e-mail address")
	}
	if cmd == "operator create" {
		fs.StringVar(&email, "email", "", "operator e-mail")
		fs.StringVar(&password, "password", "", "operator password")
		fs.StringVar(&name, "name", "", "operator name")
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		h = slog.NewJSONHandler(stderr, nil)
	}
	cfg.Log = slog.New(h)
	if *feePercent <= 0 || *feePercent > 100 {
		fmt.Fprintf(stderr, "atelier: --management-fee must be above 0 and at most 100, not %v\n", *feePercent)
		return 2
	}
	cfg.ManagementFeeBP = int64(math.Round(*feePercent * 100))
	if *vatPercent <= 0 || *vatPercent >= 100 {
		fmt.Fprintf(stderr, "atelier: --vat-rate must be above 0 and below 100, not %v (a seller outside the EU charges none: --seller-country)\n", *vatPercent)
		return 2
	}
	cfg.VATRateBP = int(math.Round(*vatPercent * 100))
	cfg.Seller = billing.Party{Name: strings.TrimSpace(*seller.name), Address: strings.ReplaceAll(*seller.address, `\n`, "\n"),
		Country: strings.ToUpper(strings.TrimSpace(*seller.country)), VATID: strings.TrimSpace(*seller.vatID),
		Email: strings.TrimSpace(*seller.email), Legal: strings.TrimSpace(*seller.legal)}
	if cfg.Seller.Name == "" {
		fmt.Fprintln(stderr, "atelier: --seller-name cannot be empty: invoices need their issuer")
		return 2
	}
	var err error
	if cfg.TrustedProxies, err = httpx.ParsePrefixes(*proxies); err != nil {
		fmt.Fprintf(stderr, "atelier: --trusted-proxies: %v\n", err)
		return 2
	}
	if cfg.TestMode && *testStart != "" {
		at, err := time.Parse(time.RFC3339, *testStart)
		if err != nil {
			fmt.Fprintf(stderr, "atelier: --test-start must be an RFC 3339 instant such as 2028-02-29T09:00:00Z, not %q\n", *testStart)
			return 2
		}
		cfg.TestStart = at
	}
	switch *provider {
	case "test":
	case "stripe":
		if *stripeKey == "" {
			fmt.Fprintln(stderr, "atelier: --payment-provider stripe needs --stripe-secret-key (or ATELIER_STRIPE_SECRET_KEY)")
			return 2
		}
		cfg.Provider = payments.NewStripe(*stripeKey, *stripeURL)
	default:
		fmt.Fprintf(stderr, "atelier: unknown payment provider %q (test or stripe)\n", *provider)
		return 2
	}

	return run(ctx, cmd, cfg, options{withDemo: *withDemo, demo: demoOpt, backupPath: backupPath, replace: replace,
		operator: users.NewUser{Email: email, Password: password, Name: name}, email: email}, stdout, stderr)
}

// options are what a command reads beside the configuration.
type options struct {
	withDemo   bool
	demo       demo.Options
	backupPath string
	replace    bool
	operator   users.NewUser
	email      string // user verify's
}

// run carries out a command with its configuration.
func run(ctx context.Context, cmd string, cfg app.Config, o options, stdout, stderr io.Writer) int {
	switch cmd {
	case "serve":
		return serve(ctx, cfg, o.withDemo, stdout, stderr)
	case "demo":
		return withApp(ctx, cfg, stderr, func(a *app.App) error { return fillDemo(ctx, a, o.demo, stdout) })
	case "backup":
		return backup(ctx, cfg, o.backupPath, stdout, stderr)
	case "restore":
		if o.backupPath == "" || cfg.DatabaseURL != "" {
			fmt.Fprintln(stderr, "usage: atelier restore --from FILE [--data-dir DIR] [--force] (SQLite; on PostgreSQL use pg_restore)")
			return 2
		}
		if err := db.Restore(ctx, o.backupPath, cfg.DataDir, o.replace); err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "restored %s into %s\n", o.backupPath, cfg.DataDir)
		return 0
	case "migrate-to":
		return migrateTo(ctx, cfg, stdout, stderr)
	case "migrate":
		return migrate(ctx, cfg, stdout, stderr)
	case "operator create":
		return withApp(ctx, cfg, stderr, func(a *app.App) error {
			u, err := a.Users.CreateOperator(ctx, o.operator)
			if err == nil {
				fmt.Fprintf(stdout, "operator %s <%s> created (id %s)\n", u.Name, u.Email, u.ID)
			}
			return err
		})
	case "user verify":
		return withApp(ctx, cfg, stderr, func(a *app.App) error {
			u, err := a.Users.MarkVerified(ctx, o.email)
			if err == nil {
				fmt.Fprintf(stdout, "%s <%s>: e-mail address verified\n", u.Name, u.Email)
			}
			return err
		})
	}
	fmt.Fprintf(stderr, "atelier: unknown command %q\n\n%s", cmd, usage)
	return 2
}

// withApp runs fn on a wired Atelier and closes it.
func withApp(ctx context.Context, cfg app.Config, stderr io.Writer, fn func(a *app.App) error) int {
	a, err := app.New(ctx, cfg)
	if err != nil {
		return fail(stderr, err)
	}
	defer a.Close()
	if err := fn(a); err != nil {
		return fail(stderr, err)
	}
	return 0
}

// backup copies the database to path.
func backup(ctx context.Context, cfg app.Config, path string, stdout, stderr io.Writer) int {
	if path == "" {
		fmt.Fprintln(stderr, "usage: atelier backup --out FILE")
		return 2
	}
	d, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir}, nil)
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	if err := d.Backup(ctx, path); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", d.Where, path)
	return 0
}

// migrate brings the database's schema up to date.
func migrate(ctx context.Context, cfg app.Config, stdout, stderr io.Writer) int {
	d, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir}, nil)
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	applied, err := d.Migrate(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "database %s is up to date (%d migrations applied now)\n", d.Where, len(applied))
	return 0
}

func serve(ctx context.Context, cfg app.Config, withDemo bool, stdout, stderr io.Writer) int {
	app.TuneRuntime()
	a, err := app.New(ctx, cfg)
	if err != nil {
		return fail(stderr, err)
	}
	defer a.Close()
	if withDemo {
		err := fillDemo(ctx, a, demo.Options{}, stdout)
		if errors.Is(err, demo.ErrNotEmpty) {
			a.Log.Info("demo: the database already has data; serving it as it is")
		} else if err != nil {
			return fail(stderr, err)
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fail(stderr, err)
	}
	if err := a.Serve(ctx, ln); err != nil && !errors.Is(err, context.Canceled) {
		return fail(stderr, err)
	}
	return 0
}

func fillDemo(ctx context.Context, a *app.App, opt demo.Options, stdout io.Writer) error {
	sum, err := demo.Fill(ctx, demo.Services{DB: a.DB, Users: a.Users, Accounts: a.Accounts, Catalog: a.Catalog,
		Billing: a.Billing, Orders: a.Orders, Resolutions: a.Resolutions, Projects: a.Projects, Lists: a.Lists, Network: a.Network}, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo marketplace ready in %s: %d freelancers, %d services, %d reviews.\n",
		sum.Took.Round(time.Millisecond), sum.Freelancers, sum.Services, sum.Reviews)
	fmt.Fprintf(stdout, "Sign in at http://%s/signin with the password %q as:\n", a.Config.Addr, demo.Password)
	for _, l := range sum.Logins {
		fmt.Fprintf(stdout, "  %-16s %s (%s)\n", l.Role, l.Email, l.Name)
	}
	return nil
}

// envFloat reads a number from the environment, or def when unset or not
// a number.
func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

func fail(w io.Writer, err error) int {
	fmt.Fprintf(w, "atelier: %s\n", strings.TrimSpace(err.Error()))
	return 1
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// migrateTo copies the SQLite database of cfg.DataDir into the empty
// PostgreSQL database of cfg.DatabaseURL, then counts every table on both
// sides.
func migrateTo(ctx context.Context, cfg app.Config, stdout, stderr io.Writer) int {
	if cfg.DatabaseURL == "" {
		fmt.Fprintln(stderr, "usage: atelier migrate-to --database-url postgres://… [--data-dir DIR] (stop the server first)")
		return 2
	}
	from, err := db.Open(ctx, db.Config{DataDir: cfg.DataDir}, nil)
	if err != nil {
		return fail(stderr, err)
	}
	defer from.Close()
	to, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL}, nil)
	if err != nil {
		return fail(stderr, err)
	}
	defer to.Close()
	for _, d := range []*db.DB{from, to} {
		if _, err := d.Migrate(ctx); err != nil {
			return fail(stderr, err)
		}
	}
	copied, err := from.CopyTo(ctx, to)
	if err != nil {
		return fail(stderr, err)
	}
	tables := make([]string, 0, len(copied))
	total := 0
	for t, n := range copied {
		tables = append(tables, t)
		total += n
	}
	sort.Strings(tables)
	for _, t := range tables {
		var n int
		if err := to.QueryRow(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return fail(stderr, err)
		}
		if n != copied[t] {
			return fail(stderr, fmt.Errorf("table %s: %d rows copied, %d on PostgreSQL", t, copied[t], n))
		}
	}
	fmt.Fprintf(stdout, "copied %d rows in %d tables from %s to %s; every table has the same count on both\n", total, len(tables), from.Where, to.Where)
	return 0
}
