package api

import (
	"net/http"

	"atelier/internal/accounts"
	"atelier/internal/httpx"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

type signUpIn struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

type signInIn struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// Code is the code of the authenticator app, or a recovery code, of a
	// person who turned two-factor sign-in on.
	Code string `json:"code,omitempty"`
}

type sessionOut struct {
	Token string     `json:"token"`
	User  users.User `json:"user"`
}

// localeIn changes what it names: a PATCH without locale keeps it ("" is a
// value: follow the browser).
type localeIn struct {
	Locale *string `json:"locale"`
}

type passwordIn struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

type resetIn struct {
	Email string `json:"email"`
}

// resetOut answers every reset request alike, whether or not the address
// has an account.
type resetOut struct {
	Email string `json:"email"`
}

type newPasswordIn struct {
	NewPassword string `json:"new_password"`
}

type endedOut struct {
	Ended int `json:"ended"`
}

// verifyIn is the token of a verification link; none asks for a new link.
type verifyIn struct {
	Token string `json:"token"`
}

type readIn struct {
	IDs []string `json:"ids"`
}

type membershipOut struct {
	AccountID   string        `json:"account_id"`
	AccountName string        `json:"account_name"`
	Role        accounts.Role `json:"role"`
}

type meOut struct {
	ID           string          `json:"id"`
	Email        string          `json:"email"`
	Name         string          `json:"name"`
	Operator     bool            `json:"operator"`
	Verified     bool            `json:"email_verified"` // the address is theirs (the link sent to it was followed)
	Memberships  []membershipOut `json:"memberships"`
	FreelancerID *string         `json:"freelancer_id"`
}

