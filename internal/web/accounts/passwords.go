package accounts

import (
	"net/http"

	"atelier/internal/httpx"
	"atelier/internal/i18n"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// A forgotten password: the person gives their address and is sent a link
// (the page answers the same whether or not the address has an account);
// the link opens a form for the new password, which works once, for an
// hour, and signs every session out.

func (s *pages) passwordResetPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	return s.showPasswordReset(w, r, nil, http.StatusOK)
}

func (s *pages) showPasswordReset(w http.ResponseWriter, r *http.Request, f *site.Form, status int) error {
	s.Render(w, r, status, "password_reset", &site.View{Nav: "signin", Title: i18n.T(httpx.Lang(r), "reset.title"), Form: f})
	return nil
}

// requestPasswordReset sends the link, if the address has an account, and
// says that it was sent to the address if it has one.
func (s *pages) requestPasswordReset(w http.ResponseWriter, r *http.Request, _ users.User) error {
	email, err := s.Users.RequestPasswordReset(r.Context(), r.PostFormValue("email"), httpx.ClientOf(r))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showPasswordReset(w, r, f, status) })
	}
	s.Render(w, r, http.StatusOK, "password_reset_sent", &site.View{Nav: "signin", Title: i18n.T(httpx.Lang(r), "reset.sent_title"),
		Data: sentData{Email: email}})
	return nil
}

func (s *pages) newPasswordPage(w http.ResponseWriter, r *http.Request, _ users.User) error {
	return s.showNewPassword(w, r, nil, http.StatusOK)
}

func (s *pages) showNewPassword(w http.ResponseWriter, r *http.Request, f *site.Form, status int) error {
	s.Render(w, r, status, "password_new", &site.View{Nav: "signin", Title: i18n.T(httpx.Lang(r), "reset.new_title"), Form: f,
		Data: verifyData{Token: r.PathValue("token")}})
	return nil
}

// resetPassword sets the new password; every session ends, this
// browser's too, and the person signs in with it.
func (s *pages) resetPassword(w http.ResponseWriter, r *http.Request, _ users.User) error {
	if _, err := s.Users.ResetPassword(r.Context(), r.PathValue("token"), r.PostFormValue("new_password"), httpx.ClientOf(r)); err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			f.Values.Del("new_password")
			return s.showNewPassword(w, r, f, status)
		})
	}
	s.clearSession(w, r)
	s.Done(w, r, "/signin", "flash.password_reset")
	return nil
}

// changePassword changes the signed-in person's password; their other
// sessions end, this one stays.
func (s *pages) changePassword(w http.ResponseWriter, r *http.Request, u users.User) error {
	err := s.Users.ChangePassword(r.Context(), u, r.PostFormValue("current_password"), r.PostFormValue("new_password"), httpx.SessionToken(r), httpx.ClientOf(r))
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			f.Values.Del("current_password")
			f.Values.Del("new_password")
			return s.showSecurity(w, r, u, f, status)
		})
	}
	s.Done(w, r, "/settings/security", "flash.password_changed")
	return nil
}
