// Package httpx holds what the web UI and the JSON API share about HTTP:
// who is signed in (a session cookie or a bearer token, the same sessions),
// which language to answer in, and the request's context values.
package httpx

import (
	"context"
	"mime"
	"net/http"
	"strings"

	"atelier/internal/errs"
	"atelier/internal/i18n"
	"atelier/internal/users"
)

// CookieName is the session cookie of the web UI.
const CookieName = "atelier_session"

type ctxKey int

const (
	userKey ctxKey = iota
	tokenKey
	langKey
)

// Token returns the session token a request carries: the bearer token of
// the Authorization header, or else the session cookie.
func Token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

// Authenticate resolves the request's session, if any, and puts the user and
// the language into the request context. A request without a valid session
// goes on anonymously; handlers that need a user ask for one. When the
// sessions cannot be read (the database fails), the request is not taken
// for a signed-out one: fail answers it (a 500, as the API or the pages
// answer errors).
func Authenticate(us *users.Service, fail func(http.ResponseWriter, *http.Request, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var saved string
		if c, err := r.Cookie("atelier_lang"); err == nil {
			saved = c.Value
		}
		var failed error
		if tok := Token(r); tok != "" {
			u, err := us.Authenticate(ctx, tok, ClientOf(r))
			switch e, ok := errs.As(err); {
			case err == nil:
				ctx = context.WithValue(ctx, userKey, u)
				ctx = context.WithValue(ctx, tokenKey, tok)
				if u.Locale != "" {
					saved = u.Locale
				}
			case !ok || e.Kind != errs.KindUnauthorized:
				failed = err // the sessions could not be read: not "signed out"
			}
		}
		ctx = context.WithValue(ctx, langKey, i18n.Negotiate(saved, r.Header.Get("Accept-Language")))
		if failed != nil {
			fail(w, r.WithContext(ctx), failed)
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// ClientOf is who a request comes from: its address and User-Agent.
func ClientOf(r *http.Request) users.Client {
	return users.Client{Addr: ClientAddr(r), UserAgent: r.UserAgent()}
}

// User returns the signed-in user of a request.
func User(r *http.Request) (users.User, bool) {
	u, ok := r.Context().Value(userKey).(users.User)
	return u, ok
}

// SessionToken returns the token of the request's live session.
func SessionToken(r *http.Request) string {
	t, _ := r.Context().Value(tokenKey).(string)
	return t
}

// Lang returns the language to answer the request in.
func Lang(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return "en"
}

// Status is the HTTP status of an error: its kind's for a refusal, 500 for
// anything else.
func Status(err error) int {
	e, ok := errs.As(err)
	if !ok {
		return http.StatusInternalServerError
	}
	switch e.Kind {
	case errs.KindInvalid:
		return http.StatusUnprocessableEntity
	case errs.KindMalformed:
		return http.StatusBadRequest
	case errs.KindUnauthorized:
		return http.StatusUnauthorized
	case errs.KindForbidden:
		return http.StatusForbidden
	case errs.KindNotFound:
		return http.StatusNotFound
	case errs.KindConflict:
		return http.StatusConflict
	case errs.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.KindTooMany:
		return http.StatusTooManyRequests
	case errs.KindMethod:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// Message is the sentence a person reads for an error, in lang.
func Message(lang string, err error) string {
	e, ok := errs.As(err)
	if !ok {
		return i18n.T(lang, "error.internal")
	}
	return i18n.TMap(lang, "error."+e.Code, e.Args)
}

// Allowed lists, for an Allow header, the methods mux answers on r's path
// with a pattern other than fallback (the catch-all that is asking), or ""
// when no method has one: then the path is unknown, not the method.
func Allowed(mux *http.ServeMux, r *http.Request, fallback string) string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != fallback {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}

// Attachment makes a response a file to save as name: the name quoted and
// encoded whatever it holds (an uploaded file's name may hold quotes or
// accents), the type never sniffed, and the file kept by no browser's or
// proxy's cache (an invoice names the account and what it bought).
func Attachment(h http.Header, name string) {
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
}
