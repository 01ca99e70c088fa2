package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/lists"
	"atelier/internal/orders"
)

var listLocation = regexp.MustCompile(`^/lists/(lst_[0-9a-f]+)$`)

// The order page's internal notes are the client side's: a member writes
// one, a colleague the order is shared with reads the order (without the
// buyer's actions) and the notes; the freelancer sees neither the section
// nor the words, and cannot post one.
func TestInternalNotesOnTheOrderPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		s := newShop(t, e)
		ctx := context.Background()
		carl := signUp(t, s.a, "Carl Colleague", "carl@example.com")
		addMember(t, s.a, s.admin, s.acc, carl)
		o, err := s.a.Orders.Place(ctx, s.bob, orders.NewOrder{AccountID: s.acc.ID, ServiceID: s.service.ID, Package: "1", Quantity: 1}, "")
		if err != nil {
			t.Fatal(err)
		}
		path := "/orders/" + o.ID
		carlB := newBrowser(t, s.ts)
		carlB.signIn("carl@example.com", "correct horse")
		if status, _, _ := carlB.do("GET", path, nil); status != http.StatusNotFound {
			t.Fatalf("Carl sees an order not shared with him: %d", status)
		}

		status, body, _ := s.buyer.do("GET", path, nil)
		if status != 200 || !strings.Contains(body, `id="internal-notes"`) || !strings.Contains(body, `id="share-order-form"`) {
			t.Fatalf("the buyer's order page has no internal notes: %d\n%s", status, body)
		}
		if status, _, h := s.buyer.do("POST", path+"/internal-comments", url.Values{"body": {"Keep the budget under 30, @Alice Admin"}}); status != http.StatusSeeOther || h.Get("Location") != path {
			t.Fatalf("comment: %d %q", status, h.Get("Location"))
		}
		if status, body, _ := s.buyer.do("POST", path+"/internal-comments", url.Values{"body": {" "}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "f-internal-body-error") {
			t.Fatalf("an empty note: %d", status)
		}
		if status, _, _ := s.buyer.do("POST", path+"/shares", url.Values{"user_id": {carl.ID}}); status != http.StatusSeeOther {
			t.Fatalf("share: %d", status)
		}
		if _, body, _ := s.alice.do("GET", path, nil); !strings.Contains(body, "Keep the budget under 30") {
			t.Fatal("the admin does not read the note")
		}

		// Carl follows it, read-only.
		status, body, _ = carlB.do("GET", path, nil)
		if status != 200 || !strings.Contains(body, `id="order-shared-notice"`) || !strings.Contains(body, "Keep the budget under 30") {
			t.Fatalf("Carl's page: %d\n%s", status, body)
		}
		if strings.Contains(body, `action="`+path+`/messages"`) || strings.Contains(body, `action="`+path+`/cancellation"`) {
			t.Fatal("Carl's page shows the buyer's actions")
		}
		if status, _, _ := carlB.do("POST", path+"/internal-comments", url.Values{"body": {"Seen."}}); status != http.StatusSeeOther {
			t.Fatalf("Carl's note: %d", status)
		}

		// The freelancer's side.
		status, body, _ = s.seller.do("GET", path, nil)
		if status != 200 || strings.Contains(body, "internal-notes") || strings.Contains(body, "Keep the budget") || strings.Contains(body, "Seen.") {
			t.Fatalf("the freelancer's page shows internal notes: %d", status)
		}
		if status, _, _ := s.seller.do("POST", path+"/internal-comments", url.Values{"body": {"peek"}}); status != http.StatusNotFound {
			t.Fatalf("the freelancer posts a note: %d", status)
		}
		if _, body, _ := s.seller.do("GET", "/", nil); strings.Contains(body, "internal note") {
			t.Fatal("the freelancer's home shows an internal-note notification")
		}
	})
}