func (s *Server) userRoutes() []route {
	return []route{
		{Method: "POST", Path: "/users", Tag: "users", Summary: "Sign up", Public: true, Status: http.StatusCreated,
			In: signUpIn{}, Out: users.User{},
			Handle: body(func(c *call, in signUpIn) (any, error) {
				return s.Users.SignUp(c.r.Context(), users.NewUser{Email: in.Email, Password: in.Password, Name: in.Name})
			})},
		{Method: "POST", Path: "/sessions", Tag: "users", Summary: "Sign in: returns a bearer token; a wrong password is a 401, and too many failures a 429 with Retry-After. With two-factor sign-in on, code is needed too (401 two_factor_required without it, two_factor_invalid when wrong or used; five wrong codes a 429)",
			Public: true, Status: http.StatusCreated, Also: []int{http.StatusUnauthorized, http.StatusTooManyRequests},
			In: signInIn{}, Out: sessionOut{},
			Handle: body(func(c *call, in signInIn) (any, error) {
				tok, u, err := s.Users.SignIn(c.r.Context(), users.Credentials{Email: in.Email, Password: in.Password, Code: in.Code}, users.APISession, httpx.ClientOf(c.r))
				if err != nil {
					return nil, err
				}
				return sessionOut{Token: tok, User: u}, nil
			})},
		{Method: "DELETE", Path: "/sessions/current", Tag: "users", Summary: "Sign out (ends this token's session)", Status: http.StatusNoContent,
			Handle: func(c *call) (any, error) {
				return nil, s.Users.SignOut(c.r.Context(), httpx.SessionToken(c.r))
			}},
		{Method: "GET", Path: "/me", Tag: "users", Summary: "The signed-in user and their memberships", Out: meOut{},
			Handle: func(c *call) (any, error) {
				list, err := s.Accounts.ForUser(c.r.Context(), c.user)
				if err != nil {
					return nil, err
				}
				me := meOut{ID: c.user.ID, Email: c.user.Email, Name: c.user.Name, Operator: c.user.IsOperator, Verified: c.user.EmailVerified, Memberships: []membershipOut{}}
				if f, ok, err := s.Catalog.FreelancerOf(c.r.Context(), c.user.ID); err != nil {
					return nil, err
				} else if ok {
					me.FreelancerID = &f.ID
				}
				for _, a := range list {
					me.Memberships = append(me.Memberships, membershipOut{AccountID: a.ID, AccountName: a.Name, Role: a.Role})
				}
				return me, nil
			}},
		{Method: "PATCH", Path: "/me", Tag: "users", Summary: "Save my language (locale: en, fr, or \"\" to follow the browser)",
			In: localeIn{}, Out: users.User{},
			Handle: body(func(c *call, in localeIn) (any, error) {
				if in.Locale == nil {
					return c.user, nil
				}
				return s.Users.SetLocale(c.r.Context(), c.user, *in.Locale)
			})},
		{Method: "POST", Path: "/me/email-verification", Tag: "users",
			Summary: "Verify my e-mail address with the token of the link sent to it (token); without a token, send me a new link (the older one stops working)",
			In:      verifyIn{}, Out: users.User{},
			Handle: body(func(c *call, in verifyIn) (any, error) {
				if in.Token == "" {
					return c.user, s.Users.SendVerification(c.r.Context(), c.user)
				}
				return s.Users.VerifyEmail(c.r.Context(), in.Token, c.user.ID, httpx.ClientOf(c.r))
			})},
		{Method: "POST", Path: "/me/password", Tag: "users",
			Summary: "Change my password (current_password, new_password): every other session and token ends; a wrong current password counts as a failed sign-in",
			In:      passwordIn{}, Status: http.StatusNoContent, Also: []int{http.StatusTooManyRequests},
			Handle: body(func(c *call, in passwordIn) (any, error) {
				return nil, s.Users.ChangePassword(c.r.Context(), c.user, in.CurrentPassword, in.NewPassword, httpx.SessionToken(c.r), httpx.ClientOf(c.r))
			})},
		{Method: "POST", Path: "/password-resets", Tag: "users", Public: true,
			Summary: "E-mail a link that resets the password of the address's account (valid one hour); the answer is the same whether or not the address has one; a few requests per address per 15 minutes (429 with Retry-After)",
			In:      resetIn{}, Out: resetOut{}, Status: http.StatusAccepted, Also: []int{http.StatusTooManyRequests},
			Handle: body(func(c *call, in resetIn) (any, error) {
				email, err := s.Users.RequestPasswordReset(c.r.Context(), in.Email, httpx.ClientOf(c.r))
				return resetOut{Email: email}, err
			})},
		{Method: "POST", Path: "/password-resets/{token}", Tag: "users", Public: true,
			Summary: "Set a new password with the token of a reset link, once: every session ends, and an address not yet verified is verified (its owner takes the registration over)",
			In:      newPasswordIn{}, Status: http.StatusNoContent,
			Handle: body(func(c *call, in newPasswordIn) (any, error) {
				_, err := s.Users.ResetPassword(c.r.Context(), c.param("token"), in.NewPassword, httpx.ClientOf(c.r))
				return nil, err
			})},
		{Method: "GET", Path: "/me/sessions", Tag: "users",
			Summary: "My live browser sessions and API tokens, apart: device, address, opened and last used; current marks this request's",
			Out:     users.SessionList{},
			Handle: func(c *call) (any, error) {
				return s.Users.Sessions(c.r.Context(), c.user, httpx.SessionToken(c.r))
			}},
		{Method: "DELETE", Path: "/me/sessions/{id}", Tag: "users", Summary: "End one of my sessions or tokens (this one too: that signs out)",
			Status: http.StatusNoContent,
			Handle: func(c *call) (any, error) {
				_, err := s.Users.RevokeSession(c.r.Context(), c.user, c.param("id"), httpx.SessionToken(c.r), httpx.ClientOf(c.r))
				return nil, err
			}},
		{Method: "DELETE", Path: "/me/sessions", Tag: "users", Summary: "End every session and token of mine but this one; answers how many ended",
			Out: endedOut{},
			Handle: func(c *call) (any, error) {
				n, err := s.Users.RevokeOtherSessions(c.r.Context(), c.user, httpx.SessionToken(c.r), httpx.ClientOf(c.r))
				return endedOut{Ended: n}, err
			}},
		{Method: "GET", Path: "/me/security-events", Tag: "users",
			Summary: "My security log, newest first: sign-ins, failed sign-ins, password changes and resets, two-factor on and off, sessions ended",
			Out:     page.Page[users.Event]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Users.Events(c.r.Context(), c.user, p)
			})},
		{Method: "POST", Path: "/me/notifications/read", Tag: "users", Summary: "Mark notifications read (all of them when ids is empty)",
			In: readIn{}, Status: http.StatusNoContent,
			Handle: body(func(c *call, in readIn) (any, error) {
				return nil, s.Notify.MarkRead(c.r.Context(), c.user.ID, in.IDs)
			})},
		{Method: "GET", Path: "/me/invitations", Tag: "accounts", Summary: "Open invitations sent to my e-mail address",
			Out: page.Page[accounts.Invitation]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Accounts.MyInvitations(c.r.Context(), c.user, p)
			})},
		{Method: "GET", Path: "/me/notifications", Tag: "users", Summary: "My in-app notifications, newest first",
			Out: page.Page[notify.Notification]{},
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Notify.List(c.r.Context(), c.user.ID, p)
			})},
		{Method: "GET", Path: "/me/notification-settings", Tag: "users", Summary: "Which notices also come by e-mail, per category",
			Out: notificationSettings{},
			Handle: func(c *call) (any, error) {
				on, err := s.Notify.EmailSettings(c.r.Context(), c.user.ID)
				return notificationSettings{Email: on}, err
			}},
		{Method: "PATCH", Path: "/me/notification-settings", Tag: "users", Summary: "Turn e-mails on or off per category (orders, team, profile, other); the others keep their setting",
			In: notificationSettings{}, Out: notificationSettings{},
			Handle: body(func(c *call, in notificationSettings) (any, error) {
				on, err := s.Notify.SetEmailSettings(c.r.Context(), c.user.ID, in.Email)
				return notificationSettings{Email: on}, err
			})},
	}
}

// notificationSettings are a user's e-mail settings: category → on.
type notificationSettings struct {
	Email map[string]bool `json:"email"`
}
