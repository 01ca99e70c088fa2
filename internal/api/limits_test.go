package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/users"
)

// A JSON body over 1 MiB is refused with 413 in the API's error format,
// on a plain route and on an idempotent one, and changes nothing.
func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		s := apptest.Start(t, e)
		ann, _ := s.SignUp(t, "ann@example.com", "Ann")
		big := `{"name":"` + strings.Repeat("x", 2<<20) + `","currency":"EUR"}`
		for _, path := range []string{"/api/v1/accounts", "/api/v1/users"} {
			req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(big))
			req.Header.Set("Authorization", "Bearer "+ann.Token)
			req.Header.Set("Idempotency-Key", "k1")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 413 || !strings.Contains(string(body), `"code":"body_too_large"`) || !strings.Contains(string(body), "1 MiB") {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
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
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		s := apptest.Start(t, e)
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