// A list made on the Lists tab, filled from a service page, shared
// read-only with another account and revoked.
func TestListsPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		s := newShop(t, e)
		ctx := context.Background()
		olga := signUp(t, s.a, "Olga Other", "olga@example.com")
		globex, err := s.a.Accounts.Create(ctx, olga, "Globex", "USD")
		if err != nil {
			t.Fatal(err)
		}
		olgaB := newBrowser(t, s.ts)
		olgaB.signIn("olga@example.com", "correct horse")

		if status, body, _ := s.buyer.do("GET", "/accounts/"+s.acc.ID+"/lists", nil); status != 200 || !strings.Contains(body, `id="new-list-form"`) {
			t.Fatalf("lists tab: %d", status)
		}
		status, _, h := s.buyer.do("POST", "/accounts/"+s.acc.ID+"/lists", url.Values{"name": {"Logo designers"}})
		m := listLocation.FindStringSubmatch(h.Get("Location"))
		if status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d %q", status, h.Get("Location"))
		}
		list := m[1]
		if _, body, _ := s.buyer.do("GET", "/services/"+s.service.ID, nil); !strings.Contains(body, "/lists/save?service="+s.service.ID) {
			t.Fatal("no save-to-list link on the service page")
		}
		if status, body, _ := s.buyer.do("GET", "/lists/save?service="+s.service.ID, nil); status != 200 || !strings.Contains(body, list) {
			t.Fatalf("save page: %d", status)
		}
		if status, _, _ := s.buyer.do("POST", "/lists/save", url.Values{"list_id": {list}, "service_id": {s.service.ID}, "note": {"Quick and cheap"}}); status != http.StatusSeeOther {
			t.Fatalf("save: %d", status)
		}
		// Alice edits it too.
		if status, _, _ := s.alice.do("POST", "/lists/"+list+"/rename", url.Values{"name": {"Logo people"}}); status != http.StatusSeeOther {
			t.Fatalf("rename: %d", status)
		}
		if _, body, _ := s.alice.do("GET", "/lists/"+list, nil); !strings.Contains(body, "Logo design for your startup") || !strings.Contains(body, "Quick and cheap") || !strings.Contains(body, "Logo people") {
			t.Fatalf("list page:\n%s", body)
		}
		if status, _, _ := olgaB.do("GET", "/lists/"+list, nil); status != http.StatusNotFound {
			t.Fatalf("another account reads an unshared list: %d", status)
		}
		if status, _, _ := s.buyer.do("POST", "/lists/"+list+"/shares", url.Values{"account_id": {globex.ID}}); status != http.StatusSeeOther {
			t.Fatalf("share: %d", status)
		}
		status, body, _ := olgaB.do("GET", "/lists/"+list, nil)
		if status != 200 || !strings.Contains(body, `id="list-read-only"`) || strings.Contains(body, "/remove") || strings.Contains(body, "rename-list-form") {
			t.Fatalf("the shared list: %d\n%s", status, body)
		}
		if _, body, _ := olgaB.do("GET", "/accounts/"+globex.ID+"/lists", nil); !strings.Contains(body, "/lists/"+list) {
			t.Fatal("the shared list is not on Globex's Lists tab")
		}
		if status, _, _ := olgaB.do("POST", "/lists/"+list+"/rename", url.Values{"name": {"Ours"}}); status != http.StatusForbidden {
			t.Fatalf("Globex renames: %d", status)
		}
		if status, _, _ := s.buyer.do("POST", "/lists/"+list+"/shares/"+globex.ID+"/revoke", nil); status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", status)
		}
		if status, _, _ := olgaB.do("GET", "/lists/"+list, nil); status != http.StatusNotFound {
			t.Fatalf("after revocation: %d", status)
		}
		if status, _, h := s.buyer.do("POST", "/lists/"+list+"/delete", nil); status != http.StatusSeeOther || h.Get("Location") != "/accounts/"+s.acc.ID+"/lists" {
			t.Fatalf("delete: %d", status)
		}
	})
}

// The Network tab shows the freelancers the account hired, takes internal
// reviews and rehires; the freelancer cannot open it.
func TestNetworkPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		s := newShop(t, e)
		ctx := context.Background()
		if _, err := s.a.Orders.Place(ctx, s.bob, orders.NewOrder{AccountID: s.acc.ID, ServiceID: s.service.ID, Package: "1", Quantity: 1}, ""); err != nil {
			t.Fatal(err)
		}
		np := "/accounts/" + s.acc.ID + "/network"
		status, body, _ := s.alice.do("GET", np, nil)
		if status != 200 || !strings.Contains(body, "Fanny Studio") || !strings.Contains(body, "Logo design for your startup") {
			t.Fatalf("network: %d\n%s", status, body)
		}
		fid := s.service.FreelancerID
		if status, _, _ := s.alice.do("POST", np+"/"+fid+"/internal-reviews", url.Values{"rating": {"4"}, "text": {"Reliable, a bit slow"}}); status != http.StatusSeeOther {
			t.Fatalf("review: %d", status)
		}
		if status, _, _ := s.buyer.do("POST", np+"/"+fid+"/rehire", url.Values{"message": {"Another logo?"}}); status != http.StatusSeeOther {
			t.Fatalf("rehire: %d", status)
		}
		if _, body, _ := s.buyer.do("GET", np, nil); !strings.Contains(body, "Reliable, a bit slow") {
			t.Fatal("the internal review is not shown to the team")
		}
		if status, _, _ := s.seller.do("GET", np, nil); status != http.StatusNotFound {
			t.Fatalf("the freelancer opens the network: %d", status)
		}
		if _, body, _ := s.seller.do("GET", "/freelancers/"+fid, nil); strings.Contains(body, "Reliable, a bit slow") {
			t.Fatal("the profile shows an internal review")
		}
		if _, body, _ := s.seller.do("GET", "/", nil); !strings.Contains(body, "/offers/new?account="+s.acc.ID) {
			t.Fatal("the freelancer's rehire notification has no link to the offer form")
		}
	})
}

