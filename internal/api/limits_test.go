package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/users"
)

// A JSON body over 1 MiB is refused with 413 in the API's error format,
// on a plain route and on an idempotent one, and changes nothing.
func TestBodyTooLarge(t *testing.T) {
	apptest.Each(t, func(t *testing.T, s *apptest.Server) {
		ann, _ := s.SignUp(t, "ann@example.com", "Ann")
		big := `{"name":"` + strings.Repeat("x", 2<<20) + `","currency":"EUR"}`
		for _, path := range []string{"/api/v1/accounts", "/api/v1/users"} {
			r := ann.Send("POST", path, strings.NewReader(big), "Idempotency-Key", "k1")
			if r.Status != 413 || !strings.Contains(string(r.Raw), `"code":"body_too_large"`) || !strings.Contains(string(r.Raw), "1 MiB") {
				t.Fatalf("%s: %d %s", path, r.Status, r.Raw)
			}
		}
		list := ann.Must(200, "GET", "/api/v1/me", nil)
		if len(list["memberships"].([]any)) != 0 {
			t.Fatalf("a refused body changed something: %v", list)
		}
	})
}

// Failed sign-ins over the API are limited: the eleventh attempt in 15
// minutes is a 429 with a sentence saying how long to wait.
func TestSignInRateLimitedOverHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, s *apptest.Server) {
		s.SignUp(t, "ann@example.com", "Ann")
		anon := s.Client(t)
		for i := 0; i < users.MaxEmailFailures; i++ {
			wantError(t, anon.Do("POST", "/api/v1/sessions", map[string]any{"email": "ann@example.com", "password": "wrong password"}), 401, "invalid_credentials", "")
		}
		r := anon.Do("POST", "/api/v1/sessions", map[string]any{"email": "ann@example.com", "password": "correct horse"})
		wantError(t, r, 429, "sign_in_rate_limited", "")
		if !strings.Contains(string(r.Raw), "15 minutes") || r.Header.Get("Retry-After") != "900" {
			t.Fatalf("message: %s, Retry-After %q", r.Raw, r.Header.Get("Retry-After"))
		}
	})
}

// Text PostgreSQL cannot store — a NUL, bytes that are not UTF-8 — is a
// 422 naming the field on both engines, in a body, a nested field or a
// query, and stores nothing; the pages refuse it too.
func TestBadBytesAreRefused(t *testing.T) {
	apptest.Each(t, func(t *testing.T, s *apptest.Server) {
		anon := s.Client(t)
		wantError(t, anon.Do("POST", "/api/v1/users", map[string]any{"email": "a@example.com", "password": "correct horse", "name": "a\u0000b"}), 422, "text_invalid", "name")
		wantError(t, anon.Do("POST", "/api/v1/sessions", map[string]any{"email": "a\u0000@example.com", "password": "correct horse"}), 422, "text_invalid", "email")
		notUTF8 := `{"email":"b@example.com","password":"correct horse","name":"caf` + "\xff" + `"}`
		wantError(t, anon.Send("POST", "/api/v1/users", strings.NewReader(notUTF8)), 422, "text_invalid", "name")
		wantError(t, anon.Do("GET", "/api/v1/services?q=logo%00", nil), 422, "text_invalid", "q")
		wantError(t, anon.Do("GET", "/api/v1/services?q=%FF", nil), 422, "text_invalid", "q")
		ann, _ := s.SignUp(t, "ann@example.com", "Ann")
		wantError(t, ann.Do("POST", "/api/v1/accounts", map[string]any{"name": "Acme\u0000"}), 422, "text_invalid", "name")
		if n := len(ann.Must(200, "GET", "/api/v1/accounts", nil)["items"].([]any)); n != 0 {
			t.Fatalf("%d accounts after refusals", n)
		}
		// A real U+FFFD sent as such is text like any other.
		ann.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme \uFFFD"})
		for _, form := range []url.Values{{"name": {"Bob\x00"}, "email": {"bob@example.com"}, "password": {"correct horse"}}, {"name": {"Bob\xff"}}} {
			resp, err := http.PostForm(s.URL+"/signup", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("web sign-up with bad bytes: %d", resp.StatusCode)
			}
		}
		if resp, err := http.Get(s.URL + "/services?q=%00"); err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("web search with a NUL: %v %v", resp.StatusCode, err)
		}
	})
}

// A route that takes files refuses someone who cannot see the order before
// it reads the body: a stranger's endless upload is answered at once, not
// after megabytes.
func TestFileRoutesRefuseStrangersBeforeReading(t *testing.T) {
	t.Parallel()
	m := newMarket(t, db.SQLite)
	id := m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})["id"].(string)
	stranger, _ := m.s.SignUp(t, "eve@elsewhere.test", "Eve")
	for _, path := range []string{"/orders/" + id + "/deliveries", "/orders/" + id + "/messages"} {
		body, w := io.Pipe()
		go func() { // a JSON body that never ends
			w.Write([]byte(`{"message": "x", "files": [{"name": "a.png", "content_type": "image/png", "data": "`))
			chunk := bytes.Repeat([]byte("A"), 64<<10)
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}()
		req, _ := http.NewRequest("POST", m.s.URL+"/api/v1"+path, body)
		req.Header.Set("Authorization", "Bearer "+stranger.Token)
		req.Header.Set("Content-Type", "application/json")
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		cancel()
		body.CloseWithError(io.EOF)
		if err != nil {
			t.Fatalf("%s: %v (the server read the body instead of answering)", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
}
