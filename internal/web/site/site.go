// Package site is what every page of the web UI shares, below the areas
// that hold the pages (internal/web/accounts, billing, catalog, orders,
// collab, operator) and above the domain:
//
//   - Site: the domain services, the database and the logger the handlers
//     use, and the parsed templates;
//   - Route, Handler and FormPage: a row of the route table, and the
//     handler contract (see the web package);
//   - answering: Render and ErrorPage show a page, Done ends a successful
//     post (flash and 303), ShowAgain returns a refused form to be shown
//     again, Post and PageOf run a page of forms, Fail answers a handler's
//     error;
//   - View and Form: what every template receives, and its vocabulary;
//   - reading forms: ParseAmount, RequiredAmount, WholeNumber, Quantity,
//     AlertUnless, and Once with NewFormKey for forms that move money;
//   - reads several areas share: the account of the URL (Account), its
//     members (AllMembers), the approvals waiting for its admin
//     (PendingCount), the seller profile of the user (MyProfile) and the
//     projects an order may join (AttachableProjects).
//
// The templates and the stylesheet are embedded here (views.go): every
// page is parsed and checked once per process, before anyone visits.
package site

import (
	"encoding/base64"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/page"
	"atelier/internal/services"
	"atelier/internal/users"
)

// Site is the shared state of the pages. The areas' handlers are methods
// of types that embed it, so they call the domain (s.Orders…) and answer
// (s.Render…) alike.
type Site struct {
	services.Services
	DB  *db.DB // for reads with no domain service yet (notifications)
	Log *slog.Logger
	// HTTPS says users reach the site over https (a TLS proxy in front):
	// cookies are then Secure even though the request reached us in clear.
	HTTPS bool

	views *views
}

// ParseViews parses and checks every template (once per process: see
// parsedViews); a broken one is an error, a bug in the build.
func (s *Site) ParseViews() error {
	v, err := parsedViews()
	if err != nil {
		return err
	}
	s.views = v
	return nil
}

// Static is the stylesheet and scripts, served under /static/.
func Static() fs.FS {
	static, _ := fs.Sub(files, "static")
	return static
}

// Secure says whether cookies set in answer to r must be Secure.
func (s *Site) Secure(r *http.Request) bool { return s.HTTPS || r.TLS != nil }

// LangCookie holds the language a visitor chose with the language switch;
// httpx.Authenticate reads it.
const LangCookie = "atelier_lang"

const flashCookie = "atelier_flash"

// Route is one page or form action of the web UI.
type Route struct {
	Method string
	Path   string // with {name} parameters
	Public bool   // answers visitors without a session too; others go to the sign-in page
	Handle Handler
}

// Handler is a page or a form action. u is the signed-in user (none on a
// public route without a session). An error it returns is answered by
// Fail: a refusal with a form to show again comes from ShowAgain.
type Handler func(w http.ResponseWriter, r *http.Request, u users.User) error

// FormPage shows a page with forms: f and status are the refused form
// and its status when a post is shown again (ShowAgain), nil and 200 when
// the page is asked for.
type FormPage func(w http.ResponseWriter, r *http.Request, u users.User, f *Form, status int) error

// Post runs a form of a FormPage: act calls the domain; success goes to
// "to" with the flash, a refusal shows the page again (show) with the
// message next to the form that was sent.
func (s *Site) Post(w http.ResponseWriter, r *http.Request, u users.User, show FormPage, to, flash string, act func() error) error {
	if err := act(); err != nil {
		return ShowAgain(err, func(f *Form, status int) error { return show(w, r, u, f, status) })
	}
	s.Done(w, r, to, flash)
	return nil
}

// PageOf is the handler that shows a FormPage as it is asked for.
func PageOf(show FormPage) Handler {
	return func(w http.ResponseWriter, r *http.Request, u users.User) error {
		return show(w, r, u, nil, http.StatusOK)
	}
}

