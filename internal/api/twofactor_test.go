package api_test

import (
	"strings"
	"testing"
	"time"

	"atelier/internal/app/apptest"

	"github.com/pquerna/otp/totp"
)

// totpCode is the authenticator app's code for secret at the server's
// clock, after the clock moved to the next 30-second step (so that no code
// is one already used).
func totpCode(t *testing.T, srv *apptest.Server, secret string) string {
	t.Helper()
	srv.App.TestClock.Advance(30 * time.Second)
	c, err := totp.GenerateCode(secret, srv.App.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol turns two-factor sign-in on for the client's person, and answers
// their secret and recovery codes.
func enrol(t *testing.T, srv *apptest.Server, c *apptest.Client) (string, []any) {
	t.Helper()
	en := c.Must(201, "POST", "/api/v1/me/two-factor", nil)
	secret := en["secret"].(string)
	if !strings.HasPrefix(en["otpauth_url"].(string), "otpauth://totp/") || !strings.HasPrefix(en["qr_code"].(string), "data:image/png;base64,") {
		t.Fatalf("enrolment %v", en)
	}
	codes := c.Must(200, "POST", "/api/v1/me/two-factor/confirm", map[string]any{"code": totpCode(t, srv, secret)})["recovery_codes"].([]any)
	return secret, codes
}

// A person enrols with the routes of /me/two-factor; signing in then takes
// a code: none, a wrong one or a replayed one is a 401, five wrong ones a
// 429 with Retry-After; a recovery code works once; turning it off takes
// the password and a code.
func TestTwoFactorAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, srv *apptest.Server) {
		ann, _ := srv.SignUp(t, "ann@example.com", "Ann")
		if st := ann.Must(200, "GET", "/api/v1/me/two-factor", nil); st["enabled"] != false || st["pending"] != false {
			t.Fatalf("status %v", st)
		}
		wantError(t, ann.Do("POST", "/api/v1/me/two-factor/confirm", map[string]any{"code": "123456"}), 409, "two_factor_not_started", "")
		ann.Must(201, "POST", "/api/v1/me/two-factor", nil)
		if st := ann.Must(200, "GET", "/api/v1/me/two-factor", nil); st["pending"] != true {
			t.Fatalf("status %v", st)
		}
		wantError(t, ann.Do("POST", "/api/v1/me/two-factor/confirm", map[string]any{"code": "000000"}), 422, "two_factor_code_invalid", "code")
		secret, recovery := enrol(t, srv, ann)
		if len(recovery) != 10 {
			t.Fatalf("recovery codes %v", recovery)
		}
		wantError(t, ann.Do("POST", "/api/v1/me/two-factor", nil), 409, "two_factor_already_on", "")
		if st := ann.Must(200, "GET", "/api/v1/me/two-factor", nil); st["enabled"] != true || st["recovery_codes_left"] != 10.0 {
			t.Fatalf("status %v", st)
		}
		if me := ann.Must(200, "GET", "/api/v1/me", nil); me["id"] == nil {
			t.Fatalf("me %v", me)
		}

		anon := srv.Client(t)
		signIn := func(code string) apptest.Response {
			body := map[string]any{"email": "ann@example.com", "password": "correct horse"}
			if code != "" {
				body["code"] = code
			}
			return anon.Do("POST", "/api/v1/sessions", body)
		}
		wantError(t, signIn(""), 401, "two_factor_required", "code")
		c := totpCode(t, srv, secret)
		if r := signIn(c); r.Status != 201 || r.Body["user"].(map[string]any)["two_factor"] != true {
			t.Fatalf("sign-in with a code: %d %s", r.Status, r.Raw)
		}
		wantError(t, signIn(c), 401, "two_factor_invalid", "code")
		if r := signIn(recovery[0].(string)); r.Status != 201 {
			t.Fatalf("sign-in with a recovery code: %d %s", r.Status, r.Raw)
		}
		wantError(t, signIn(recovery[0].(string)), 401, "two_factor_invalid", "code")

		// New recovery codes, given a code.
		fresh := ann.Must(200, "POST", "/api/v1/me/two-factor/recovery-codes", map[string]any{"code": totpCode(t, srv, secret)})["recovery_codes"].([]any)
		if len(fresh) != 10 || fresh[0] == recovery[1] {
			t.Fatalf("new codes %v", fresh)
		}

		// Turning it off takes the password and a code.
		wantError(t, ann.Do("POST", "/api/v1/me/two-factor/disable", map[string]any{"password": "wrong", "code": totpCode(t, srv, secret)}),
			422, "password_wrong", "password")
		ann.Must(204, "POST", "/api/v1/me/two-factor/disable", map[string]any{"password": "correct horse", "code": totpCode(t, srv, secret)})
		if r := signIn(""); r.Status != 201 {
			t.Fatalf("sign-in once off: %d %s", r.Status, r.Raw)
		}

		// Five wrong codes, and codes are refused for 15 minutes.
		secret, _ = enrol(t, srv, ann)
		for i := 0; i < 5; i++ { // each good code cleared the count
			wantError(t, signIn("000000"), 401, "two_factor_invalid", "code")
		}
		r := signIn(totpCode(t, srv, secret))
		wantError(t, r, 429, "two_factor_rate_limited", "")
		if r.Header.Get("Retry-After") != "900" || !strings.Contains(string(r.Raw), "15 minutes") {
			t.Fatalf("429: Retry-After %q, %s", r.Header.Get("Retry-After"), r.Raw)
		}
	})
}

