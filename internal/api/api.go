// Package api is the JSON API v1 (API.md): one table of routes, each a thin
// translation between HTTP and a domain call. The same table builds the
// ServeMux and the OpenAPI document, so a route cannot exist without being
// described.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"atelier/internal/clock"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/jobs"
	"atelier/internal/orders/attachments"
	"atelier/internal/page"
	"atelier/internal/services"
	"atelier/internal/users"
)

// Prefix is the base path of the API.
const Prefix = "/api/v1"

// Server serves the JSON API.
type Server struct {
	services.Services
	DB        *db.DB
	Jobs      *jobs.Runner
	TestClock *clock.Test // the test-clock routes exist only when set
	Log       *slog.Logger
}

// answer is a response ready to write (and to keep, for an idempotent
// request).
type answer struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Filename    string `json:"filename,omitempty"`
	RetryAfter  int    `json:"retry_after,omitempty"` // seconds, on a 429
	Body        []byte `json:"body"`
}

func (a answer) write(w http.ResponseWriter) {
	if a.ContentType != "" {
		w.Header().Set("Content-Type", a.ContentType)
	}
	if a.Filename != "" { // a file (an invoice, a delivery): kept by no cache
		httpx.Attachment(w.Header(), a.Filename)
	}
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(a.RetryAfter))
	}
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

// file is an answer that is not JSON: a PDF, a CSV. In a route's Out,
// Types lists what it may be when that is not one ContentType (a delivery's
// files).
type file struct {
	ContentType, Name string
	Data              []byte
	Types             []string
}

func (f file) types() []string {
	if len(f.Types) > 0 {
		return f.Types
	}
	return []string{f.ContentType}
}

// param is a query parameter a route reads, with the JSON Schema of its
// value.
type param struct {
	Name        string
	Description string
	Schema      map[string]any
}

// answer runs a route's handler and encodes what it returns.
func (s *Server) answer(rt route, c *call) answer {
	if field := httpx.BadValue(c.r.URL.Query()); field != "" {
		return s.errorAnswer(c.r, errs.Invalid(field, "text_invalid"))
	}
	if rt.Before != nil {
		if err := rt.Before(c); err != nil {
			return s.errorAnswer(c.r, err)
		}
	}
	out, err := rt.Handle(c)
	if err != nil {
		return s.errorAnswer(c.r, err)
	}
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	switch v := out.(type) {
	case file:
		return answer{Status: status, ContentType: v.ContentType, Filename: v.Name, Body: v.Data}
	}
	if status == http.StatusNoContent {
		return answer{Status: status}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return s.errorAnswer(c.r, err)
	}
	return answer{Status: status, ContentType: "application/json", Body: append(b, '\n')}
}

// route is one API operation.
type route struct {
	Method  string
	Path    string // under Prefix, with {name} parameters
	Tag     string
	Summary string
	Public  bool // answers without a session
	// Idempotent routes move money: a repeated Idempotency-Key returns the
	// first answer and changes nothing more.
	Idempotent bool
	Status     int // on success; 200 if zero
	// MaxBody bounds the request body (MaxBody when zero); a larger one is
	// refused with 413 body_too_large before anything is done.
	MaxBody int64
	// Query are the parameters the route reads from the query string
	// (besides limit and cursor, which a page's routes all read).
	Query []param
	// Also are error statuses the route may answer besides the usual ones
	// (a public sign-in answers 401; a throttled one 429).
	Also []int
	// Before runs ahead of the handler, before its body is read: a route
	// that takes megabytes (files) refuses who may not use it first.
	Before func(c *call) error
	In     any // a value of the request body's type, for the schema
	Out    any // a value of the answer's type, for the schema
	Handle func(c *call) (any, error)
}

// call is one request on its way through a route.
type call struct {
	w    http.ResponseWriter
	r    *http.Request
	user users.User
	lang string
}

func (c *call) param(name string) string { return c.r.PathValue(name) }

func (c *call) page() (page.Request, error) {
	q := c.r.URL.Query()
	return page.Parse(q.Get("limit"), q.Get("cursor"))
}

// MaxBody is the largest request body a route reads, unless it says
// otherwise: 1 MiB is far more than any form of the API needs.
const MaxBody = 1 << 20

// filesBody bounds the routes that carry files (base64 in JSON): the
// domain's limit of files and bytes, a third more for base64, plus text.
const filesBody = attachments.MaxFiles*attachments.MaxFileSize/3*4 + MaxBody

