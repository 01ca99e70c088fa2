package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/users"
)

//go:embed templates static
var files embed.FS

// views holds one parsed template set per page: the layout and the shared
// partials, plus that page's "content".
type views struct {
	pages map[string]*template.Template
}

// parsedViews is loadViews, once per process: the templates are embedded,
// and a parsed template set is safe to execute from many servers at once
// (tests start hundreds; each parse took 20 ms).
var parsedViews = sync.OnceValues(loadViews)

// loadViews parses every page and checks, before anyone visits, that each
// one defines what the layout needs and that every {{template}} it calls
// exists — html/template would only notice at run time.
func loadViews() (*views, error) {
	base, err := template.New("").ParseFS(files, "templates/layout/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		t, err := template.Must(base.Clone()).ParseFS(files, p)
		if err != nil {
			return nil, err
		}
		for _, need := range []string{"layout", "content"} {
			if t.Lookup(need) == nil {
				return nil, fmt.Errorf("page %s: no template %q", name, need)
			}
		}
		for _, tt := range t.Templates() {
			if tt.Tree == nil {
				continue
			}
			if missing := missingTemplate(t, tt.Tree.Root); missing != "" {
				return nil, fmt.Errorf("page %s: template %q calls undefined template %q", name, tt.Name(), missing)
			}
		}
		v.pages[name] = t
	}
	return v, nil
}

// missingTemplate walks a parse tree and returns the first {{template}}
// call whose target is not defined in t.
func missingTemplate(t *template.Template, n parse.Node) string {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return ""
		}
		for _, c := range n.Nodes {
			if m := missingTemplate(t, c); m != "" {
				return m
			}
		}
	case *parse.TemplateNode:
		if t.Lookup(n.Name) == nil {
			return n.Name
		}
	case *parse.IfNode:
		return firstOf(missingTemplate(t, n.List), missingTemplate(t, n.ElseList))
	case *parse.RangeNode:
		return firstOf(missingTemplate(t, n.List), missingTemplate(t, n.ElseList))
	case *parse.WithNode:
		return firstOf(missingTemplate(t, n.List), missingTemplate(t, n.ElseList))
	}
	return ""
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// View is what every page template receives: the request's language and
// user, the flash message, the posted form (with its errors), and the page's
// own Data. Its methods are the template's vocabulary: T translates, Date
// and Money format for the language.
type View struct {
	Lang        string
	User        *users.User
	Path        string // the current URL, where the language switch returns
	Nav         string // the active item of the main navigation
	Title       string // the page title, translated
	Flash       string
	FlashNotice bool // the flash tells what to do (information style), not what was done
	Form        *Form
	Account     *accounts.Account // set on an account's pages, for its tabs
	Tab         string
	// Approvals counts the account's orders waiting for its admin (shown
	// to the admin on the account's tabs); ApprovalsMore: more than that.
	Approvals     int
	ApprovalsMore bool
	Status        int    // on error pages
	Message       string // on error pages
	Data          any
}

