package apptest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// spy is a testing.TB that keeps the failures it is told.
type spy struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (s *spy) Errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed = append(s.failed, fmt.Sprintf(format, args...))
}

const doc = `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {
  "/api/v1/things/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
    "responses": {
      "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object", "required": ["rating"],
        "properties": {"rating": {"type": ["number", "null"]}}}}}},
      "429": {"description": "Too Many Requests", "headers": {"Retry-After": {"required": true, "schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {"type": "object"}}}}}}}}}`

// The contract check fails a test on each way an answer can break the
// document, and lets through what the document allows.
func TestContractCatchesWhatTheDocumentDoesNotAllow(t *testing.T) {
	t.Parallel()
	answers := map[string]func(w http.ResponseWriter){
		"good":      func(w http.ResponseWriter) { writeJSON(w, 200, `{"rating": 4.5}`) },
		"null":      func(w http.ResponseWriter) { writeJSON(w, 200, `{"rating": null}`) },
		"unknown":   func(w http.ResponseWriter) { writeJSON(w, 404, `{}`) }, // not a path of the document
		"wrongtype": func(w http.ResponseWriter) { writeJSON(w, 200, `{"rating": "4.5"}`) },
		"missing":   func(w http.ResponseWriter) { writeJSON(w, 200, `{}`) },
		"status":    func(w http.ResponseWriter) { writeJSON(w, 401, `{}`) },
		"ctype": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/pdf")
			w.Write([]byte("%PDF"))
		},
		"header": func(w http.ResponseWriter) { writeJSON(w, 429, `{}`) },
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/openapi.json" {
			writeJSON(w, 200, doc)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/api/v1/things/")
		if r.URL.Path == "/api/v1/unknown" {
			name = "unknown"
		}
		answers[name](w)
	})
	for name, wantFail := range map[string]bool{"good": false, "null": false, "unknown": false,
		"wrongtype": true, "missing": true, "status": true, "ctype": true, "header": true} {
		s := &spy{TB: t}
		srv := httptest.NewServer(checked(s, h))
		path := "/api/v1/things/" + name
		if name == "unknown" {
			path = "/api/v1/unknown"
		}
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		srv.Close()
		if failed := len(s.failed) > 0; failed != wantFail {
			t.Errorf("%s: failed %v, want %v: %v", name, failed, wantFail, s.failed)
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}
