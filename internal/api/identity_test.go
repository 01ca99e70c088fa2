package api_test

import (
	"strings"
	"testing"

	"atelier/internal/app/apptest"
)

// The invitation takeover of the outside audit fails: someone who signs up
// with an invited address before its owner cannot accept (nor decline)
// the invitation, buy or sell until the address is proven theirs, which
// only the link e-mailed to it does; its owner, once verified, accepts.
func TestAnInvitationBindsToTheVerifiedOwnerOfItsAddress(t *testing.T) {
	apptest.Each(t, func(t *testing.T, srv *apptest.Server) {
		admin, _ := srv.SignUp(t, "ada@acme.test", "Ada Admin")
		acc := admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme"})["id"].(string)
		inv := admin.Must(201, "POST", "/api/v1/accounts/"+acc+"/invitations", map[string]any{"email": "newhire@acme.test", "role": "billing_manager"})["id"].(string)

		squatter, _ := srv.SignUpUnverified(t, "newhire@acme.test", "Not The Hire")
		wantError(t, squatter.Do("POST", "/api/v1/invitations/"+inv+"/accept", nil), 403, "email_not_verified", "")
		wantError(t, squatter.Do("POST", "/api/v1/invitations/"+inv+"/decline", nil), 403, "email_not_verified", "")
		wantError(t, squatter.Do("GET", "/api/v1/accounts/"+acc+"/payment-methods", nil), 404, "account_not_found", "")
		wantError(t, squatter.Do("POST", "/api/v1/freelancers", map[string]any{"display_name": "Squat", "country": "FR",
			"hourly_rate": map[string]any{"amount": 5000, "currency": "USD"}}), 403, "email_not_verified", "")
		// A token guessed or taken from another person's link does nothing.
		wantError(t, squatter.Do("POST", "/api/v1/me/email-verification", map[string]any{"token": srv.VerificationToken(t, "ada@acme.test")}),
			422, "link_invalid", "token")
		if got := admin.Must(200, "GET", "/api/v1/invitations/"+inv, nil)["status"]; got != "sent" {
			t.Fatalf("the invitation is %v", got)
		}
		// Whoever holds the mailbox follows the link (here the registration
		// was the owner's after all) and answers.
		squatter.Must(200, "POST", "/api/v1/me/email-verification", map[string]any{"token": srv.VerificationToken(t, "newhire@acme.test")})
		if got := squatter.Must(200, "POST", "/api/v1/invitations/"+inv+"/accept", nil)["status"]; got != "accepted" {
			t.Fatalf("accepted: %v", got)
		}
	})
}

// The real owner of an address someone registered first signs up (and is
// answered as anyone), resets the password through the link e-mailed to
// the address, and so takes the registration over: the registrant is
// signed out, the owner verified and able to accept the invitation.
func TestTheOwnerOfAnAddressTakesItBack(t *testing.T) {
	apptest.Each(t, func(t *testing.T, srv *apptest.Server) {
		admin, _ := srv.SignUp(t, "ada@acme.test", "Ada Admin")
		acc := admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme"})["id"].(string)
		inv := admin.Must(201, "POST", "/api/v1/accounts/"+acc+"/invitations", map[string]any{"email": "newhire@acme.test", "role": "member"})["id"].(string)
		squatter, squatID := srv.SignUpUnverified(t, "newhire@acme.test", "Not The Hire")

		owner := srv.Client(t)
		if got := owner.Must(201, "POST", "/api/v1/users", map[string]any{"email": "newhire@acme.test", "password": "the real horse", "name": "Nina Hire"}); got["id"] == squatID {
			t.Fatal("the answer names the registrant")
		}
		for _, email := range []string{"newhire@acme.test", "nobody@acme.test"} {
			if got := owner.Must(202, "POST", "/api/v1/password-resets", map[string]any{"email": email}); got["email"] != email {
				t.Fatalf("reset answer %v", got)
			}
		}
		wantError(t, owner.Do("POST", "/api/v1/password-resets", map[string]any{"email": "not an address"}), 422, "email_invalid", "email")
		// The verification link is not a reset link.
		wantError(t, owner.Do("POST", "/api/v1/password-resets/"+srv.VerificationToken(t, "newhire@acme.test"), map[string]any{"new_password": "the real horse"}),
			422, "link_invalid", "token")
		token := strings.TrimPrefix(apptest.EmailLink(t, srv.App.DB, "newhire@acme.test", "password_reset"), "/reset-password/")
		wantError(t, owner.Do("POST", "/api/v1/password-resets/"+token, map[string]any{"new_password": "        "}), 422, "password_too_short", "new_password")
		owner.Must(204, "POST", "/api/v1/password-resets/"+token, map[string]any{"new_password": "the real horse"})
		wantError(t, owner.Do("POST", "/api/v1/password-resets/"+token, map[string]any{"new_password": "the real horse"}), 422, "link_used", "token")
		wantError(t, squatter.Do("GET", "/api/v1/me", nil), 401, "not_signed_in", "")

		owner.Token = owner.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "newhire@acme.test", "password": "the real horse"})["token"].(string)
		if me := owner.Must(200, "GET", "/api/v1/me", nil); me["email_verified"] != true || me["id"] != squatID {
			t.Fatalf("the owner reads %v", me)
		}
		owner.Must(200, "POST", "/api/v1/invitations/"+inv+"/accept", nil)
		// Three requests per address in 15 minutes; then 429 with Retry-After.
		owner.Must(202, "POST", "/api/v1/password-resets", map[string]any{"email": "newhire@acme.test"})
		owner.Must(202, "POST", "/api/v1/password-resets", map[string]any{"email": "newhire@acme.test"})
		r := owner.Do("POST", "/api/v1/password-resets", map[string]any{"email": "newhire@acme.test"})
		wantError(t, r, 429, "reset_rate_limited", "")
		if r.Header.Get("Retry-After") != "900" {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
	})
}

