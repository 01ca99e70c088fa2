// Package web is Atelier's server-rendered UI: handlers that translate form
// posts into domain calls and domain results into HTML pages.
//
// A handler never decides a rule. It reads the form, calls the domain
// service with the signed-in user, and shows what came back:
//
//   - success: a 303 redirect with a flash message (post/redirect/get);
//   - a refusal with a Field: the same page again, with the message next to
//     that field and the person's input kept;
//   - any other refusal: the same page with an alert and the refusal's HTTP
//     status, except "not found" and "forbidden", which get their own pages;
//   - anything else: a logged 500 page that leaks nothing.
//
// Every page and form action is a row of one route table (routes, like the
// API's): method, path, whether a visitor without a session may use it, and
// the handler. A handler returns what went wrong instead of answering it;
// one wrapper (serve) answers with site.Site.Fail. A post whose form is to
// be shown again returns site.ShowAgain(err, redo).
//
// The pages are split by area, one package each, and this package builds
// the one table from their Routes:
//
//   - accounts: signing up and in, the home page, settings, an account's
//     overview, members, invitations, policies and audit log;
//   - billing: an account's balance, deposits, cards, billing info,
//     invoices and credit notes (with their downloads) and rewards;
//   - catalog: the search, a service's page and its order form, a
//     freelancer's profile, and the seller's pages;
//   - orders: the orders, the approval queue, milestones, custom offers,
//     hourly contracts, an order's resolution center and internal notes;
//   - collab: projects and featured projects, lists and the network;
//   - operator: the operators' queues.
//
// Below them, internal/web/site is what they share: the Site they embed
// (the domain services, the templates), the route type, the answers
// (Render, Done, ShowAgain, Fail), View and Form and the form readers. The
// areas import site and never each other; this package imports the areas
// and keeps the server, the route table and the middleware (the session
// check of serve, the bounds of guardForms, static files).
//
// Templates and the stylesheet are embedded in site; every page is parsed
// and checked when the handler is built (see site/views.go), so a missing
// template stops the server at start, not a visitor at run time. Every word
// on a page comes from the translation catalog (internal/i18n). JavaScript
// is not needed for anything: each action is a plain form.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"atelier/internal/db"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/services"
	"atelier/internal/web/accounts"
	"atelier/internal/web/billing"
	"atelier/internal/web/catalog"
	"atelier/internal/web/collab"
	"atelier/internal/web/operator"
	"atelier/internal/web/orders"
	"atelier/internal/web/site"
)

// Server serves the web pages.
type Server struct {
	services.Services
	DB  *db.DB // for reads with no domain service yet (notifications)
	Log *slog.Logger
	// HTTPS says users reach the site over https (a TLS proxy in front):
	// cookies are then Secure even though the request reached us in clear.
	HTTPS bool

	site *site.Site
}

// Handler returns the web UI's routes. It parses and checks every template
// first and panics when one is broken: that is a bug in the build, found at
// start.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	s.site = &site.Site{Services: s.Services, DB: s.DB, Log: s.Log, HTTPS: s.HTTPS}
	if err := s.site.ParseViews(); err != nil {
		panic("web: " + err.Error())
	}
	static := site.Static()

	mux := http.NewServeMux()
	mux.Handle("GET /static/", cacheFor(time.Hour, http.StripPrefix("/static/", http.FileServerFS(static))))
	for _, rt := range s.routes() {
		mux.HandleFunc(rt.Method+" "+rt.Path, s.serve(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := httpx.Allowed(mux, r, "/"); allow != "" {
			w.Header().Set("Allow", allow)
			s.site.ErrorPage(w, r, http.StatusMethodNotAllowed, i18n.T(httpx.Lang(r), "error.page_method"))
			return
		}
		s.site.ErrorPage(w, r, http.StatusNotFound, i18n.T(httpx.Lang(r), "error.not_found"))
	})
	return s.guardForms(mux)
}

// routes is the whole web UI (besides its static files): the routes of
// each area, in one table.
func (s *Server) routes() []site.Route {
	return slices.Concat(
		accounts.Routes(s.site),
		billing.Routes(s.site),
		catalog.Routes(s.site),
		orders.Routes(s.site),
		collab.Routes(s.site),
		operator.Routes(s.site),
	)
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// serve runs a route's handler. A route that needs a signed-in user sends
// a visitor without a session to the sign-in page, to come back afterwards;
// a public route gets the signed-in user if there is one.
func (s *Server) serve(rt site.Route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := httpx.User(r)
		if !ok && !rt.Public {
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				// A form posted after the session ended: come back to the
				// page it was on, not to the action.
				next = "/"
				if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
					next = site.SafeNext(ref.RequestURI())
				}
			}
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if err := rt.Handle(w, r, u); err != nil {
			s.site.Fail(w, r, err)
		}
	}
}

// fileRoutes are the only pages that take files (multipart forms); they
// read them with the order pages' postedFiles (internal/web/orders), within
// its maxUpload.
var fileRoutes = map[string]bool{
	"POST /orders/{order}/deliver":                        true,
	"POST /orders/{order}/messages":                       true,
	"POST /orders/{order}/milestones/{milestone}/deliver": true,
}

// maxForm bounds a form without files: far more than any form needs.
const maxForm = 1 << 20

// guardForms reads a request's form before any page runs, within bounds:
//   - a multipart body (files) is accepted only by fileRoutes (415
//     elsewhere: Go would otherwise spill any form field over 32 MB of it
//     to temporary files that nothing removes); those routes read it;
//   - any other body is read up to maxForm (413 beyond);
//   - a query or form with text that cannot be stored (a NUL, or bytes
//     that are not UTF-8: PostgreSQL refuses them) is a 422.
func (s *Server) guardForms(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := httpx.Lang(r)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			if _, pattern := mux.Handler(r); !fileRoutes[pattern] {
				s.site.ErrorPage(w, r, http.StatusUnsupportedMediaType, i18n.T(lang, "error.files_not_taken"))
				return
			}
		} else if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.site.ErrorPage(w, r, http.StatusRequestEntityTooLarge, i18n.T(lang, "error.body_too_large", "max", "1 MiB"))
					return
				}
			}
		}
		field := httpx.BadValue(r.URL.Query())
		if field == "" && r.PostForm != nil {
			field = httpx.BadValue(r.PostForm)
		}
		if field != "" {
			s.site.ErrorPage(w, r, http.StatusUnprocessableEntity, i18n.T(lang, "error.text_invalid"))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// Fail answers a page request that failed before reaching its handler (the
// sessions could not be read): the error page.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.site.Fail(w, r, err) }
