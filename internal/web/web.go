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
// one wrapper (serve) answers with fail. A post whose form is to be shown
// again returns showAgain(err, redo).
//
// Templates and the stylesheet are embedded; every page is parsed and
// checked when the handler is built (see views.go), so a missing template
// stops the server at start, not a visitor at run time. Every word on a page
// comes from the translation catalog (internal/i18n). JavaScript is not
// needed for anything: each action is a plain form.
package web

import (
	"encoding/base64"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/page"
	"atelier/internal/services"
	"atelier/internal/users"
)

// Server serves the web pages.
type Server struct {
	services.Services
	DB  *db.DB // for reads with no domain service yet (notifications)
	Log *slog.Logger
	// HTTPS says users reach the site over https (a TLS proxy in front):
	// cookies are then Secure even though the request reached us in clear.
	HTTPS bool

	views *views
}

// secure says whether cookies set in answer to r must be Secure.
func (s *Server) secure(r *http.Request) bool { return s.HTTPS || r.TLS != nil }

// LangCookie holds the language a visitor chose with the language switch;
// httpx.Authenticate reads it.
const LangCookie = "atelier_lang"

const flashCookie = "atelier_flash"

// Handler returns the web UI's routes. It parses and checks every template
// first and panics when one is broken: that is a bug in the build, found at
// start.
func (s *Server) Handler() http.Handler {
	v, err := parsedViews()
	if err != nil {
		panic("web: " + err.Error())
	}
	s.views = v
	if s.Log == nil {
		s.Log = slog.Default()
	}
	static, _ := fs.Sub(files, "static")

	mux := http.NewServeMux()
	mux.Handle("GET /static/", cacheFor(time.Hour, http.StripPrefix("/static/", http.FileServerFS(static))))
	for _, rt := range s.routes() {
		mux.HandleFunc(rt.Method+" "+rt.Path, s.serve(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := httpx.Allowed(mux, r, "/"); allow != "" {
			w.Header().Set("Allow", allow)
			s.errorPage(w, r, http.StatusMethodNotAllowed, i18n.T(httpx.Lang(r), "error.page_method"))
			return
		}
		s.errorPage(w, r, http.StatusNotFound, i18n.T(httpx.Lang(r), "error.not_found"))
	})
	return s.guardForms(mux)
}

// route is one page or form action of the web UI.
type route struct {
	Method string
	Path   string // with {name} parameters
	Public bool   // answers visitors without a session too; others go to the sign-in page
	Handle handler
}

// handler is a page or a form action. u is the signed-in user (none on a
// public route without a session). An error it returns is answered by
// fail: a refusal with a form to show again comes from showAgain.
type handler func(w http.ResponseWriter, r *http.Request, u users.User) error

// formPage shows a page with forms: f and status are the refused form
// and its status when a post is shown again (showAgain), nil and 200 when
// the page is asked for.
type formPage func(w http.ResponseWriter, r *http.Request, u users.User, f *form, status int) error

// post runs a form of a formPage: act calls the domain; success goes to
// "to" with the flash, a refusal shows the page again (show) with the
// message next to the form that was sent.
func (s *Server) post(w http.ResponseWriter, r *http.Request, u users.User, show formPage, to, flash string, act func() error) error {
	if err := act(); err != nil {
		return showAgain(err, func(f *form, status int) error { return show(w, r, u, f, status) })
	}
	s.done(w, r, to, flash)
	return nil
}

// pageOf is the handler that shows a formPage as it is asked for.
func pageOf(show formPage) handler {
	return func(w http.ResponseWriter, r *http.Request, u users.User) error {
		return show(w, r, u, nil, http.StatusOK)
	}
}

// routes is the whole web UI (besides its static files).
func (s *Server) routes() []route {
	list := []route{
		{Method: "GET", Path: "/{$}", Public: true, Handle: s.home},
		{Method: "GET", Path: "/signup", Public: true, Handle: s.signUpPage},
		{Method: "POST", Path: "/signup", Public: true, Handle: s.signUp},
		{Method: "GET", Path: "/signin", Public: true, Handle: s.signInPage},
		{Method: "POST", Path: "/signin", Public: true, Handle: s.signIn},
		{Method: "POST", Path: "/signout", Public: true, Handle: s.signOut},
		{Method: "POST", Path: "/lang", Public: true, Handle: s.setLanguage},
		{Method: "GET", Path: "/settings", Handle: s.settingsPage},
		{Method: "POST", Path: "/settings", Handle: s.saveSettings},

		{Method: "GET", Path: "/accounts", Handle: s.accountList},
		{Method: "GET", Path: "/accounts/new", Handle: s.newAccountPage},
		{Method: "POST", Path: "/accounts", Handle: s.createAccount},
		{Method: "GET", Path: "/accounts/{account}", Handle: pageOf(s.showAccount)},
		{Method: "POST", Path: "/accounts/{account}/rename", Handle: s.renameAccount},
		{Method: "GET", Path: "/accounts/{account}/members", Handle: pageOf(s.showMembers)},
		{Method: "POST", Path: "/accounts/{account}/members/{user}/role", Handle: s.changeRole},
		{Method: "POST", Path: "/accounts/{account}/members/{user}/remove", Handle: s.removeMember},
		{Method: "POST", Path: "/accounts/{account}/transfer-admin", Handle: s.transferAdmin},
		{Method: "GET", Path: "/accounts/{account}/invitations", Handle: pageOf(s.showAccountInvitations)},
		{Method: "POST", Path: "/accounts/{account}/invitations", Handle: s.invite},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/approve", Handle: s.approveInvitation},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/reject", Handle: s.rejectInvitation},
		{Method: "POST", Path: "/accounts/{account}/invitations/{inv}/revoke", Handle: s.revokeInvitation},
		{Method: "GET", Path: "/accounts/{account}/policies", Handle: pageOf(s.showPolicies)},
		{Method: "POST", Path: "/accounts/{account}/policies", Handle: s.savePolicies},
		{Method: "GET", Path: "/accounts/{account}/audit-log", Handle: s.auditLogPage},
		{Method: "GET", Path: "/accounts/{account}/billing", Handle: pageOf(s.showBilling)},
		{Method: "POST", Path: "/accounts/{account}/billing/deposits", Handle: s.deposit},
		{Method: "POST", Path: "/accounts/{account}/billing/balance-refund", Handle: s.refundBalance},
		{Method: "POST", Path: "/accounts/{account}/billing/cards", Handle: s.addCard},
		{Method: "POST", Path: "/accounts/{account}/billing/cards/{pm}/default", Handle: s.setDefaultCard},
		{Method: "POST", Path: "/accounts/{account}/billing/cards/{pm}/remove", Handle: s.removeCard},
		{Method: "POST", Path: "/accounts/{account}/billing/info", Handle: s.saveBillingInfo},
		{Method: "GET", Path: "/accounts/{account}/invoices", Handle: s.invoicesPage},
		{Method: "GET", Path: "/accounts/{account}/rewards", Handle: s.rewardsPage},
		{Method: "GET", Path: "/invoices/{invoice}", Handle: s.invoicePage},
		{Method: "GET", Path: "/invoices/{invoice}/pdf", Handle: s.invoicePDF},
		{Method: "GET", Path: "/credit-notes/{note}", Handle: s.creditNotePage},
		{Method: "GET", Path: "/credit-notes/{note}/pdf", Handle: s.creditNotePDF},
		{Method: "GET", Path: "/accounts/{account}/invoices.csv", Handle: s.invoicesCSV},

		{Method: "GET", Path: "/invitations", Handle: pageOf(s.showMyInvitations)},
		{Method: "GET", Path: "/invitations/{inv}", Handle: pageOf(s.showInvitation)},
		{Method: "POST", Path: "/invitations/{inv}/accept", Handle: s.acceptInvitation},
		{Method: "POST", Path: "/invitations/{inv}/decline", Handle: s.declineInvitation},

		{Method: "GET", Path: "/services", Public: true, Handle: s.searchPage},
		{Method: "GET", Path: "/services/{service}", Public: true, Handle: s.servicePage},
		{Method: "GET", Path: "/freelancers/{freelancer}", Public: true, Handle: s.freelancerPage},

		{Method: "GET", Path: "/sell", Handle: s.sellPage},
		{Method: "POST", Path: "/sell/profile", Handle: s.createProfile},
		{Method: "POST", Path: "/sell/profile/edit", Handle: s.updateProfile},
		{Method: "POST", Path: "/sell/pro", Handle: s.applyForPro},
		{Method: "POST", Path: "/sell/withdraw", Handle: s.withdraw},
		{Method: "POST", Path: "/sell/team", Handle: s.addTeamMember},
		{Method: "POST", Path: "/sell/team/{user}/remove", Handle: s.removeTeamMember},
		{Method: "GET", Path: "/sell/services/new", Handle: s.newServicePage},
		{Method: "POST", Path: "/sell/services", Handle: s.createService},
		{Method: "GET", Path: "/sell/services/{service}/edit", Handle: s.editServicePage},
		{Method: "POST", Path: "/sell/services/{service}", Handle: s.updateService},
		{Method: "POST", Path: "/sell/services/{service}/pause", Handle: s.pauseService},
		{Method: "POST", Path: "/sell/services/{service}/resume", Handle: s.resumeService},

		{Method: "POST", Path: "/services/{service}/orders", Handle: s.placeOrder},
		{Method: "GET", Path: "/orders", Handle: s.myOrdersPage},
		{Method: "GET", Path: "/orders/{order}", Handle: pageOf(s.showOrder)},
		{Method: "GET", Path: "/orders/{order}/files/{file}", Handle: s.orderFile},
		{Method: "POST", Path: "/orders/{order}/approve", Handle: s.approveOrder},
		{Method: "POST", Path: "/orders/{order}/reject", Handle: s.rejectOrder},
		{Method: "POST", Path: "/spend-approvals/{approval}/approve", Handle: s.approveSpend},
		{Method: "POST", Path: "/spend-approvals/{approval}/reject", Handle: s.rejectSpend},
		{Method: "POST", Path: "/orders/{order}/deliver", Handle: s.deliverOrder},
		{Method: "POST", Path: "/orders/{order}/accept", Handle: s.acceptOrder},
		{Method: "POST", Path: "/orders/{order}/revision", Handle: s.requestRevision},
		{Method: "POST", Path: "/orders/{order}/extend", Handle: s.extendReview},
		{Method: "POST", Path: "/orders/{order}/cancel", Handle: s.cancelOrder},
		{Method: "POST", Path: "/orders/{order}/messages", Handle: s.messageOrder},
		{Method: "POST", Path: "/orders/{order}/reviews", Handle: s.reviewOrder},
		{Method: "GET", Path: "/accounts/{account}/approvals", Handle: s.approvalsPage},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/deliver", Handle: s.deliverMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/approve", Handle: s.approveMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/{milestone}/revision", Handle: s.reviseMilestone},
		{Method: "POST", Path: "/orders/{order}/milestones/pay", Handle: s.payMilestone},
		{Method: "GET", Path: "/orders/{order}/stop", Handle: s.stopPage},
		{Method: "POST", Path: "/orders/{order}/stop", Handle: s.stopOrder},
		{Method: "POST", Path: "/orders/{order}/weekly-reports", Handle: s.fileReport},
		{Method: "POST", Path: "/orders/{order}/weekly-reports/{report}/dispute", Handle: s.disputeReport},
		{Method: "POST", Path: "/orders/{order}/hourly/pause", Handle: s.pauseHourly},
		{Method: "POST", Path: "/orders/{order}/hourly/resume", Handle: s.resumeHourly},
		{Method: "GET", Path: "/orders/{order}/hourly/end", Handle: s.endHourlyPage},
		{Method: "POST", Path: "/orders/{order}/hourly/end", Handle: s.endHourly},
		{Method: "POST", Path: "/orders/{order}/hourly/limit", Handle: s.setWeeklyLimit},
		{Method: "POST", Path: "/orders/{order}/hourly/retry-charge", Handle: s.retryCharge},

		{Method: "GET", Path: "/offers/new", Handle: s.newOfferPage},
		{Method: "POST", Path: "/offers", Handle: s.createOffer},
		{Method: "GET", Path: "/offers/{offer}", Handle: pageOf(s.showOffer)},
		{Method: "POST", Path: "/offers/{offer}/accept", Handle: s.acceptOffer},
		{Method: "POST", Path: "/offers/{offer}/decline", Handle: s.declineOffer},
		{Method: "POST", Path: "/offers/{offer}/withdraw", Handle: s.withdrawOffer},
		{Method: "GET", Path: "/sell/offers", Handle: s.sellOffersPage},
		{Method: "GET", Path: "/accounts/{account}/offers", Handle: s.accountOffersPage},

		{Method: "POST", Path: "/orders/{order}/internal-comments", Handle: s.addInternalComment},
		{Method: "POST", Path: "/orders/{order}/shares", Handle: s.shareOrder},
		{Method: "GET", Path: "/accounts/{account}/lists", Handle: pageOf(s.showAccountLists)},
		{Method: "POST", Path: "/accounts/{account}/lists", Handle: s.createList},
		{Method: "GET", Path: "/lists/save", Handle: s.saveToListPage},
		{Method: "POST", Path: "/lists/save", Handle: s.saveToList},
		{Method: "GET", Path: "/lists/{list}", Handle: pageOf(s.showList)},
		{Method: "POST", Path: "/lists/{list}/rename", Handle: s.renameList},
		{Method: "POST", Path: "/lists/{list}/delete", Handle: s.deleteList},
		{Method: "POST", Path: "/lists/{list}/items", Handle: s.addListItem},
		{Method: "POST", Path: "/lists/{list}/items/{item}/remove", Handle: s.removeListItem},
		{Method: "POST", Path: "/lists/{list}/shares", Handle: s.shareList},
		{Method: "POST", Path: "/lists/{list}/shares/{account}/revoke", Handle: s.revokeListShare},
		{Method: "GET", Path: "/accounts/{account}/network", Handle: pageOf(s.showNetwork)},
		{Method: "POST", Path: "/network/save", Handle: s.saveToNetworkForm},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/save", Handle: s.saveToNetwork},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/unsave", Handle: s.unsaveFromNetwork},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/internal-reviews", Handle: s.reviewInNetwork},
		{Method: "POST", Path: "/accounts/{account}/network/{freelancer}/rehire", Handle: s.rehire},
		{Method: "GET", Path: "/operator/pro-applications", Handle: pageOf(s.showProQueue)},
		{Method: "POST", Path: "/operator/pro-applications/{app}/approve", Handle: s.approvePro},
		{Method: "POST", Path: "/operator/pro-applications/{app}/reject", Handle: s.rejectPro},
	}
	list = append(list, s.resolutionRoutes()...)
	list = append(list, s.projectRoutes()...)
	return list
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
func (s *Server) serve(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := httpx.User(r)
		if !ok && !rt.Public {
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				// A form posted after the session ended: come back to the
				// page it was on, not to the action.
				next = "/"
				if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
					next = safeNext(ref.RequestURI())
				}
			}
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if err := rt.Handle(w, r, u); err != nil {
			s.fail(w, r, err)
		}
	}
}

