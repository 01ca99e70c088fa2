package app

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"atelier/internal/httpx"
)

type routeKey struct{}

// observe gives each request its id and, once answered, counts it in the
// metrics and writes its access log line (at debug level for health checks,
// metrics scrapes and static files).
func (a *App) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r, id := httpx.WithRequestID(r)
		route := new(string)
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, route))
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		a.Metrics.Request(*route, r.Method, rec.status, took)
		level := slog.LevelInfo
		if *route == "GET /healthz" || *route == "GET /readyz" || *route == "GET /metrics" || strings.HasPrefix(*route, "GET /static/") {
			level = slog.LevelDebug
		}
		a.Log.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("route", *route), slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
			slog.Float64("ms", float64(took.Microseconds())/1000))
	})
}

// notePattern tells observe which route pattern the ServeMux chose (the
// mux writes it on the request it serves, which observe does not hold).
func notePattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if route, ok := r.Context().Value(routeKey{}).(*string); ok {
			*route = r.Pattern
		}
	})
}

// recorder keeps the status and size of an answer.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flushes).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
