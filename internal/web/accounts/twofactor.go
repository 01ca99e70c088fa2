package accounts

import (
	"html/template"
	"net/http"
	"net/url"
	"time"

	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// Two-factor sign-in: the code page of a browser sign-in, and the
// settings page where a person turns it on and off (users/twofactor.go
// holds the rules).

// signInCodeData is the code page of a sign-in whose password was right.
type signInCodeData struct {
	Challenge string
	Next      string
}

// showSignInCode asks for the code of the sign-in the challenge stands
// for.
func (s *pages) showSignInCode(w http.ResponseWriter, r *http.Request, challenge string, f *site.Form, status int) error {
	next := site.SafeNext(r.FormValue("next"))
	s.Render(w, r, status, "signin_two_factor", &site.View{Nav: "signin", Title: i18n.T(httpx.Lang(r), "signin.two_factor.title"), Form: f,
		Data: signInCodeData{Challenge: challenge, Next: next}})
	return nil
}

// signInCode ends a sign-in with the code (or a recovery code).
func (s *pages) signInCode(w http.ResponseWriter, r *http.Request, _ users.User) error {
	r.ParseForm()
	challenge := r.PostFormValue("challenge")
	token, _, err := s.Users.CompleteSignIn(r.Context(), challenge, r.PostFormValue("code"), users.WebSession, httpx.ClientOf(r))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			f.Values.Del("code")
			return s.showSignInCode(w, r, challenge, f, status)
		})
	}
	s.setSession(w, r, token)
	s.Done(w, r, site.SafeNext(r.PostFormValue("next")), "flash.signed_in")
	return nil
}

// twoFactorData is the two-factor settings page: where it stands, the
// enrolment under way (QR code and key), and the recovery codes just made
// (shown this once).
type twoFactorData struct {
	Status    users.TwoFactor
	EnabledAt time.Time
	Enrolment *users.Enrolment
	QR        template.URL // the enrolment's QR code: a data: URL we drew
	Codes     []string
	Next      string
}

func (s *pages) twoFactorPage(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
	return s.showTwoFactor(w, r, u, f, status, nil)
}

func (s *pages) showTwoFactor(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int, codes []string) error {
	st, err := s.Users.TwoFactorStatus(r.Context(), u)
	if err != nil {
		return err
	}
	d := twoFactorData{Status: st, Codes: codes, Next: twoFactorNext(r)}
	if st.Pending && codes == nil {
		e, ok, err := s.Users.PendingTwoFactor(r.Context(), u)
		if err != nil {
			return err
		}
		if ok {
			d.Enrolment, d.QR = &e, template.URL(e.QR)
		}
	}
	if st.EnabledAt != nil {
		d.EnabledAt = *st.EnabledAt
	}
	s.Render(w, r, status, "two_factor", &site.View{Nav: "settings", Tab: "security", Title: i18n.T(httpx.Lang(r), "two_factor.title"), Form: f, Data: d})
	return nil
}

// twoFactorNext is where the person goes once two-factor is on: the page
// an account sent them from (next), if any.
func twoFactorNext(r *http.Request) string {
	if next := r.FormValue("next"); next != "" {
		return site.SafeNext(next)
	}
	return ""
}

// twoFactorTo is the settings page again, keeping next.
func twoFactorTo(r *http.Request) string {
	if next := twoFactorNext(r); next != "" {
		return "/settings/two-factor?next=" + url.QueryEscape(next)
	}
	return "/settings/two-factor"
}

func (s *pages) startTwoFactor(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.Post(w, r, u, s.twoFactorPage, twoFactorTo(r), "", func() error {
		_, err := s.Users.StartTwoFactor(r.Context(), u)
		return err
	})
}

// confirmTwoFactor turns two-factor on and shows the recovery codes, once:
// the page is the answer to the post, not a redirect, so the codes are in
// no URL, cookie or history entry.
func (s *pages) confirmTwoFactor(w http.ResponseWriter, r *http.Request, u users.User) error {
	codes, err := s.Users.ConfirmTwoFactor(r.Context(), u, r.PostFormValue("code"), httpx.ClientOf(r))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.twoFactorPage(w, r, u, f, status) })
	}
	return s.showTwoFactor(w, r, u, nil, http.StatusOK, codes)
}

func (s *pages) newRecoveryCodes(w http.ResponseWriter, r *http.Request, u users.User) error {
	codes, err := s.Users.NewRecoveryCodes(r.Context(), u, r.PostFormValue("code"), httpx.ClientOf(r))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.twoFactorPage(w, r, u, f, status) })
	}
	return s.showTwoFactor(w, r, u, nil, http.StatusOK, codes)
}

func (s *pages) disableTwoFactor(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.Post(w, r, u, func(w http.ResponseWriter, r *http.Request, u users.User, f *site.Form, status int) error {
		f.Values.Del("password")
		return s.twoFactorPage(w, r, u, f, status)
	}, "/settings/two-factor", "flash.two_factor_off", func() error {
		return s.Users.DisableTwoFactor(r.Context(), u, r.PostFormValue("password"), r.PostFormValue("code"), httpx.ClientOf(r))
	})
}
