package e2e

import (
	"context"
	"strings"
	"testing"
)

// Issue 8, item 7, in a browser, through the pages only: Bob and Carl,
// two members of Acme Studio, collaborate on a project. Bob creates it,
// adds Carl, orders a service into it, shares the order with Carl and
// writes him an internal note. Carl finds all of it on his home page —
// the notices, the order among his active orders, the project among his
// active projects — reads the note on the order page, which names its
// project, opens the project and answers; Fanny, the freelancer, sees
// neither the project nor the notes. Carl then shares a shortlist with
// Globex, whose member Paul reads it and has no way to change it: no form
// on the page, and every direct post is refused.
func TestTwoMembersCollaborateOnAProjectAndShareAListWithAnotherAccount(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		ctx := context.Background()
		a := srv.App

		st := srv.studio(t, brandIdentity)
		alice, acc, svc := st.alice, st.acc, st.service
		bob, carl := srv.signUp(t, "Bob Durand", "bob@example.com"), srv.signUp(t, "Carl Petit", "carl@example.com")
		olga, paul := srv.signUp(t, "Olga Novak", "olga@globex.test"), srv.signUp(t, "Paul Weber", "paul@globex.test")
		srv.join(t, alice, acc.ID, bob)
		srv.join(t, alice, acc.ID, carl)
		globex, err := a.Accounts.Create(ctx, olga, "Globex", "USD")
		if err != nil {
			t.Fatal(err)
		}
		srv.join(t, olga, globex.ID, paul)
		const title = "Brand identity for your startup"

		// Bob creates the project from the account's Projects tab and adds
		// Carl to it.
		bo := srv.signedIn(t, browser, "Bob", "bob@example.com")
		bo.open("/accounts/" + acc.ID + "/projects")
		bo.typeIn("#f-name", "Spring launch")
		bo.choose("#f-type", "branding")
		bo.typeIn("#f-brief", "A new identity for the spring launch.")
		bo.typeIn("#f-budget", "1000")
		bo.click(`form[action="/accounts/` + acc.ID + `/projects"] button[type=submit]`)
		bo.sees("Project “Spring launch” created.", "You created this project.")
		projectURL := strings.TrimPrefix(bo.location(), srv.URL)
		projectID := strings.TrimPrefix(projectURL, "/projects/")
		bo.choose("#f-user-id", carl.ID)
		bo.click(`form[action="` + projectURL + `/members"] button[type=submit]`)
		bo.sees("Member added to “Spring launch”.", "Bob Durand added Carl Petit.")
		if got := bo.within("#h-team + ul"); !strings.Contains(got, "Carl Petit") {
			t.Fatalf("Carl is not among the project's members: %q", got)
		}

		// Bob orders the service into the project from its page.
		bo.open("/services/" + svc.ID)
		bo.choose("#f-account-id", acc.ID)
		bo.choose("#f-project-id", projectID)
		bo.typeIn("#f-requirements", "The mark of the spring launch.")
		bo.click("#place-order")
		bo.sees("Order placed: the freelancer can start.", title)
		orderURL := strings.TrimPrefix(bo.location(), srv.URL)
		orderID := strings.TrimPrefix(orderURL, "/orders/")

		// He shares it with Carl, then writes him an internal note.
		bo.choose("#f-share-user", carl.ID)
		bo.click("#share-order-form button[type=submit]")
		bo.sees("Order shared.", "Carl Petit")
		bo.typeIn("#f-internal-body", "@Carl Petit the budget is 1,000: keep the revisions to one.")
		bo.click("#internal-comment-form button[type=submit]")
		bo.sees("Internal note added.", "keep the revisions to one")

		// The project lists the order and its life.
		bo.open(projectURL)
		if got := bo.within("#order-" + orderID); !strings.Contains(got, title) || !strings.Contains(got, "Bob Durand") {
			t.Fatalf("the project's orders read %q", got)
		}
		bo.sees("Bob Durand ordered “" + title + "”.")

		// Carl finds it all on his home page.
		ca := srv.signedIn(t, browser, "Carl", "carl@example.com")
		ca.open("/")
		ca.sees("Bob Durand added you to the project “Spring launch”.",
			"Bob Durand shared the order “"+title+"” with you.",
			"Bob Durand wrote an internal note on “"+title+"”.")
		if got := ca.within("#active-" + orderID); !strings.Contains(got, title) {
			t.Fatalf("Carl's active orders read %q", got)
		}
		if got := ca.within("#project-" + projectID); !strings.Contains(got, "Spring launch") || !strings.Contains(got, "Acme Studio") {
			t.Fatalf("Carl's active projects read %q", got)
		}
		ca.seesNot("keep the revisions to one") // notices never carry a note's words
		if shoot {
			ca.screenshot("collaboration-dashboard")
		}

		// He opens the order from his active orders and reads the note.
		ca.click("#active-" + orderID + " a")
		ca.sees("Bob Durand shared this order with you", "@Carl Petit the budget is 1,000: keep the revisions to one.")
		ca.seesNot("Accept the delivery", "Cancel the order")
		if got := ca.within("#order-project"); got != "Spring launch" {
			t.Fatalf("the order page names the project %q", got)
		}

		// He opens the project from his home page, sees its order, and
		// answers in the order's notes.
		ca.open("/")
		ca.click("#project-" + projectID + " h3 a")
		ca.sees("Spring launch", "You are a member of this project.", "A new identity for the spring launch.", "Bob Durand ordered “"+title+"”.")
		ca.seesNot("Orders without a link") // the order is shared with him: it is linked
		ca.click("#order-" + orderID + " a")
		ca.typeIn("#f-internal-body", "Noted, one revision it is.")
		ca.click("#internal-comment-form button[type=submit]")
		ca.sees("Internal note added.", "Noted, one revision it is.")
		bo.open("/")
		bo.sees("Carl Petit wrote an internal note on “" + title + "”.")

		// Fanny, the freelancer, works on the order and sees neither the
		// project nor the notes.
		fa := srv.signedIn(t, browser, "Fanny", "fanny@example.com")
		fa.open(orderURL)
		fa.sees(title, "The mark of the spring launch.")
		fa.seesNot("Spring launch", "Internal notes", "keep the revisions to one", "Noted, one revision it is.")

		// Carl shortlists the service and shares the list with Globex.
		ca.open("/services/" + svc.ID)
		ca.click("a.save-to-list")
		ca.choose("#f-list-id", "new")
		ca.choose("#f-account-id", acc.ID)
		ca.typeIn("#f-name", "Spring shortlist")
		ca.typeIn("#f-note", "Our pick for the launch")
		ca.click("#save-to-list-form button[type=submit]")
		ca.sees("Saved to the list.", "Spring shortlist", title, "Our pick for the launch")
		listURL := strings.TrimPrefix(ca.location(), srv.URL)
		ca.typeIn("#share-list-form #f-account-id", globex.ID)
		ca.click("#share-list-form button[type=submit]")
		ca.sees("List shared.", "Globex")
		itemID := strings.TrimPrefix(ca.attr("#list-items tbody tr", "id"), "item-")

		// Paul, a member of Globex (not its admin), reads it from his
		// account's Lists tab...
		pa := srv.signedIn(t, browser, "Paul", "paul@globex.test")
		pa.open("/accounts/" + globex.ID + "/lists")
		pa.sees("Shared with this account", "Spring shortlist", "Shared by Acme Studio")
		pa.click("#lists-shared a")
		pa.sees("Spring shortlist", title, "Our pick for the launch", "This list is shared with your account to read.")
		// ...with no way to change it: not a form on the list...
		pa.seesNot("Remove", "Rename", "Delete the list", "Share the list")
		if n := pa.count("main form"); n != 0 {
			t.Fatalf("Paul gets %d forms on a list shared to read", n)
		}
		// ...and every change he posts anyway is refused.
		for path, form := range map[string]map[string]string{
			listURL + "/rename":                          {"name": "Ours now"},
			listURL + "/items":                           {"kind": "service", "service_id": svc.ID, "note": "Paul was here"},
			listURL + "/items/" + itemID + "/remove":     {},
			listURL + "/shares":                          {"account_id": globex.ID},
			listURL + "/shares/" + globex.ID + "/revoke": {},
			listURL + "/delete":                          {},
		} {
			if code := pa.post(path, form); code != 403 {
				t.Errorf("Paul posts %s: %d, want 403", path, code)
			}
		}
		pa.open(listURL)
		pa.sees("Spring shortlist", title, "Our pick for the launch")
		pa.seesNot("Ours now", "Paul was here")
		ca.open(listURL)
		ca.sees("Spring shortlist", "Globex")
		if n := ca.count("#list-items tbody tr"); n != 1 {
			t.Fatalf("the list has %d items after Paul's posts", n)
		}
	})
}
