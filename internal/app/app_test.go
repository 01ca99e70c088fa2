package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"atelier/internal/app"
)

// /readyz fails while the database is unreachable; /healthz does not.
func TestReadyzFollowsTheDatabase(t *testing.T) {
	a, err := app.New(context.Background(), app.Config{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a.Handler())
	defer ts.Close()
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