// Every collaboration page answers 404 to a stranger, to a member of
// another account and to the freelancer of the account's order.
func TestCollaborationPagesArePrivate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		s := newShop(t, e)
		ctx := context.Background()
		o, err := s.a.Orders.Place(ctx, s.bob, orders.NewOrder{AccountID: s.acc.ID, ServiceID: s.service.ID, Package: "1", Quantity: 1}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.a.Sharing.AddComment(ctx, s.bob, o.ID, "Our secret budget", ""); err != nil {
			t.Fatal(err)
		}
		l, err := s.a.Lists.Create(ctx, s.bob, s.acc.ID, "Shortlist")
		if err != nil {
			t.Fatal(err)
		}
		olga := signUp(t, s.a, "Olga Other", "olga@example.com")
		if _, err := s.a.Accounts.Create(ctx, olga, "Globex", "USD"); err != nil {
			t.Fatal(err)
		}
		signUp(t, s.a, "Eve Stranger", "eve@example.com")
		other, stranger := newBrowser(t, s.ts), newBrowser(t, s.ts)
		other.signIn("olga@example.com", "correct horse")
		stranger.signIn("eve@example.com", "correct horse")
		pages := []string{"/accounts/" + s.acc.ID + "/lists", "/accounts/" + s.acc.ID + "/network", "/lists/" + l.ID}
		for name, b := range map[string]*browser{"stranger": stranger, "other account": other, "freelancer": s.seller} {
			for _, p := range pages {
				if status, body, _ := b.do("GET", p, nil); status != http.StatusNotFound || strings.Contains(body, "Shortlist") {
					t.Errorf("GET %s as the %s: %d", p, name, status)
				}
			}
			for _, p := range []string{"/lists/" + l.ID + "/items", "/lists/" + l.ID + "/rename", "/orders/" + o.ID + "/internal-comments", "/orders/" + o.ID + "/shares"} {
				if status, _, _ := b.do("POST", p, url.Values{"name": {"x"}, "body": {"x"}, "freelancer_id": {s.service.FreelancerID}}); status != http.StatusNotFound {
					t.Errorf("POST %s as the %s: %d", p, name, status)
				}
			}
		}
		if _, body, _ := s.seller.do("GET", "/orders/"+o.ID, nil); strings.Contains(body, "Our secret budget") {
			t.Error("the freelancer reads an internal note")
		}
	})
}

// The collaboration pages are written in both languages: no message key
// shows through.
func TestCollaborationPagesInBothLanguages(t *testing.T) {
	t.Parallel()
	s := newShop(t, db.SQLite)
	ctx := context.Background()
	carl := signUp(t, s.a, "Carl Colleague", "carl@example.com")
	addMember(t, s.a, s.admin, s.acc, carl)
	o, err := s.a.Orders.Place(ctx, s.bob, orders.NewOrder{AccountID: s.acc.ID, ServiceID: s.service.ID, Package: "1", Quantity: 1}, "")
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.a.Sharing.AddComment(ctx, s.bob, o.ID, "Note", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Sharing.AddComment(ctx, s.admin, o.ID, "Reply", first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Sharing.ShareOrder(ctx, s.bob, o.ID, carl.ID); err != nil {
		t.Fatal(err)
	}
	l, err := s.a.Lists.Create(ctx, s.bob, s.acc.ID, "Shortlist")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Lists.AddItem(ctx, s.bob, l.ID, lists.NewItem{ServiceID: s.service.ID, Note: "n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Network.Review(ctx, s.admin, s.acc.ID, s.service.FreelancerID, 5, "Great"); err != nil {
		t.Fatal(err)
	}
	carlB := newBrowser(t, s.ts)
	carlB.signIn("carl@example.com", "correct horse")
	leak := regexp.MustCompile(`\b(lists|network|internal|flash|error|notification)\.[a-z_]+`)
	pages := map[*browser][]string{
		s.buyer: {"/orders/" + o.ID, "/accounts/" + s.acc.ID + "/lists", "/lists/" + l.ID, "/accounts/" + s.acc.ID + "/network",
			"/lists/save?service=" + s.service.ID, "/lists/save?freelancer=" + s.service.FreelancerID},
		carlB: {"/orders/" + o.ID, "/"},
	}
	for b, paths := range pages {
		for _, p := range paths {
			for _, lang := range []string{"en", "fr"} {
				req, _ := http.NewRequest("GET", b.base+p, nil)
				req.Header.Set("Accept-Language", lang)
				res, err := b.c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					t.Fatalf("GET %s (%s): %d", p, lang, res.StatusCode)
				}
				if m := leak.Find(body); m != nil {
					t.Errorf("GET %s (%s) shows the key %s", p, lang, m)
				}
			}
		}
	}
}