// An admin who uses two-factor requires it of the account's members: a
// member without it is refused everything of the account (403
// two_factor_required_by_account) until they turn it on. The change is in
// the audit log.
func TestAccountRequiresTwoFactor(t *testing.T) {
	apptest.Each(t, func(t *testing.T, srv *apptest.Server) {
		admin, _ := srv.SignUp(t, "ada@acme.test", "Ada Admin")
		acc := admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme"})["id"].(string)
		bob, _ := srv.SignUp(t, "bob@acme.test", "Bob")
		bob.Join(admin, acc)

		policies := admin.Must(200, "GET", "/api/v1/accounts/"+acc+"/policies", nil)
		if policies["require_two_factor"] != false {
			t.Fatalf("policies %v", policies)
		}
		policies["require_two_factor"] = true
		wantError(t, admin.Do("PUT", "/api/v1/accounts/"+acc+"/policies", policies), 409, "two_factor_needed_first", "require_two_factor")
		wantError(t, bob.Do("PUT", "/api/v1/accounts/"+acc+"/policies", policies), 403, "role_not_allowed", "")
		enrol(t, srv, admin)
		if got := admin.Must(200, "PUT", "/api/v1/accounts/"+acc+"/policies", policies); got["require_two_factor"] != true {
			t.Fatalf("policies %v", got)
		}

		list := admin.Must(201, "POST", "/api/v1/accounts/"+acc+"/lists", map[string]any{"name": "Designers"})["id"].(string)
		for _, path := range []string{"/api/v1/lists/" + list, "/api/v1/accounts/" + acc, "/api/v1/accounts/" + acc + "/members", "/api/v1/accounts/" + acc + "/policies",
			"/api/v1/accounts/" + acc + "/orders"} {
			wantError(t, bob.Do("GET", path, nil), 403, "two_factor_required_by_account", "")
		}
		// Their own settings are theirs still: that is where they enrol.
		bob.Must(200, "GET", "/api/v1/me", nil)
		enrol(t, srv, bob)
		bob.Must(200, "GET", "/api/v1/accounts/"+acc, nil)
		bob.Must(200, "GET", "/api/v1/accounts/"+acc+"/members", nil)

		log := admin.Must(200, "GET", "/api/v1/accounts/"+acc+"/audit-log", nil)["items"].([]any)
		found := false
		for _, e := range log {
			e := e.(map[string]any)
			if e["action"] == "policies.changed" {
				after := e["details"].(map[string]any)["after"].(map[string]any)
				found = after["require_two_factor"] == true
				break
			}
		}
		if !found {
			t.Fatalf("audit log %v", log)
		}
	})
}
