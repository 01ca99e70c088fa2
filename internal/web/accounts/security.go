package accounts

import (
	"net/http"
	"strconv"

	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/page"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// A person's security settings: their password, their sessions (browsers
// apart from API tokens) and their security log.

func (s *pages) showSecurity(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	s.Render(w, r, status, "settings_security", &site.View{Nav: "settings", Tab: "security", Title: i18n.T(httpx.Lang(r), "security.title"), Form: f})
	return nil
}

func (s *pages) sessionsPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	list, err := s.Users.Sessions(r.Context(), u, httpx.SessionToken(r))
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "settings_sessions", &site.View{Nav: "settings", Tab: "sessions", Title: i18n.T(httpx.Lang(r), "sessions.title"), Data: list})
	return nil
}

// revokeSession ends one session; ending this browser's is signing out.
func (s *pages) revokeSession(w http.ResponseWriter, r *http.Request, u users.User) error {
	mine, err := s.Users.RevokeSession(r.Context(), u, r.PathValue("session"), httpx.SessionToken(r), httpx.ClientOf(r))
	if err != nil {
		return err
	}
	if mine {
		s.clearSession(w, r)
		s.Done(w, r, "/", "flash.signed_out")
		return nil
	}
	s.Done(w, r, "/settings/sessions", "flash.session_revoked")
	return nil
}

func (s *pages) revokeOtherSessions(w http.ResponseWriter, r *http.Request, u users.User) error {
	n, err := s.Users.RevokeOtherSessions(r.Context(), u, httpx.SessionToken(r), httpx.ClientOf(r))
	if err != nil {
		return err
	}
	s.Done(w, r, "/settings/sessions", "flash.sessions_revoked", "count", strconv.Itoa(n))
	return nil
}

// securityLogData is a page of a person's security log.
type securityLogData struct {
	Events     []users.Event
	NextCursor string
}

const securityLogPageSize = 50

func (s *pages) securityLogPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	p, err := site.Cursor(r, securityLogPageSize)
	if err != nil {
		return err
	}
	var log page.Page[users.Event]
	if log, err = s.Users.Events(r.Context(), u, p); err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "settings_log", &site.View{Nav: "settings", Tab: "log", Title: i18n.T(httpx.Lang(r), "security_log.title"),
		Data: securityLogData{Events: log.Items, NextCursor: log.NextCursor}})
	return nil
}
