package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/app"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db/dbtest"
	"atelier/internal/users"
)

// serveSQLite starts an Atelier on a fresh SQLite data directory, logging
// nowhere, behind a test HTTP server closed when the test ends. The test
// closes the app itself.
func serveSQLite(t *testing.T) (*app.App, *httptest.Server) {
	t.Helper()
	a, err := app.New(context.Background(), app.Config{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a.Handler())
	t.Cleanup(ts.Close)
	return a, ts
}

// /readyz fails while the database is unreachable; /healthz does not.
func TestReadyzFollowsTheDatabase(t *testing.T) {
	t.Parallel()
	a, ts := serveSQLite(t)
	get := func(path string) int {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if get("/readyz") != 200 || get("/healthz") != 200 {
		t.Fatal("not ready at start")
	}
	a.Close()
	if got := get("/readyz"); got != 503 {
		t.Fatalf("/readyz with the database closed: %d, want 503", got)
	}
	if got := get("/healthz"); got != 200 {
		t.Fatalf("/healthz: %d", got)
	}
}

// A session that cannot be read because the database fails is not taken
// for no session: the API answers 500 "internal", a page the error page —
// never 401 "please sign in" or the sign-in page.
func TestADatabaseFailureIsNotASignOut(t *testing.T) {
	t.Parallel()
	a, ts := serveSQLite(t)
	ctx := context.Background()
	if _, err := a.Users.SignUp(ctx, users.NewUser{Email: "ada@example.com", Password: "correct horse", Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	token, _, err := a.Users.SignIn(ctx, users.Credentials{Email: "ada@example.com", Password: "correct horse"}, users.APISession, users.Client{Addr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, signed bool) (int, string) {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		if signed {
			req.Header.Set("Authorization", "Bearer "+token)
			req.AddCookie(&http.Cookie{Name: "atelier_session", Value: token})
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := get("/api/v1/me", true); status != 200 {
		t.Fatalf("GET /me signed in: %d", status)
	}
	a.Close()
	if status, body := get("/api/v1/me", true); status != 500 || !strings.Contains(body, `"code":"internal"`) {
		t.Errorf("the API with the database closed: %d %s, want 500 internal", status, body)
	}
	if status, body := get("/accounts", true); status != 500 || strings.Contains(body, `action="/signin"`) {
		t.Errorf("a page with the database closed: %d, want the 500 page\n%.300s", status, body)
	}
	if status, _ := get("/api/v1/me", false); status != 401 {
		t.Errorf("the API without a session: %d, want 401", status)
	}
}

// syncBuffer is a log destination tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// /metrics counts requests per route pattern with their latency, and
// shows the pool, the outbox and the ledger; each request gets an id,
// echoed in its answer and named by its log lines; a metrics token, when
// set, is required.
func TestMetricsAndRequestIDs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	a, err := app.New(context.Background(), app.Config{DataDir: t.TempDir(), MetricsToken: "s3cret",
		Log: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ts := httptest.NewServer(a.Handler())
	defer ts.Close()
	get := func(path string, headers ...string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, _ := get("/api/v1/services?q=logo", "X-Request-Id", "trace-42")
	if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") != "trace-42" {
		t.Fatalf("search: %d, request id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	if resp, _ := get("/api/v1/services/svc_nope", "X-Request-Id", "bad id with spaces"); resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("X-Request-Id"), "req_") {
		t.Fatalf("a request id that is not plausible is replaced: %q", resp.Header.Get("X-Request-Id"))
	}
	if !strings.Contains(logs.String(), `"request_id":"trace-42"`) || !strings.Contains(logs.String(), `"route":"GET /api/v1/services"`) {
		t.Fatalf("no access log line with the request id:\n%s", logs.String())
	}
	// Made-up methods count as one "other": the labels stay bounded.
	for i := range 50 {
		req, _ := http.NewRequest(fmt.Sprintf("M%d", i), ts.URL+"/api/v1/services", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	for _, bad := range []string{"", "Bearer s3cre", "Bearer s3cretX", "s3cret"} {
		if resp, _ := get("/metrics", "Authorization", bad); resp.StatusCode != 401 {
			t.Fatalf("/metrics with %q: %d", bad, resp.StatusCode)
		}
	}
	resp, body := get("/metrics", "Authorization", "Bearer s3cret")
	if strings.Contains(body, `method="M1"`) || !strings.Contains(body, `method="other"`) {
		t.Error("/metrics labels made-up methods one by one")
	}
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`atelier_http_requests_total{code="200",method="GET",route="GET /api/v1/services"} 1`,
		`atelier_http_requests_total{code="404",method="GET",route="GET /api/v1/services/{service}"} 1`,
		`atelier_http_request_duration_seconds_bucket{method="GET",route="GET /api/v1/services",le="0.1"}`,
		`atelier_db_connections_open`, `atelier_outbox_pending 0`, `atelier_metrics_db_up 1`, `go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// Behind a TLS proxy (an https public URL) the session cookie is Secure
// though the request reached Atelier in clear.
func TestCookiesAreSecureBehindAnHTTPSProxy(t *testing.T) {
	t.Parallel()
	for _, public := range []string{"https://atelier.example", ""} {
		a, err := app.New(context.Background(), app.Config{DataDir: t.TempDir(), PublicURL: public, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Users.SignUp(context.Background(), users.NewUser{Name: "Sam", Email: "sam@example.com", Password: "correct horse"}); err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(a.Handler())
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(ts.URL+"/signin", url.Values{"email": {"sam@example.com"}, "password": {"correct horse"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var session *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "atelier_session" {
				session = ck
			}
		}
		if session == nil || session.Secure != (public != "") {
			t.Errorf("public URL %q: session cookie %+v", public, session)
		}
		ts.Close()
		a.Close()
	}
}

// Every answer — a page, an API answer, a static file, an error — carries
// the security headers; HSTS only where the public URL is https.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	for _, public := range []string{"", "https://atelier.example"} {
		a, err := app.New(context.Background(), app.Config{DataDir: t.TempDir(), PublicURL: public, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(a.Handler())
		for _, path := range []string{"/", "/signin", "/services", "/api/v1/me", "/api/openapi.json", "/static/app.css", "/static/service.js", "/no-such-page", "/healthz"} {
			resp, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s: CSP %q lacks %q", path, csp, want)
				}
			}
			if strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
				t.Errorf("%s: CSP allows inline scripts", path)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
				t.Errorf("%s: nosniff %q, referrer %q", path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
			}
			hsts := h.Get("Strict-Transport-Security")
			if (public != "") != (hsts != "") {
				t.Errorf("public URL %q, %s: HSTS %q", public, path, hsts)
			}
		}
		ts.Close()
		a.Close()
	}
}

// Every timer says when it is next due: without Next, a jump of the test
// clock would run it only at the instants other timers bring.
func TestEveryTimerTellsWhenItIsDue(t *testing.T) {
	t.Parallel()
	a, err := app.New(context.Background(), app.Config{DataDir: t.TempDir(), TestMode: true, TestStart: clocktest.Start(t),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if len(a.Jobs.Timers) < 15 {
		t.Fatalf("%d timers", len(a.Jobs.Timers))
	}
	for _, tm := range a.Jobs.Timers {
		if tm.Name == "" || tm.Fire == nil || tm.Next == nil {
			t.Errorf("timer %q has no Fire or no Next", tm.Name)
		}
	}
}

// BenchmarkTestClockJump30Days measures a 30-day jump of the test clock on
// an empty marketplace: 30 stops (the daily jobs) and the final sweep.
func BenchmarkTestClockJump30Days(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			cfg := dbtest.Config(b, e)
			a, err := app.New(context.Background(), app.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.URL, TestMode: true,
				TestStart: clocktest.Start(b), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			defer a.Close()
			for b.Loop() {
				if _, err := a.Jobs.Advance(context.Background(), 30*24*time.Hour); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