// tooLarge is the refusal of a body read past its route's limit, nil for
// any other read error.
func tooLarge(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return errs.TooLarge("body_too_large").With("max", byteSize(mb.Limit))
	}
	return nil
}

// byteSize writes a limit for a person: "1 MiB".
func byteSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
}

// errorBody is the shape of every API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}

// Fail answers a request under /api/ that failed before reaching its
// route (the sessions could not be read) as any route answers an error.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.writeError(w, r, err) }

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	s.errorAnswer(r, err).write(w)
}

func (s *Server) errorAnswer(r *http.Request, err error) answer {
	status := httpx.Status(err)
	detail := errorDetail{Code: "internal", Message: httpx.Message(httpx.Lang(r), err)}
	if e, ok := errs.As(err); ok {
		detail.Code, detail.Field = e.Code, e.Field
	} else {
		s.Log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	b, _ := json.Marshal(errorBody{detail})
	a := answer{Status: status, ContentType: "application/json", Body: append(b, '\n')}
	if e, ok := errs.As(err); ok && e.Kind == errs.KindTooMany {
		a.RetryAfter = 60 // a minute, unless the refusal says how long
		if m, ok := e.Args["minutes"].(int); ok {
			a.RetryAfter = 60 * m
		}
	}
	return a
}

// routes is the whole API.
func (s *Server) routes() []route {
	list := []route{}
	list = append(list, s.userRoutes()...)
	list = append(list, s.twoFactorRoutes()...)
	list = append(list, s.accountRoutes()...)
	list = append(list, s.catalogRoutes()...)
	list = append(list, s.moneyRoutes()...)
	list = append(list, s.orderRoutes()...)
	list = append(list, s.offerRoutes()...)
	list = append(list, s.resolutionRoutes()...)
	list = append(list, s.hourlyRoutes()...)
	list = append(list, s.projectRoutes()...)
	list = append(list, s.collabRoutes()...)
	if s.TestClock != nil {
		list = append(list, s.testClockRoutes()...)
	}
	return list
}

// Handler returns the API's routes, the OpenAPI document, and a JSON 404
// for everything else under /api/.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	table := s.routes()
	for _, rt := range table {
		rt := rt
		mux.HandleFunc(rt.Method+" "+Prefix+rt.Path, func(w http.ResponseWriter, r *http.Request) {
			limit := rt.MaxBody
			if limit == 0 {
				limit = MaxBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			c := &call{w: w, r: r, lang: httpx.Lang(r)}
			if !rt.Public {
				u, ok := httpx.User(r)
				if !ok {
					s.writeError(w, r, errs.Unauthorized)
					return
				}
				c.user = u
			} else if u, ok := httpx.User(r); ok {
				c.user = u
			}
			if key := r.Header.Get("Idempotency-Key"); rt.Idempotent && key != "" {
				s.idempotent(c, key, func() answer { return s.answer(rt, c) })
				return
			}
			s.answer(rt, c).write(w)
		})
	}
	doc := openAPI(table)
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, doc)
	})
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if allow := httpx.Allowed(mux, r, "/api/"); allow != "" {
			w.Header().Set("Allow", allow)
			s.writeError(w, r, errs.MethodNotAllowed)
			return
		}
		s.writeError(w, r, errs.NotFound("not_found"))
	})
	return mux
}

// pathParams lists the {names} in a path.
func pathParams(path string) []string {
	var names []string
	for _, part := range strings.Split(path, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(part, "{"), "}"))
		}
	}
	return names
}

// paged is the handler of a list route: it reads ?limit= and ?cursor=
// before calling list.
func paged(list func(c *call, p page.Request) (any, error)) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		p, err := c.page()
		if err != nil {
			return nil, err
		}
		return list(c, p)
	}
}

// body is the handler of a route with a JSON body: it decodes a T before
// calling fn. The body is required: a missing or null one is refused.
func body[T any](fn func(c *call, in T) (any, error)) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		in, err := decode[T](c, false)
		if err != nil {
			return nil, err
		}
		return fn(c, in)
	}
}

// optionalBody is body for a route whose every field may be left out: no
// body reads as {}.
func optionalBody[T any](fn func(c *call, in T) (any, error)) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		in, err := decode[T](c, true)
		if err != nil {
			return nil, err
		}
		return fn(c, in)
	}
}
