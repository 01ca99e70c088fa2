package api_test

import (
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