// Render writes a page with status.
func (s *Site) Render(w http.ResponseWriter, r *http.Request, status int, page string, v *View) {
	t, ok := s.views.pages[page]
	if !ok {
		s.Log.Error("web: no such page", "page", page)
		http.Error(w, i18n.T(httpx.Lang(r), "error.internal"), http.StatusInternalServerError)
		return
	}
	v.Lang = httpx.Lang(r)
	if u, ok := httpx.User(r); ok {
		v.User = &u
		if v.Account != nil {
			n, more, err := s.PendingCount(r, u, *v.Account)
			if err != nil {
				s.Log.Error("web: counting approvals failed", "err", err)
			}
			v.Approvals, v.ApprovalsMore = n, more
		}
	}
	v.Path = r.URL.RequestURI()
	if r.Method != http.MethodGet {
		// A form shown again after a refused post: the language switch
		// goes back to the page of the form, not to its action.
		v.Path = "/"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			v.Path = SafeNext(ref.RequestURI())
		}
	}
	if v.Form == nil {
		v.Form = &Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	// The flash is for the page a person goes to, not for a page a script
	// fetches meanwhile (the service page's fee breakdown, fetched as the
	// quantity changes, took the "order placed" message of the order page
	// it was racing). Browsers say which is which; other clients say
	// nothing and get the flash.
	if mode := r.Header.Get("Sec-Fetch-Mode"); status < 400 && (mode == "" || mode == "navigate") {
		v.Flash, v.FlashNotice = takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.Log.Error("web: render failed", "page", page, "err", err)
		http.Error(w, i18n.T(v.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// ErrorPage shows a refusal or failure on a page of its own.
func (s *Site) ErrorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.Render(w, r, status, "error", &View{Status: status, Message: msg, Title: i18n.T(httpx.Lang(r), "error.title."+statusKey(status))})
}

func statusKey(status int) string {
	switch status {
	case http.StatusNotFound:
		return "not_found"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusInternalServerError:
		return "internal"
	}
	return "other"
}

// T translates a message key; args are pairs of placeholder and value.
func (v *View) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// HTML translates a key whose message is trusted markup from the catalog.
func (v *View) HTML(key string) template.HTML { return template.HTML(i18n.T(v.Lang, key)) }

// Date formats a time for the language, always in UTC:
// "Nov 27, 2026 14:05 UTC" or "27 nov. 2026 14:05 UTC".
func (v *View) Date(t time.Time) string { return formatDate(v.Lang, t) }

// Day formats the date alone: "Nov 27, 2026" or "27 nov. 2026".
func (v *View) Day(t time.Time) string { return formatDay(v.Lang, t) }

// Money formats an amount with its currency for the language.
func (v *View) Money(m money.Money) string { return m.Format(v.Lang) }

// Role names a role.
func (v *View) Role(r accounts.Role) string { return i18n.T(v.Lang, "role."+string(r)) }

// Status names an invitation status.
func (v *View) InvitationStatus(s string) string { return i18n.T(v.Lang, "invitation.status."+s) }

// Level names a rewards level.
func (v *View) Level(l string) string { return i18n.T(v.Lang, "rewards.level."+l) }

// Card names a saved card: "Visa •••• 4242".
func (v *View) Card(m billing.PaymentMethod) string { return CardLabel(m) }

// Brand names a card brand as its owner writes it.
func (v *View) Brand(b string) string { return brandName(b) }

// Expiry is a card's expiry date as printed on it: "12/34".
func (v *View) Expiry(m billing.PaymentMethod) string {
	return fmt.Sprintf("%02d/%02d", m.ExpMonth, m.ExpYear%100)
}

// PercentBP formats a rate in basis points for the language: "5.5%" or
// "5,5 %".
func (v *View) PercentBP(bp int) string {
	s := strconv.Itoa(bp / 100)
	if frac := bp % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return percent(v.Lang, s)
}

// Percent formats a percentage for the language: "3%" or "3 %".
func (v *View) Percent(p float64) string {
	return percent(v.Lang, strconv.FormatFloat(p, 'f', -1, 64))
}

func percent(lang, n string) string {
	if strings.HasPrefix(lang, "fr") {
		return strings.Replace(n, ".", ",", 1) + "\u00a0%"
	}
	return n + "%"
}

// PaidWith writes how an invoice was paid; a card as the billing pages
// name it ("Visa •••• 4242").
func (v *View) PaidWith(s string) string {
	if strings.Contains(s, "••••") {
		return CardText(s)
	}
	return s
}

// InvoiceKind names what an invoice charged: a deposit, an order…
func (v *View) InvoiceKind(k string) string { return i18n.T(v.Lang, "invoice.kind."+k) }

// brandName writes a card brand as its owner does; an unknown brand is
// shown as the provider gave it.
func brandName(b string) string {
	switch strings.ToLower(b) {
	case "visa":
		return "Visa"
	case "mastercard":
		return "Mastercard"
	case "amex":
		return "American Express"
	case "discover":
		return "Discover"
	}
	return b
}

// Can reports whether the viewer's role in the current account allows a,
// by the domain's own table; it only decides what to show, never what is
// allowed.
func (v *View) Can(a string) bool {
	return v.Account != nil && v.Account.Role.Can(accounts.Action(a))
}

// IsMe reports whether a user id is the signed-in user.
func (v *View) IsMe(id string) bool { return v.User != nil && v.User.ID == id }

// Field describes one form field for the "field" partial: its translated
// label, the value to show again and its inline error.
func (v *View) Field(name, labelKey, typ string) field {
	return field{
		lang: v.Lang, Name: name, ID: "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(name), Type: typ,
		Label: i18n.T(v.Lang, labelKey), Value: v.Form.Value(name), Error: v.Form.Errors[name],
	}
}

// Check describes a checkbox with its help text for the "checkbox"
// partial: value is what it sends when ticked; it is ticked when the
// form has a value for it.
func (v *View) Check(name, labelKey, hintKey, value string) field {
	f := v.Field(name, labelKey, "checkbox").WithHint(hintKey)
	f.Checked = f.Value != ""
	f.Value = value
	return f
}

// field is one input of the "field" partial. Its methods return a changed
// copy, so a template can chain them: ($.Field "email" "x" "email").Auto "email".
type field struct {
	lang                                string
	Name, ID, Type, Label, Value, Error string
	Hint, Auto, Placeholder, Mode       string
	Disabled                            bool
	Checked                             bool // a checkbox's (Check)
}

// WithHint adds a translated help text under the label.
func (f field) WithHint(key string, args ...any) field {
	f.Hint = i18n.T(f.lang, key, args...)
	return f
}

// WithValue sets the value shown when nothing was posted.
func (f field) WithValue(v string) field { f.Value = v; return f }

// WithAuto sets the autocomplete token.
func (f field) WithAuto(token string) field { f.Auto = token; return f }

// WithPlaceholder sets an example value.
func (f field) WithPlaceholder(p string) field { f.Placeholder = p; return f }

// WithMode sets the inputmode (e.g. "decimal" for amounts).
func (f field) WithMode(m string) field { f.Mode = m; return f }

// WithDisabled shows the field read-only when off is true.
func (f field) WithDisabled(off bool) field { f.Disabled = off; return f }

// sub hands a partial the view (V) and a value of its own (D).
type sub struct {
	V *View
	D any
}

// With pairs the view with a value for a partial.
func (v *View) With(d any) sub { return sub{V: v, D: d} }

// Queue pairs the view with an operators' queue, for the "operator_queue"
// partial: its name (the operator.<name>.* messages) and, when it is
// split by status, the path its status tabs link to.
func (v *View) Queue(name, path string) sub {
	return sub{V: v, D: struct{ Name, Path string }{name, path}}
}

// Keys pairs the view with message keys, for the "empty" partial.
func (v *View) Keys(keys ...string) sub { return sub{V: v, D: keys} }

// Form is a posted form shown again: the values a person typed, and the
// messages of what was wrong, by field name, or as one alert.
type Form struct {
	Values url.Values
	Errors map[string]string
	Alert  string
	// Target is the row (invitation or member id) the form was posted for,
	// so an error lands on that row of a table.
	Target string
}

func PostedForm(r *http.Request) *Form {
	f := &Form{Values: url.Values{}, Errors: map[string]string{}}
	if r.PostForm != nil {
		f.Values = r.PostForm
	}
	f.Target = firstOf(r.PathValue("inv"), r.PathValue("user"))
	return f
}

// Value returns what was typed in a field.
func (f *Form) Value(name string) string { return f.Values.Get(name) }

// Error returns the message of a field.
func (f *Form) Error(name string) string { return f.Errors[name] }

// ErrorFor returns the message of a field of one table row.
func (f *Form) ErrorFor(target, name string) string {
	if f.Target != target {
		return ""
	}
	return f.Errors[name]
}

// AlertFor returns the alert of one table row.
func (f *Form) AlertFor(target string) string {
	if f.Target != target {
		return ""
	}
	return f.Alert
}

// months are the catalog keys of the short month names.
func formatDay(lang string, t time.Time) string { return i18n.Day(lang, t) }

func formatDate(lang string, t time.Time) string { return i18n.DateTime(lang, t) }
