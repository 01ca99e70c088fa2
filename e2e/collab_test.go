package e2e

import (
	"context"
	"strings"
	"testing"
)

// Team collaboration in a browser (PRODUCT.md §7): Bob shares his order
// with his colleague Carl and writes an internal note; Carl follows the
// order read-only and answers in the notes; the freelancer sees none of
// it. Bob saves the service to a new list and shares it with Globex, whose
// admin reads it and cannot change it; once revoked, it is gone for her.
func TestMembersShareAnOrderCommentInternallyAndShareAList(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		ctx := context.Background()
		a := srv.App

		st := srv.studio(t, brandIdentity)
		alice, acc, svc := st.alice, st.acc, st.service
		bob, carl, olga := srv.signUp(t, "Bob Durand", "bob@example.com"), srv.signUp(t, "Carl Petit", "carl@example.com"), srv.signUp(t, "Olga Novak", "olga@globex.test")
		srv.join(t, alice, acc.ID, bob)
		srv.join(t, alice, acc.ID, carl)
		globex, err := a.Accounts.Create(ctx, olga, "Globex", "USD")
		if err != nil {
			t.Fatal(err)
		}
		o := srv.orderBasic(t, st, bob, "A mark for our newsletter.")
		orderURL := "/orders/" + o.ID

		// Bob writes an internal note and shares the order with Carl.
		bo := srv.signedIn(t, browser, "Bob", "bob@example.com")
		bo.open(orderURL)
		bo.sees("Internal notes", "The freelancer never sees them.")
		bo.typeIn("#f-internal-body", "Budget is tight this quarter, @Carl Petit please keep an eye on it.")
		bo.click("#internal-comment-form button[type=submit]")
		bo.sees("Internal note added.", "Budget is tight this quarter")
		bo.choose("#f-share-user", carl.ID)
		bo.click("#share-order-form button[type=submit]")
		bo.sees("Order shared.", "Carl Petit")
		if shoot {
			bo.screenshot("order-internal-notes")
		}

		// Carl is told, follows the order read-only, and answers.
		ca := srv.signedIn(t, browser, "Carl", "carl@example.com")
		ca.open("/")
		ca.sees("Bob Durand shared the order “Brand identity for your startup” with you.")
		ca.open(orderURL)
		ca.sees("Bob Durand shared this order with you", "Budget is tight this quarter")
		ca.seesNot("Accept the delivery", "Cancel the order")
		ca.typeIn("#f-internal-body", "Noted, I will follow it.")
		ca.click("#internal-comment-form button[type=submit]")
		ca.sees("Internal note added.", "Noted, I will follow it.")
		ca.check("#internal-comments details.reply-form summary")
		ca.typeIn("#internal-comments details.reply-form textarea", "Agreed, let us cap it.")
		ca.click("#internal-comments details.reply-form button[type=submit]")
		ca.sees("Internal note added.")
		if got := ca.within("#internal-comments .replies"); !strings.Contains(got, "Agreed, let us cap it.") {
			t.Fatalf("the reply is not in the thread: %q", got)
		}

		// Fanny, the freelancer, sees none of it.
		fa := srv.signedIn(t, browser, "Fanny", "fanny@example.com")
		fa.open(orderURL)
		fa.sees("Brand identity for your startup")
		fa.seesNot("Internal notes", "Budget is tight", "Noted, I will follow it.", "Agreed, let us cap it.")
		fa.open("/")
		fa.seesNot("internal note")

		// Bob saves the service to a new list and shares it with Globex.
		bo.open("/services/" + svc.ID)
		bo.click("a.save-to-list")
		bo.sees("Save “Brand identity for your startup” to a list")
		bo.choose("#f-list-id", "new")
		bo.choose("#f-account-id", acc.ID)
		bo.typeIn("#f-name", "Logo designers")
		bo.typeIn("#f-note", "Fast and sharp")
		bo.click("#save-to-list-form button[type=submit]")
		bo.sees("Saved to the list.", "Logo designers", "Brand identity for your startup", "Fast and sharp")
		listURL := strings.TrimPrefix(bo.location(), srv.URL)
		bo.typeIn("#share-list-form #f-account-id", globex.ID)
		bo.click("#share-list-form button[type=submit]")
		bo.sees("List shared.", "Globex")
		if shoot {
			bo.screenshot("list-shared")
		}

		// Olga, Globex's admin, reads it and cannot change it.
		ol := srv.signedIn(t, browser, "Olga", "olga@globex.test")
		ol.open("/accounts/" + globex.ID + "/lists")
		ol.sees("Shared with this account", "Logo designers")
		ol.open(listURL)
		ol.sees("Logo designers", "Brand identity for your startup", "Fast and sharp", "This list is shared with your account to read.")
		ol.seesNot("Remove", "Delete the list", "Share the list")
		if code := ol.post(listURL+"/rename", map[string]string{"name": "Ours now"}); code != 403 {
			t.Fatalf("Globex renames the list: %d", code)
		}

		// Revoked, the list is gone for Globex.
		bo.open(listURL)
		bo.click("#list-shares button[type=submit]")
		bo.sees("The list is no longer shared with that account.")
		ol.open(listURL)
		ol.sees("This list does not exist.")
		ol.seesNot("Brand identity for your startup")
	})
}
