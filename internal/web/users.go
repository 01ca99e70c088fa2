package web

import (
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
)

type authData struct {
	Next string
}

func (s *Server) signUpPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	if _, ok := httpx.User(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.showSignUp(w, r, nil, http.StatusOK)
}

func (s *Server) showSignUp(w http.ResponseWriter, r *http.Request, f *form, status int) error {
	next := safeNext(firstOf(r.FormValue("next"), r.URL.Query().Get("next")))
	s.render(w, r, status, "signup", &view{Nav: "signup", Title: i18n.T(httpx.Lang(r), "signup.title"), Form: f, Data: authData{Next: next}})
	return nil
}

// signUp registers the person and signs them in at once.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request, _ users.User) error {
	r.ParseForm()
	redo := func(f *form, status int) error {
		f.Values.Del("password")
		return s.showSignUp(w, r, f, status)
	}
	in := users.NewUser{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Password: r.PostFormValue("password")}
	u, err := s.Users.SignUp(r.Context(), in)
	if err != nil {
		return showAgain(err, redo)
	}
	if err := s.startSession(w, r, in.Email, in.Password); err != nil {
		return showAgain(err, redo)
	}
	s.done(w, r, safeNext(r.PostFormValue("next")), "flash.welcome", "name", u.Name)
	return nil
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	if _, ok := httpx.User(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.showSignIn(w, r, nil, http.StatusOK)
}

func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request, f *form, status int) error {
	next := safeNext(firstOf(r.FormValue("next"), r.URL.Query().Get("next")))
	s.render(w, r, status, "signin", &view{Nav: "signin", Title: i18n.T(httpx.Lang(r), "signin.title"), Form: f, Data: authData{Next: next}})
	return nil
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request, _ users.User) error {
	r.ParseForm()
	redo := func(f *form, status int) error {
		f.Values.Del("password")
		return s.showSignIn(w, r, f, status)
	}
	if err := s.startSession(w, r, r.PostFormValue("email"), r.PostFormValue("password")); err != nil {
		return showAgain(err, redo)
	}
	s.done(w, r, safeNext(r.PostFormValue("next")), "flash.signed_in")
	return nil
}

// startSession signs in and sets the session cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, email, password string) error {
	token, _, err := s.Users.SignIn(r.Context(), email, password, users.WebSession, httpx.ClientAddr(r))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: httpx.CookieName, Value: token, Path: "/",
		Expires: time.Now().Add(users.SessionLifetime), MaxAge: int(users.SessionLifetime.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, _ users.User) error {
	if tok := httpx.SessionToken(r); tok != "" {
		if err := s.Users.SignOut(r.Context(), tok); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.CookieName, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	s.done(w, r, "/", "flash.signed_out")
	return nil
}

// setLanguage remembers the chosen language in a cookie and goes back to
// the page the switch was on.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	lang := i18n.Supported(r.PostFormValue("lang"))
	if u, ok := httpx.User(r); ok {
		if _, err := s.Users.SetLocale(r.Context(), u, lang); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
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
func (s *Server) home(w http.ResponseWriter, r *http.Request, _ users.User) error {
	lang := httpx.Lang(r)
	u, ok := httpx.User(r)
	if !ok {
		s.render(w, r, http.StatusOK, "landing", &view{Nav: "home", Title: i18n.T(lang, "landing.title")})
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
	recent, err := s.Catalog.RecentlyViewed(ctx, u, recentShown)
	if err != nil {
		return err
	}
	var approvals []pendingApprovals
	for _, a := range list {
		n, more, err := s.pendingCount(r, u, a)
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
	s.render(w, r, http.StatusOK, "dashboard", &view{Nav: "home", Title: i18n.T(lang, "dashboard.title"),
		Data: homeData{Accounts: list, Invitations: invs.Items, Notifications: notes, Recent: recent, Approvals: approvals, Dash: dash}})
	return nil
}

// noticeText words a notification.
func noticeText(lang string, n notify.Notification) string {
	return notify.Text(lang, n.Kind, n.Params)
}
