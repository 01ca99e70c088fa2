// Package apptest starts a whole Atelier — real database, real HTTP server,
// test clock — for tests that talk to it over HTTP, and gives them a small
// JSON client.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atelier/internal/app"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/notify"
	"atelier/internal/users"
)

// Server is a running Atelier.
type Server struct {
	URL string
	App *app.App
}

// Start runs Atelier in test mode on a fresh database of engine, over a
// real HTTP listener, until the test ends.
func Start(t testing.TB, engine db.Engine) *Server {
	t.Helper()
	users.UseTestCost()
	cfg := dbtest.Config(t, engine)
	a, err := app.New(context.Background(), app.Config{
		DatabaseURL: cfg.URL, DataDir: cfg.DataDir, TestMode: true, TestStart: clocktest.Start(t),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(checked(t, a.Handler()))
	t.Cleanup(func() { ts.Close(); a.Close() })
	return &Server{URL: ts.URL, App: a}
}

// Each runs test in parallel with the other tests, once per engine, on an
// Atelier started for that engine's subtest.
func Each(t *testing.T, test func(t *testing.T, s *Server)) {
	t.Helper()
	dbtest.EachWith(t, func(t *testing.T, e db.Engine) *Server { return Start(t, e) }, test)
}

// Client calls the API as one person (or anonymously, with no token).
type Client struct {
	t     testing.TB
	base  string
	Token string
	email string // who signed up, to sign in again
}

// Client returns an anonymous client.
func (s *Server) Client(t testing.TB) *Client { return &Client{t: t, base: s.URL} }

// Response is a decoded answer.
type Response struct {
	Status int
	Body   map[string]any
	Raw    []byte
	Header http.Header
}

// Do sends a request with an optional JSON body and decodes the answer.
func (c *Client) Do(method, path string, body any, headers ...string) Response {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	return c.Send(method, path, r, append([]string{"Content-Type", "application/json"}, headers...)...)
}

// Send sends a request with a body as it is (nil for none) and the headers
// named (name, value, …), and decodes the answer: for the bodies Do cannot
// make, malformed or too large ones.
func (c *Client) Send(method, path string, body io.Reader, headers ...string) Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := Response{Status: resp.StatusCode, Raw: raw, Header: resp.Header}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			c.t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	}
	return out
}

// Must sends a request and fails the test unless the status is want.
func (c *Client) Must(want int, method, path string, body any) map[string]any {
	c.t.Helper()
	r := c.Do(method, path, body)
	if r.Status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Raw)
	}
	return r.Body
}

// SignUp registers a person, verifies their address through the link
// sent to it (POST /me/email-verification with its token), and returns a
// client signed in as them, and their user id.
func (s *Server) SignUp(t testing.TB, email, name string) (*Client, string) {
	t.Helper()
	c, id := s.SignUpUnverified(t, email, name)
	c.Must(200, "POST", "/api/v1/me/email-verification", map[string]any{"token": s.VerificationToken(t, email)})
	return c, id
}

// SignUpUnverified registers a person and signs them in, leaving their
// address unverified.
func (s *Server) SignUpUnverified(t testing.TB, email, name string) (*Client, string) {
	t.Helper()
	c := s.Client(t)
	u := c.Must(201, "POST", "/api/v1/users", map[string]any{"email": email, "password": "correct horse", "name": name})
	c.email = email
	c.SignInAgain()
	return c, u["id"].(string)
}

// VerificationToken is the token of the last verification link e-mailed
// to an address.
func (s *Server) VerificationToken(t testing.TB, email string) string {
	t.Helper()
	return strings.TrimPrefix(EmailLink(t, s.App.DB, email, "email_verify"), "/verify-email/")
}

// EmailLink is the link of the last e-mail of kind sent to an address, read
// from the outbox as the e-mail carries it (sent or not).
func EmailLink(t testing.TB, d *db.DB, to, kind string) string {
	t.Helper()
	payloads, err := db.Strings(context.Background(), d, `SELECT payload FROM outbox WHERE topic = 'email' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	link := ""
	for _, p := range payloads {
		var e notify.Email
		if err := json.Unmarshal([]byte(p), &e); err != nil {
			t.Fatal(err)
		}
		if e.To == strings.ToLower(to) && e.Kind == kind {
			link = e.Link
		}
	}
	if link == "" {
		t.Fatalf("no %s e-mail to %s", kind, to)
	}
	return link
}

// SignInAgain replaces the client's session with a new one. A session
// lasts 30 days from sign-in, so a story that walks the clock further signs
// in again on its way, as a person would.
func (c *Client) SignInAgain() {
	c.t.Helper()
	sess := c.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": c.email, "password": "correct horse"})
	c.Token = sess["token"].(string)
}

// Join has admin invite the client's person (one SignUp made) into the
// account with the default role, and the person accept.
func (c *Client) Join(admin *Client, accountID string) {
	c.t.Helper()
	if c.email == "" {
		c.t.Fatal("Join: the client was not made by SignUp")
	}
	inv := admin.Must(201, "POST", "/api/v1/accounts/"+accountID+"/invitations", map[string]any{"email": c.email})
	c.Must(200, "POST", "/api/v1/invitations/"+inv["id"].(string)+"/accept", nil)
}
