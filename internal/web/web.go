// Package web is Atelier's server-rendered UI: handlers that translate form
// posts into domain calls and domain results into HTML pages.
package web

import (
	"log/slog"
	"net/http"

	"atelier/internal/accounts"
	"atelier/internal/users"
)

// Server serves the web pages.
type Server struct {
	Users    *users.Service
	Accounts *accounts.Service
	Log      *slog.Logger
}

// Handler returns the web UI's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>Atelier</title><h1>Atelier</h1><a href=\"/signup\">Sign up</a>"))
	})
	return mux
}