// SafeNext keeps a post-sign-in destination on this site: a local path, or
// the home page. Browsers drop tabs and newlines from a Location and read a
// backslash as a slash, so "/\t/evil.example" would leave the site: a
// destination with a control character or a backslash, raw or decoded, or
// whose path (decoded) starts with two slashes, or that names a scheme or
// host, is the home page.
func SafeNext(next string) string {
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

// formError is a refusal of a posted form, with the page that shows the
// form again.
type formError struct {
	err  error
	redo func(f *Form, status int) error
}

func (e *formError) Error() string { return e.err.Error() }

func (e *formError) Unwrap() error { return e.err }

// ShowAgain is what a form action returns when the domain refused err
// (nil: nothing was refused): Fail shows the form again through redo, with
// the message next to its field or as an alert.
func ShowAgain(err error, redo func(f *Form, status int) error) error {
	if err == nil {
		return nil
	}
	return &formError{err: err, redo: redo}
}

// RowAgain is the redo (ShowAgain) of a form posted from one row of a
// page's table or list: the page (show) again, the refusal on that row
// (target).
func RowAgain(w http.ResponseWriter, r *http.Request, u users.User, show FormPage, target string) func(f *Form, status int) error {
	return func(f *Form, status int) error {
		f.Target = target
		return show(w, r, u, f, status)
	}
}

// Fail answers a handler that returned err. A refusal tied to the input or
// the state of a form (ShowAgain) goes back to the form's page with the
// message inline (or as an alert) and the refusal's status; "not found" and
// "forbidden" get their own pages, as does any other refusal — but an
// account that requires two-factor sign-in sends a member without it to
// turn it on; anything else is a bug: logged, and a 500 page.
func (s *Site) Fail(w http.ResponseWriter, r *http.Request, err error) {
	var redo func(f *Form, status int) error
	var fe *formError
	if errors.As(err, &fe) {
		err, redo = fe.err, fe.redo
	}
	lang := httpx.Lang(r)
	e, ok := errs.As(err)
	if !ok {
		s.Log.ErrorContext(r.Context(), "web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.ErrorPage(w, r, http.StatusInternalServerError, httpx.Message(lang, err))
		return
	}
	if errors.Is(err, accounts.ErrTwoFactorRequired) {
		s.toTwoFactor(w, r)
		return
	}
	status := httpx.Status(err)
	if e.Kind == errs.KindNotFound || e.Kind == errs.KindForbidden || redo == nil {
		s.ErrorPage(w, r, status, httpx.Message(lang, err))
		return
	}
	f := PostedForm(r)
	if e.Field != "" {
		f.Errors[e.Field] = httpx.Message(lang, err)
	} else {
		f.Alert = httpx.Message(lang, err)
	}
	if err := redo(f, status); err != nil {
		s.Fail(w, r, err) // the page itself failed: as it would have alone
	}
}

// toTwoFactor sends a member of an account that requires two-factor
// sign-in, who has not turned it on, to turn it on, then back to the page
// they asked for (a form's page, for a post).
func (s *Site) toTwoFactor(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = "/"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			next = ref.RequestURI()
		}
	}
	s.Done(w, r, "/settings/two-factor?next="+url.QueryEscape(SafeNext(next)), "flash.notice.two_factor_required_by_account")
}

// Done ends a successful POST: a flash message for the next page, then a
// 303 to it. args are pairs of placeholder name and value for the message.
func (s *Site) Done(w http.ResponseWriter, r *http.Request, to, flashKey string, args ...string) {
	v := url.Values{"k": {flashKey}}
	for i := 0; i+1 < len(args); i += 2 {
		v.Add("a", args[i])
		v.Add("a", args[i+1])
	}
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(v.Encode())),
		Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Secure(r),
	})
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// noticePrefix marks the flash messages that tell what to do rather than
// what was done: they show in the information style.
const noticePrefix = "flash.notice."

// takeFlash reads the flash message left by the previous POST and clears
// it, so it shows once; notice tells a message of noticePrefix.
func takeFlash(w http.ResponseWriter, r *http.Request) (text string, notice bool) {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return "", false
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return "", false
	}
	v, err := url.ParseQuery(string(raw))
	if err != nil || !strings.HasPrefix(v.Get("k"), "flash.") {
		return "", false // only our own flash keys, never an arbitrary catalog entry
	}
	args := make([]any, 0, len(v["a"]))
	for _, a := range v["a"] {
		args = append(args, a)
	}
	return i18n.T(httpx.Lang(r), v.Get("k"), args...), strings.HasPrefix(v.Get("k"), noticePrefix)
}

// Cursor reads the page a list page shows (?cursor=), of size items.
func Cursor(r *http.Request, size int) (page.Request, error) {
	p, err := page.Parse("", r.URL.Query().Get("cursor"))
	p.Limit = size
	return p, err
}
