package api

import (
	"net/http"

	"atelier/internal/httpx"
	"atelier/internal/users"
)

type twoFactorCodeIn struct {
	Code string `json:"code"` // from the authenticator app
}

type twoFactorOffIn struct {
	Password string `json:"password"`
	Code     string `json:"code"` // from the authenticator app, or a recovery code
}

type recoveryCodesOut struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// twoFactorRoutes are a person's two-factor sign-in (users/twofactor.go):
// enrolment, confirmation, recovery codes, turning it off.
func (s *Server) twoFactorRoutes() []route {
	return []route{
		{Method: "GET", Path: "/me/two-factor", Tag: "users", Summary: "Whether my two-factor sign-in is on, and how many recovery codes I have left",
			Out: users.TwoFactor{},
			Handle: func(c *call) (any, error) {
				return s.Users.TwoFactorStatus(c.r.Context(), c.user)
			}},
		{Method: "POST", Path: "/me/two-factor", Tag: "users",
			Summary: "Start two-factor sign-in: a new secret for an authenticator app (otpauth URL, and a QR code as a data: URL); confirm it with a code. A secret not confirmed is replaced; 409 when two-factor is on",
			Status:  http.StatusCreated, Out: users.Enrolment{},
			Handle: func(c *call) (any, error) {
				return s.Users.StartTwoFactor(c.r.Context(), c.user)
			}},
		{Method: "POST", Path: "/me/two-factor/confirm", Tag: "users",
			Summary: "Turn two-factor sign-in on with a code from the app: answers ten single-use recovery codes, shown this once",
			Also:    []int{http.StatusTooManyRequests}, In: twoFactorCodeIn{}, Out: recoveryCodesOut{},
			Handle: body(func(c *call, in twoFactorCodeIn) (any, error) {
				codes, err := s.Users.ConfirmTwoFactor(c.r.Context(), c.user, in.Code, httpx.ClientOf(c.r))
				return recoveryCodesOut{RecoveryCodes: codes}, err
			})},
		{Method: "POST", Path: "/me/two-factor/recovery-codes", Tag: "users",
			Summary: "Ten new recovery codes in place of the old ones, given a current code (shown this once)",
			Also:    []int{http.StatusTooManyRequests}, In: twoFactorCodeIn{}, Out: recoveryCodesOut{},
			Handle: body(func(c *call, in twoFactorCodeIn) (any, error) {
				codes, err := s.Users.NewRecoveryCodes(c.r.Context(), c.user, in.Code, httpx.ClientOf(c.r))
				return recoveryCodesOut{RecoveryCodes: codes}, err
			})},
		{Method: "POST", Path: "/me/two-factor/disable", Tag: "users",
			Summary: "Turn two-factor sign-in off: takes my password and a current code or a recovery code",
			Status:  http.StatusNoContent, Also: []int{http.StatusTooManyRequests}, In: twoFactorOffIn{},
			Handle: body(func(c *call, in twoFactorOffIn) (any, error) {
				return nil, s.Users.DisableTwoFactor(c.r.Context(), c.user, in.Password, in.Code, httpx.ClientOf(c.r))
			})},
	}
}