// fileRoutes are the only pages that take files (multipart forms); they
// read them with postedFiles, within maxUpload.
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
				s.errorPage(w, r, http.StatusUnsupportedMediaType, i18n.T(lang, "error.files_not_taken"))
				return
			}
		} else if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.errorPage(w, r, http.StatusRequestEntityTooLarge, i18n.T(lang, "error.body_too_large", "max", "1 MiB"))
					return
				}
			}
		}
		field := httpx.BadValue(r.URL.Query())
		if field == "" && r.PostForm != nil {
			field = httpx.BadValue(r.PostForm)
		}
		if field != "" {
			s.errorPage(w, r, http.StatusUnprocessableEntity, i18n.T(lang, "error.text_invalid"))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// safeNext keeps a post-sign-in destination on this site: a local path, or
// the home page. Browsers drop tabs and newlines from a Location and read a
// backslash as a slash, so "/\t/evil.example" would leave the site: a
// destination with a control character or a backslash, raw or decoded, or
// whose path (decoded) starts with two slashes, or that names a scheme or
// host, is the home page.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if next == "" || len(next) > 2000 || err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	for _, s := range []string{next, u.Path, u.RawQuery, u.Fragment} {
		if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
			return "/"
		}
	}
	return next
}

// Fail answers a page request that failed before reaching its handler (the
// sessions could not be read): the error page.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }

