package httpx

import (
	"context"
	"log/slog"
	"net/http"

	"atelier/internal/db"
)

type requestIDKey struct{}

// RequestID returns the id of the request a context belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID gives a request its id: the X-Request-Id a proxy in front
// sent (when it is a plausible id), or a new one. The answer carries it
// back, and every log line written with the request's context names it.
func WithRequestID(r *http.Request) (*http.Request, string) {
	id := r.Header.Get("X-Request-Id")
	if !plausibleID(id) {
		id = db.NewID("req")
	}
	return r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)), id
}

func plausibleID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// LogHandler adds the request id of a log call's context to its line.
type LogHandler struct{ slog.Handler }

func (h LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h LogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return LogHandler{h.Handler.WithAttrs(attrs)}
}

func (h LogHandler) WithGroup(name string) slog.Handler { return LogHandler{h.Handler.WithGroup(name)} }
