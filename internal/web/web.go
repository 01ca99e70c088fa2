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

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/dashboard"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/lists"
	"atelier/internal/network"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// Server serves the web pages.
type Server struct {
	Users     *users.Service
	Accounts  *accounts.Service
	Catalog   *catalog.Service
	Billing   *billing.Service
	Orders    *orders.Service
	Projects  *projects.Service
	Dashboard *dashboard.Service
	Lists     *lists.Service
	Network   *network.Service
	DB        *db.DB // for reads with no domain service yet (notifications)
	Log       *slog.Logger
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
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /signup", s.signUpPage)
	mux.HandleFunc("POST /signup", s.signUp)
	mux.HandleFunc("GET /signin", s.signInPage)
	mux.HandleFunc("POST /signin", s.signIn)
	mux.HandleFunc("POST /signout", s.signOut)
	mux.HandleFunc("POST /lang", s.setLanguage)
	mux.HandleFunc("GET /settings", s.auth(s.settingsPage))
	mux.HandleFunc("POST /settings", s.auth(s.saveSettings))

	mux.HandleFunc("GET /accounts", s.auth(s.accountList))
	mux.HandleFunc("GET /accounts/new", s.auth(s.newAccountPage))
	mux.HandleFunc("POST /accounts", s.auth(s.createAccount))
	mux.HandleFunc("GET /accounts/{account}", s.auth(s.accountPage))
	mux.HandleFunc("POST /accounts/{account}/rename", s.auth(s.renameAccount))
	mux.HandleFunc("GET /accounts/{account}/members", s.auth(s.membersPage))
	mux.HandleFunc("POST /accounts/{account}/members/{user}/role", s.auth(s.changeRole))
	mux.HandleFunc("POST /accounts/{account}/members/{user}/remove", s.auth(s.removeMember))
	mux.HandleFunc("POST /accounts/{account}/transfer-admin", s.auth(s.transferAdmin))
	mux.HandleFunc("GET /accounts/{account}/invitations", s.auth(s.accountInvitationsPage))
	mux.HandleFunc("POST /accounts/{account}/invitations", s.auth(s.invite))
	mux.HandleFunc("POST /accounts/{account}/invitations/{inv}/approve", s.auth(s.approveInvitation))
	mux.HandleFunc("POST /accounts/{account}/invitations/{inv}/reject", s.auth(s.rejectInvitation))
	mux.HandleFunc("POST /accounts/{account}/invitations/{inv}/revoke", s.auth(s.revokeInvitation))
	mux.HandleFunc("GET /accounts/{account}/policies", s.auth(s.policiesPage))
	mux.HandleFunc("POST /accounts/{account}/policies", s.auth(s.savePolicies))
	mux.HandleFunc("GET /accounts/{account}/audit-log", s.auth(s.auditLogPage))
	mux.HandleFunc("GET /accounts/{account}/billing", s.auth(s.billingPage))
	mux.HandleFunc("POST /accounts/{account}/billing/deposits", s.auth(s.deposit))
	mux.HandleFunc("POST /accounts/{account}/billing/balance-refund", s.auth(s.refundBalance))
	mux.HandleFunc("POST /accounts/{account}/billing/cards", s.auth(s.addCard))
	mux.HandleFunc("POST /accounts/{account}/billing/cards/{pm}/default", s.auth(s.setDefaultCard))
	mux.HandleFunc("POST /accounts/{account}/billing/cards/{pm}/remove", s.auth(s.removeCard))
	mux.HandleFunc("POST /accounts/{account}/billing/info", s.auth(s.saveBillingInfo))
	mux.HandleFunc("GET /accounts/{account}/invoices", s.auth(s.invoicesPage))
	mux.HandleFunc("GET /accounts/{account}/rewards", s.auth(s.rewardsPage))
	mux.HandleFunc("GET /invoices/{invoice}", s.auth(s.invoicePage))
	mux.HandleFunc("GET /invoices/{invoice}/pdf", s.auth(s.invoicePDF))
	mux.HandleFunc("GET /credit-notes/{note}", s.auth(s.creditNotePage))
	mux.HandleFunc("GET /credit-notes/{note}/pdf", s.auth(s.creditNotePDF))
	mux.HandleFunc("GET /accounts/{account}/invoices.csv", s.auth(s.invoicesCSV))

	mux.HandleFunc("GET /invitations", s.auth(s.myInvitationsPage))
	mux.HandleFunc("GET /invitations/{inv}", s.auth(s.invitationPage))
	mux.HandleFunc("POST /invitations/{inv}/accept", s.auth(s.acceptInvitation))
	mux.HandleFunc("POST /invitations/{inv}/decline", s.auth(s.declineInvitation))

	mux.HandleFunc("GET /services", s.searchPage)
	mux.HandleFunc("GET /services/{service}", s.servicePage)
	mux.HandleFunc("GET /freelancers/{freelancer}", s.freelancerPage)

	mux.HandleFunc("GET /sell", s.auth(s.sellPage))
	mux.HandleFunc("POST /sell/profile", s.auth(s.createProfile))
	mux.HandleFunc("POST /sell/profile/edit", s.auth(s.updateProfile))
	mux.HandleFunc("POST /sell/pro", s.auth(s.applyForPro))
	mux.HandleFunc("POST /sell/withdraw", s.auth(s.withdraw))
	mux.HandleFunc("POST /sell/team", s.auth(s.addTeamMember))
	mux.HandleFunc("POST /sell/team/{user}/remove", s.auth(s.removeTeamMember))
	mux.HandleFunc("GET /sell/services/new", s.auth(s.newServicePage))
	mux.HandleFunc("POST /sell/services", s.auth(s.createService))
	mux.HandleFunc("GET /sell/services/{service}/edit", s.auth(s.editServicePage))
	mux.HandleFunc("POST /sell/services/{service}", s.auth(s.updateService))
	mux.HandleFunc("POST /sell/services/{service}/pause", s.auth(s.pauseService))
	mux.HandleFunc("POST /sell/services/{service}/resume", s.auth(s.resumeService))

	mux.HandleFunc("POST /services/{service}/orders", s.auth(s.placeOrder))
	mux.HandleFunc("GET /orders", s.auth(s.myOrdersPage))
	mux.HandleFunc("GET /orders/{order}", s.auth(s.orderPage))
	mux.HandleFunc("GET /orders/{order}/files/{file}", s.auth(s.orderFile))
	mux.HandleFunc("POST /orders/{order}/approve", s.auth(s.approveOrder))
	mux.HandleFunc("POST /orders/{order}/reject", s.auth(s.rejectOrder))
	mux.HandleFunc("POST /spend-approvals/{approval}/approve", s.auth(s.approveSpend))
	mux.HandleFunc("POST /spend-approvals/{approval}/reject", s.auth(s.rejectSpend))
	mux.HandleFunc("POST /orders/{order}/deliver", s.auth(s.deliverOrder))
	mux.HandleFunc("POST /orders/{order}/accept", s.auth(s.acceptOrder))
	mux.HandleFunc("POST /orders/{order}/revision", s.auth(s.requestRevision))
	mux.HandleFunc("POST /orders/{order}/extend", s.auth(s.extendReview))
	mux.HandleFunc("POST /orders/{order}/cancel", s.auth(s.cancelOrder))
	mux.HandleFunc("POST /orders/{order}/messages", s.auth(s.messageOrder))
	mux.HandleFunc("POST /orders/{order}/reviews", s.auth(s.reviewOrder))
	mux.HandleFunc("GET /accounts/{account}/approvals", s.auth(s.approvalsPage))
	mux.HandleFunc("POST /orders/{order}/milestones/{milestone}/deliver", s.auth(s.deliverMilestone))
	mux.HandleFunc("POST /orders/{order}/milestones/{milestone}/approve", s.auth(s.approveMilestone))
	mux.HandleFunc("POST /orders/{order}/milestones/{milestone}/revision", s.auth(s.reviseMilestone))
	mux.HandleFunc("POST /orders/{order}/milestones/pay", s.auth(s.payMilestone))
	mux.HandleFunc("GET /orders/{order}/stop", s.auth(s.stopPage))
	mux.HandleFunc("POST /orders/{order}/stop", s.auth(s.stopOrder))
	mux.HandleFunc("POST /orders/{order}/weekly-reports", s.auth(s.fileReport))
	mux.HandleFunc("POST /orders/{order}/weekly-reports/{report}/dispute", s.auth(s.disputeReport))
	mux.HandleFunc("POST /orders/{order}/hourly/pause", s.auth(s.pauseHourly))
	mux.HandleFunc("POST /orders/{order}/hourly/resume", s.auth(s.resumeHourly))
	mux.HandleFunc("GET /orders/{order}/hourly/end", s.auth(s.endHourlyPage))
	mux.HandleFunc("POST /orders/{order}/hourly/end", s.auth(s.endHourly))
	mux.HandleFunc("POST /orders/{order}/hourly/limit", s.auth(s.setWeeklyLimit))
	mux.HandleFunc("POST /orders/{order}/hourly/retry-charge", s.auth(s.retryCharge))

	mux.HandleFunc("GET /offers/new", s.auth(s.newOfferPage))
	mux.HandleFunc("POST /offers", s.auth(s.createOffer))
	mux.HandleFunc("GET /offers/{offer}", s.auth(s.offerPage))
	mux.HandleFunc("POST /offers/{offer}/accept", s.auth(s.acceptOffer))
	mux.HandleFunc("POST /offers/{offer}/decline", s.auth(s.declineOffer))
	mux.HandleFunc("POST /offers/{offer}/withdraw", s.auth(s.withdrawOffer))
	mux.HandleFunc("GET /sell/offers", s.auth(s.sellOffersPage))
	mux.HandleFunc("GET /accounts/{account}/offers", s.auth(s.accountOffersPage))

	mux.HandleFunc("POST /orders/{order}/internal-comments", s.auth(s.addInternalComment))
	mux.HandleFunc("POST /orders/{order}/shares", s.auth(s.shareOrder))
	mux.HandleFunc("GET /accounts/{account}/lists", s.auth(s.accountListsPage))
	mux.HandleFunc("POST /accounts/{account}/lists", s.auth(s.createList))
	mux.HandleFunc("GET /lists/save", s.auth(s.saveToListPage))
	mux.HandleFunc("POST /lists/save", s.auth(s.saveToList))
	mux.HandleFunc("GET /lists/{list}", s.auth(s.listPage))
	mux.HandleFunc("POST /lists/{list}/rename", s.auth(s.renameList))
	mux.HandleFunc("POST /lists/{list}/delete", s.auth(s.deleteList))
	mux.HandleFunc("POST /lists/{list}/items", s.auth(s.addListItem))
	mux.HandleFunc("POST /lists/{list}/items/{item}/remove", s.auth(s.removeListItem))
	mux.HandleFunc("POST /lists/{list}/shares", s.auth(s.shareList))
	mux.HandleFunc("POST /lists/{list}/shares/{account}/revoke", s.auth(s.revokeListShare))
	mux.HandleFunc("GET /accounts/{account}/network", s.auth(s.networkPage))
	mux.HandleFunc("POST /network/save", s.auth(s.saveToNetworkForm))
	mux.HandleFunc("POST /accounts/{account}/network/{freelancer}/save", s.auth(s.saveToNetwork))
	mux.HandleFunc("POST /accounts/{account}/network/{freelancer}/unsave", s.auth(s.unsaveFromNetwork))
	mux.HandleFunc("POST /accounts/{account}/network/{freelancer}/internal-reviews", s.auth(s.reviewInNetwork))
	mux.HandleFunc("POST /accounts/{account}/network/{freelancer}/rehire", s.auth(s.rehire))

	s.resolutionRoutes(mux)
	s.projectRoutes(mux)
	mux.HandleFunc("GET /operator/pro-applications", s.auth(s.proQueuePage))
	mux.HandleFunc("POST /operator/pro-applications/{app}/approve", s.auth(s.approvePro))
	mux.HandleFunc("POST /operator/pro-applications/{app}/reject", s.auth(s.rejectPro))

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

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// auth wraps a handler that needs a signed-in user: a visitor without a
// session goes to the sign-in page and comes back afterwards.
func (s *Server) auth(h func(w http.ResponseWriter, r *http.Request, u users.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := httpx.User(r)
		if !ok {
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
		h(w, r, u)
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
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err, nil) }

// fail answers a domain call that returned err. A refusal tied to the input
// or the state goes back to the page through redo with the message inline
// (or as an alert) and the refusal's status; "not found" and "forbidden" get
// their own pages; anything else is a bug: logged, and a 500 page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, redo func(f *form, status int)) {
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
	redo(f, status)
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

// cursor reads the page a list page shows (?cursor=), of size items; a bad
// cursor is answered for the caller.
func (s *Server) cursor(w http.ResponseWriter, r *http.Request, size int) (page.Request, bool) {
	p, err := page.Parse("", r.URL.Query().Get("cursor"))
	if err != nil {
		s.fail(w, r, err, nil)
		return p, false
	}
	p.Limit = size
	return p, true
}