// formError is a refusal of a posted form, with the page that shows the
// form again.
type formError struct {
	err  error
	redo func(f *form, status int) error
}

func (e *formError) Error() string { return e.err.Error() }
func (e *formError) Unwrap() error { return e.err }

// showAgain is what a form action returns when the domain refused err
// (nil: nothing was refused): fail shows the form again through redo, with
// the message next to its field or as an alert.
func showAgain(err error, redo func(f *form, status int) error) error {
	if err == nil {
		return nil
	}
	return &formError{err: err, redo: redo}
}

// fail answers a handler that returned err. A refusal tied to the input or
// the state of a form (showAgain) goes back to the form's page with the
// message inline (or as an alert) and the refusal's status; "not found" and
// "forbidden" get their own pages, as does any other refusal; anything else
// is a bug: logged, and a 500 page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var redo func(f *form, status int) error
	var fe *formError
	if errors.As(err, &fe) {
		err, redo = fe.err, fe.redo
	}
	lang := httpx.Lang(r)
	e, ok := errs.As(err)
	if !ok {
		s.Log.ErrorContext(r.Context(), "web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, httpx.Message(lang, err))
		return
	}
	status := httpx.Status(err)
	if e.Kind == errs.KindNotFound || e.Kind == errs.KindForbidden || redo == nil {
		s.errorPage(w, r, status, httpx.Message(lang, err))
		return
	}
	f := postedForm(r)
	if e.Field != "" {
		f.Errors[e.Field] = httpx.Message(lang, err)
	} else {
		f.Alert = httpx.Message(lang, err)
	}
	if err := redo(f, status); err != nil {
		s.fail(w, r, err) // the page itself failed: as it would have alone
	}
}

// done ends a successful POST: a flash message for the next page, then a
// 303 to it. args are pairs of placeholder name and value for the message.
func (s *Server) done(w http.ResponseWriter, r *http.Request, to, flashKey string, args ...string) {
	v := url.Values{"k": {flashKey}}
	for i := 0; i+1 < len(args); i += 2 {
		v.Add("a", args[i])
		v.Add("a", args[i+1])
	}
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(v.Encode())),
		Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// takeFlash reads the flash message left by the previous POST and clears
// it, so it shows once.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return ""
	}
	v, err := url.ParseQuery(string(raw))
	if err != nil || !strings.HasPrefix(v.Get("k"), "flash.") {
		return "" // only our own flash keys, never an arbitrary catalog entry
	}
	args := make([]any, 0, len(v["a"]))
	for _, a := range v["a"] {
		args = append(args, a)
	}
	return i18n.T(httpx.Lang(r), v.Get("k"), args...)
}

// cursor reads the page a list page shows (?cursor=), of size items.
func cursor(r *http.Request, size int) (page.Request, error) {
	p, err := page.Parse("", r.URL.Query().Get("cursor"))
	p.Limit = size
	return p, err
}