// A person changes their password (their other sessions and tokens end),
// lists their sessions apart from their API tokens, ends one or all the
// others, and reads it all in their security log.
func TestPasswordsSessionsAndTheSecurityLog(t *testing.T) {
	apptest.Each(t, func(t *testing.T, srv *apptest.Server) {
		ann, _ := srv.SignUp(t, "ann@example.com", "Ann")
		script := srv.Client(t)
		script.Token = script.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ann@example.com", "password": "correct horse"})["token"].(string)
		list := ann.Must(200, "GET", "/api/v1/me/sessions", nil)
		tokens, browsers := list["api_tokens"].([]any), list["sessions"].([]any)
		if len(tokens) != 2 || len(browsers) != 0 { // SignUp's and the script's: both API tokens
			t.Fatalf("sessions %v", list)
		}
		current := 0
		for _, s := range tokens {
			if s.(map[string]any)["current"] == true {
				current++
			}
		}
		if current != 1 {
			t.Fatalf("%d current sessions", current)
		}
		wantError(t, ann.Do("POST", "/api/v1/me/password", map[string]any{"current_password": "wrong horse!", "new_password": "battery staple horse"}), 422, "password_wrong", "current_password")
		wantError(t, ann.Do("POST", "/api/v1/me/password", map[string]any{"current_password": "correct horse", "new_password": "012345678910"}), 422, "password_common", "new_password")
		ann.Must(204, "POST", "/api/v1/me/password", map[string]any{"current_password": "correct horse", "new_password": "battery staple horse"})
		wantError(t, script.Do("GET", "/api/v1/me", nil), 401, "not_signed_in", "")
		if n := len(ann.Must(200, "GET", "/api/v1/me/sessions", nil)["api_tokens"].([]any)); n != 1 {
			t.Fatalf("%d sessions after the change", n)
		}
		// Two more tokens; one ended by id, then the other by "all others".
		bob, _ := srv.SignUp(t, "bob@example.com", "Bob")
		for range 2 {
			script.Token = script.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ann@example.com", "password": "battery staple horse"})["token"].(string)
		}
		var other string
		for _, s := range ann.Must(200, "GET", "/api/v1/me/sessions", nil)["api_tokens"].([]any) {
			if s.(map[string]any)["current"] != true {
				other = s.(map[string]any)["id"].(string)
			}
		}
		wantError(t, bob.Do("DELETE", "/api/v1/me/sessions/"+other, nil), 404, "session_not_found", "")
		ann.Must(204, "DELETE", "/api/v1/me/sessions/"+other, nil)
		wantError(t, ann.Do("DELETE", "/api/v1/me/sessions/"+other, nil), 404, "session_not_found", "")
		if got := ann.Must(200, "DELETE", "/api/v1/me/sessions", nil)["ended"]; got != 1.0 {
			t.Fatalf("ended %v", got)
		}
		var kinds []string
		for _, e := range ann.Must(200, "GET", "/api/v1/me/security-events", nil)["items"].([]any) {
			kinds = append(kinds, e.(map[string]any)["kind"].(string))
		}
		want := "other_sessions_revoked session_revoked sign_in sign_in password_changed sign_in email_verified sign_in"
		if got := strings.Join(kinds, " "); got != want {
			t.Fatalf("security log %q, want %q", got, want)
		}
	})
}
