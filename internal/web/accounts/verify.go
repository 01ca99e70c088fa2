package accounts

import (
	"net/http"

	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// The link sent to an address opens a page with one button: opening a
// link verifies nothing (mail scanners open links too), the person's post
// does, once.

type verifyData struct {
	Token string
}

func (s *pages) verifyEmailPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	return s.showVerify(w, r, nil, http.StatusOK)
}

func (s *pages) showVerify(w http.ResponseWriter, r *http.Request, f *site.Form, status int) error {
	s.Render(w, r, status, "verify_email", &site.View{Nav: "settings", Title: i18n.T(httpx.Lang(r), "verify.title"), Form: f,
		Data: verifyData{Token: r.PathValue("token")}})
	return nil
}

// verifyEmail verifies the address the link was sent to, whoever is
// signed in (the link is the proof), and says so.
func (s *pages) verifyEmail(w http.ResponseWriter, r *http.Request, _ users.User) error {
	if _, err := s.Users.VerifyEmail(r.Context(), r.PathValue("token"), "", httpx.ClientOf(r)); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showVerify(w, r, f, status) })
	}
	to := "/signin"
	if _, ok := httpx.User(r); ok {
		to = "/settings"
	}
	s.Done(w, r, to, "flash.email_verified")
	return nil
}

// resendVerification sends the signed-in person a new link.
func (s *pages) resendVerification(w http.ResponseWriter, r *http.Request, u users.User) error {
	if err := s.Users.SendVerification(r.Context(), u); err != nil {
		return err
	}
	s.Done(w, r, "/settings", "flash.verification_sent", "email", u.Email)
	return nil
}
