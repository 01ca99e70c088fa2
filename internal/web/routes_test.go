package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"testing"
)

// TestRoutesNeedASession: every route of the table but the public ones
// sends a visitor without a session to the sign-in page, to come back to
// the page asked for (or, after a post, to the home page) — before its
// handler runs.
func TestRoutesNeedASession(t *testing.T) {
	t.Parallel()
	s := &Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := s.Handler()
	public := []string{"GET /{$}", "GET /signup", "POST /signup", "GET /signin", "POST /signin", "POST /signin/two-factor", "POST /signout", "POST /lang",
		"GET /services", "GET /services/{service}", "GET /freelancers/{freelancer}", "GET /verify-email/{token}", "POST /verify-email/{token}",
		"GET /password-reset", "POST /password-reset", "GET /reset-password/{token}", "POST /reset-password/{token}"}
	param := regexp.MustCompile(`\{[^}]*\}`)
	seen := map[string]bool{}
	for _, rt := range s.routes() {
		pattern := rt.Method + " " + rt.Path
		if seen[pattern] {
			t.Errorf("%s: twice in the table", pattern)
		}
		seen[pattern] = true
		if rt.Public != slices.Contains(public, pattern) {
			t.Errorf("%s: public %v", pattern, rt.Public)
			continue
		}
		if rt.Public {
			continue
		}
		path := param.ReplaceAllString(rt.Path, "x")
		req := httptest.NewRequest(rt.Method, path, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		next := path
		if rt.Method != http.MethodGet {
			next = "/"
		}
		if want := "/signin?next=" + url.QueryEscape(next); w.Code != http.StatusSeeOther || w.Header().Get("Location") != want {
			t.Errorf("%s %s: %d to %q, want 303 to %q", rt.Method, path, w.Code, w.Header().Get("Location"), want)
		}
	}
}
