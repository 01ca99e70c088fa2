package accounts

import (
	"cmp"
	"net/http"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/dashboard"
	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

type authData struct {
	Next string
}

func (s *pages) signUpPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	return s.authPage(w, r, "signup")
}

// sentData is the page that asks a person to open the e-mail sent to
// them: after signing up, and after asking for a password reset.
type sentData struct {
	Email string
	Next  string
}

// signUp registers the person and asks them to open the link e-mailed to
// them — the same answer whether or not the address had an account (its
// owner is e-mailed the way to reset their password instead). They sign in
// once they want to: before the link, they may look around and set up.
func (s *pages) signUp(w http.ResponseWriter, r *http.Request, _ users.User) error {
	r.ParseForm()
	in := users.NewUser{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Password: r.PostFormValue("password")}
	u, err := s.Users.SignUp(r.Context(), in)
	if err != nil {
		return site.ShowAgain(err, s.authAgain(w, r, "signup"))
	}
	s.Render(w, r, http.StatusOK, "signup_sent", &site.View{Nav: "signup", Title: i18n.T(httpx.Lang(r), "signup_sent.title"),
		Data: sentData{Email: u.Email, Next: site.SafeNext(r.PostFormValue("next"))}})
	return nil
}

func (s *pages) signInPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	return s.authPage(w, r, "signin")
}

// signIn checks the password; a person who uses two-factor sign-in is
// then asked for their code on a page of its own (signInCode), without
// typing the password again.
func (s *pages) signIn(w http.ResponseWriter, r *http.Request, _ users.User) error {
	r.ParseForm()
	st, err := s.Users.BeginSignIn(r.Context(), users.Credentials{Email: r.PostFormValue("email"), Password: r.PostFormValue("password")},
		users.WebSession, httpx.ClientOf(r))
	if err != nil {
		return site.ShowAgain(err, s.authAgain(w, r, "signin"))
	}
	if st.Challenge != "" {
		return s.showSignInCode(w, r, st.Challenge, nil, http.StatusOK)
	}
	s.setSession(w, r, st.Token)
	s.Done(w, r, site.SafeNext(r.PostFormValue("next")), "flash.signed_in")
	return nil
}

// authPage shows the sign-up or sign-in page (page is "signup" or
// "signin"); a person already signed in goes on to where they were going.
func (s *pages) authPage(w http.ResponseWriter, r *http.Request, page string) error {
	if _, ok := httpx.User(r); ok {
		http.Redirect(w, r, site.SafeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.showAuth(w, r, page, nil, http.StatusOK)
}

// showAuth renders the sign-up or sign-in page, with the form f posted
// to it shown again when it was refused.
func (s *pages) showAuth(w http.ResponseWriter, r *http.Request, page string, f *site.Form, status int) error {
	next := site.SafeNext(cmp.Or(r.FormValue("next"), r.URL.Query().Get("next")))
	s.Render(w, r, status, page, &site.View{Nav: page, Title: i18n.T(httpx.Lang(r), page+".title"), Form: f, Data: authData{Next: next}})
	return nil
}

// authAgain shows the sign-up or sign-in form again after a refusal,
// without the password typed.
func (s *pages) authAgain(w http.ResponseWriter, r *http.Request, page string) func(f *site.Form, status int) error {
	return func(f *site.Form, status int) error {
		f.Values.Del("password")
		return s.showAuth(w, r, page, f, status)
	}
}

// setSession gives the browser the session cookie of token.
func (s *pages) setSession(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: httpx.CookieName, Value: token, Path: "/",
		// The browser keeps the cookie by its own clock (MaxAge first);
		// the session's own expiry is the server's (users).
		Expires: time.Now().Add(users.SessionLifetime), MaxAge: int(users.SessionLifetime.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Secure(r),
	})
}

// clearSession tells the browser to forget its session cookie.
func (s *pages) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: httpx.CookieName, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Secure(r)})
}

func (s *pages) signOut(w http.ResponseWriter, r *http.Request, _ users.User) error {
	if tok := httpx.SessionToken(r); tok != "" {
		if err := s.Users.SignOut(r.Context(), tok); err != nil {
			return err
		}
	}
	s.clearSession(w, r)
	s.Done(w, r, "/", "flash.signed_out")
	return nil
}

// setLanguage remembers the chosen language in a cookie and goes back to
// the page the switch was on.
func (s *pages) setLanguage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	lang := i18n.Supported(r.PostFormValue("lang"))
	if u, ok := httpx.User(r); ok {
		if _, err := s.Users.SetLocale(r.Context(), u, lang); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: site.LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Secure(r),
	})
	http.Redirect(w, r, site.SafeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

type homeData struct {
	Accounts      []accounts.Account
	Invitations   []accounts.Invitation
	Notifications []notice
	Recent        []catalog.Freelancer
	// Approvals are the accounts whose admin has orders to approve.
	Approvals []pendingApprovals
	// Dash is the rest of the dashboard: active orders and projects, the
	// spend chart and rewards of one account (internal/dashboard).
	Dash dashboard.Dashboard
}

type pendingApprovals struct {
	Account accounts.Account
	Count   int
	More    bool
}

// notice is an in-app notification ready to show.
type notice struct {
	Text string
	Link string
	At   time.Time
	Read bool
}

// home is the landing page for visitors and the dashboard for users.
func (s *pages) home(w http.ResponseWriter, r *http.Request, _ users.User) error {
	lang := httpx.Lang(r)
	u, ok := httpx.User(r)
	if !ok {
		s.Render(w, r, http.StatusOK, "landing", &site.View{Nav: "home", Title: i18n.T(lang, "landing.title")})
		return nil
	}
	ctx := r.Context()
	list, err := s.Accounts.ForUser(ctx, u)
	if err != nil {
		return err
	}
	invs, err := s.Accounts.MyInvitations(ctx, u, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	var notes []notice
	if s.DB != nil {
		ns, err := s.Notify.List(ctx, u.ID, page.Request{Limit: 10})
		if err != nil {
			return err
		}
		for _, n := range ns.Items {
			notes = append(notes, notice{Text: noticeText(lang, n), Link: n.Link, At: n.CreatedAt, Read: n.Read})
		}
	}
	recent, err := s.Catalog.RecentlyViewed(ctx, u, site.RecentShown)
	if err != nil {
		return err
	}
	var approvals []pendingApprovals
	for _, a := range list {
		n, more, err := s.PendingCount(r, u, a)
		if err != nil {
			return err
		}
		if n > 0 {
			approvals = append(approvals, pendingApprovals{Account: a, Count: n, More: more})
		}
	}
	var dash dashboard.Dashboard
	if s.Dashboard != nil {
		if dash, err = s.Dashboard.Get(ctx, u, r.URL.Query().Get("account")); err != nil {
			return err
		}
	}
	s.Render(w, r, http.StatusOK, "dashboard", &site.View{Nav: "home", Title: i18n.T(lang, "dashboard.title"),
		Data: homeData{Accounts: list, Invitations: invs.Items, Notifications: notes, Recent: recent, Approvals: approvals, Dash: dash}})
	return nil
}

// noticeText words a notification.
func noticeText(lang string, n notify.Notification) string {
	return notify.Text(lang, n.Kind, n.Params)
}
