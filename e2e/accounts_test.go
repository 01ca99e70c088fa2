package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// The whole team story of PRODUCT.md §1–2 in a browser: an admin opens a
// business account and turns invitation approval on; a member she invited
// invites someone else, which waits for her approval; she approves, the
// invitee joins, and the audit log tells it all.
func TestTeamJoinsWithInvitationApproval(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		// Alice signs up and opens a business account in euros.
		alice := srv.person(t, browser, "Alice")
		alice.open("/")
		alice.sees("Atelier", "Create your free account")
		alice.click(`a.btn-primary[href="/signup"]`)
		alice.fill("#f-name", "Alice Martin")
		alice.fill("#f-email", "alice@example.com")
		alice.fill("#f-password", "correct horse battery")
		if shoot {
			alice.screenshot("signup")
		}
		alice.click(`form[action="/signup"] button[type="submit"]`)
		// The answer is the same whether or not the address has an
		// account: check your e-mail. She may sign in before the link.
		alice.sees("Check your e-mail", "We sent a message to alice@example.com.")
		alice.click(`#signup-sent a.btn-primary`)
		alice.fill("#f-email", "alice@example.com")
		alice.fill("#f-password", "correct horse battery")
		alice.click(`form[action="/signin"] button[type="submit"]`)
		alice.sees("Hello, Alice Martin", "You are not in any business account yet.", "Confirm your address alice@example.com")
		alice.verifyEmail("alice@example.com")

		alice.click(`.page-head a[href="/accounts/new"]`)
		alice.fill("#f-name", "Acme Studio")
		alice.choose("#f-currency", "EUR")
		alice.click(`form[action="/accounts"] button[type="submit"]`)
		alice.sees("The account Acme Studio is ready.", "Acme Studio", "Admin", "Euro (EUR)", "Silver")
		accountURL := strings.TrimPrefix(alice.location(), srv.URL)

		// She turns invitation approval on and sets purchase limits.
		alice.click(`.tabs a[href$="/policies"]`)
		alice.check("#f-invitation-approval")
		alice.fill("#f-order-approval-threshold", "250.00")
		alice.fill("#f-member-monthly-limit", "1000")
		alice.click(`form[action$="/policies"] button[type="submit"]`)
		alice.sees("Policies saved.")
		if v := alice.count("#f-invitation-approval:checked"); v != 1 {
			t.Fatal("invitation approval is not shown on after saving")
		}

		// She invites Bob; the admin's own invitation goes out at once.
		alice.click(`.tabs a[href$="/invitations"]`)
		alice.sees("Pending approvals", "No invitation is waiting for your approval.")
		alice.fill("#f-email", "bob@example.com")
		alice.choose("#f-role", "member")
		alice.click(`form[action$="/invitations"] button[type="submit"]`)
		alice.sees("Invitation sent to bob@example.com.")
		if row := alice.within("tbody tr"); !strings.Contains(row, "bob@example.com") || !strings.Contains(row, "Sent") {
			t.Fatalf("Bob's invitation row reads %q", row)
		}

		// Bob follows the link of his invitation e-mail: he has no Atelier
		// login yet, signs up, and comes back to the invitation.
		link := srv.emailLink(t, "bob@example.com", "invitation_received")
		bob := srv.person(t, browser, "Bob")
		bob.open(link)
		bob.sees("Sign in to Atelier")
		bob.click(`.auth-switch a`)
		bob.fill("#f-name", "Bob Dupont")
		bob.fill("#f-email", "bob@example.com")
		bob.fill("#f-password", "correct horse battery")
		bob.click(`form[action="/signup"] button[type="submit"]`)
		bob.sees("Check your e-mail")
		bob.click(`#signup-sent a.btn-primary`) // back to the invitation once signed in
		bob.fill("#f-email", "bob@example.com")
		bob.fill("#f-password", "correct horse battery")
		bob.click(`form[action="/signin"] button[type="submit"]`)
		bob.sees("Acme Studio", "Alice Martin invited you as Member.", "day(s) left to answer")
		// He answers once his address is proven his: the link e-mailed to it.
		bob.click(`form[action$="/accept"] button`)
		bob.sees("Confirm your e-mail address first")
		bob.verifyEmail("bob@example.com")
		bob.open(link)
		bob.click(`form[action$="/accept"] button`)
		bob.sees("Welcome to Acme Studio!", "Member")

		// Bob may read the policies but not change them.
		bob.open(accountURL + "/policies")
		bob.sees("Only the admin can change the policies.", "€250.00", "€1,000.00")
		if n := bob.count(`form[action$="/policies"] button`); n != 0 {
			t.Fatal("a member sees a button to save the policies")
		}
		if status := bob.post(accountURL+"/policies", map[string]string{"invitation_approval": ""}); status != http.StatusForbidden {
			t.Fatalf("a member posting the policies gets %d, want 403", status)
		}
		// And has no audit log.
		if n := bob.count(`.tabs a[href$="/audit-log"]`); n != 0 {
			t.Fatal("a member sees the audit log tab")
		}

		// Bob invites Carol: it waits for Alice.
		bob.open(accountURL + "/invitations")
		bob.sees("Your invitations wait for the admin's approval before they are sent.")
		bob.seesNot("Pending approvals")
		bob.fill("#f-email", "carol@example.com")
		bob.click(`form[action$="/invitations"] button[type="submit"]`)
		bob.sees("Your invitation to carol@example.com waits for the admin's approval.")
		if row := bob.within("tbody tr"); !strings.Contains(row, "carol@example.com") || !strings.Contains(row, "Pending approval") {
			t.Fatalf("Carol's invitation row reads %q", row)
		}

		// Alice sees it under pending approvals, and approves it.
		alice.open(accountURL + "/invitations")
		pending := alice.within("#h-pending + p + ul")
		if !strings.Contains(pending, "carol@example.com") || !strings.Contains(pending, "Requested by Bob Dupont") {
			t.Fatalf("pending approvals read %q", pending)
		}
		if shoot {
			alice.screenshot("invitations-pending-approval")
		}
		alice.click(`form[action$="/approve"] button`)
		alice.sees("Invitation to carol@example.com approved and sent.", "No invitation is waiting for your approval.")

		// Carol signs up on her own and finds the invitation waiting.
		carol := srv.person(t, browser, "Carol")
		carol.signUp("Carol Lefèvre", "carol@example.com", "correct horse battery")
		carol.sees("Invitations for you", "Acme Studio")
		carol.click(`.mainnav a[href="/invitations"]`)
		carol.sees("Your invitations", "Acme Studio", "Bob Dupont invited you as Member.")
		carol.click(`form[action$="/accept"] button`)
		carol.sees("Welcome to Acme Studio!")

		// The team, as Alice sees it.
		alice.open(accountURL + "/members")
		alice.sees("Alice Martin", "Bob Dupont", "Carol Lefèvre", "Transfer the admin role")
		if shoot {
			alice.screenshot("members")
			alice.open(accountURL + "/policies")
			alice.screenshot("policies")
			alice.open("/")
			alice.sees("Bob Dupont (bob@example.com) accepted your invitation.", "Bob Dupont wants to invite carol@example.com")
			alice.screenshot("dashboard")
		}

		// The audit log tells the story, newest first.
		alice.open(accountURL + "/audit-log")
		alice.sees("Audit log", "Policies changed", "Invitations need the admin's approval", "Off", "On", "€250.00", "€1,000.00",
			"Invitation approved", "bob@example.com", "carol@example.com", "Pending approval")
		log := alice.within("tbody")
		for action, want := range map[string]int{"Invitation created": 2, "Invitation accepted": 2, "Invitation approved": 1, "Policies changed": 1, "Account created": 1} {
			if got := strings.Count(log, action); got != want {
				t.Errorf("the audit log shows %q %d times, want %d:\n%s", action, got, want, log)
			}
		}
		if first := alice.within("tbody tr"); !strings.Contains(first, "Invitation accepted") || !strings.Contains(first, "Carol Lefèvre") {
			t.Errorf("the newest entry is %q, want Carol's acceptance", first)
		}
		if shoot {
			alice.screenshot("audit-log")
		}

		// In French, the same log speaks French.
		alice.click(`.langswitch button[value="fr"]`)
		alice.sees("Journal d'audit", "Règles modifiées", "Invitation acceptée", "250,00\u00a0€", "1\u202f000,00\u00a0€")
		alice.click(`.langswitch button[value="en"]`)
		alice.sees("Audit log")
	})
}
