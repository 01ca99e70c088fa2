package api_test

import (
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// collab is a market with a second member in the buyer's account, a
// second business account with its admin, and a stranger.
type collab struct {
	market
	colleague   *apptest.Client
	colleagueID string
	adminID     string
	memberID    string
	other       *apptest.Client // admin of another account
	otherAc     string
	stranger    *apptest.Client
	order       string // placed by the member, running
}

func newCollab(t *testing.T, e db.Engine) collab {
	t.Helper()
	c := collab{market: newMarket(t, e)}
	c.colleague, c.colleagueID = c.s.SignUp(t, "colleague@acme.test", "Cleo Colleague")
	c.colleague.Join(c.admin, c.ac)
	c.adminID = c.admin.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
	c.memberID = c.member.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
	c.other, _ = c.s.SignUp(t, "olga@globex.test", "Olga Other")
	c.otherAc = c.other.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Globex"})["id"].(string)
	c.stranger, _ = c.s.SignUp(t, "eve@nowhere.test", "Eve Stranger")
	o := c.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": c.ac, "service_id": c.service, "package": "Basic"})
	if o["status"] != "active" {
		t.Fatalf("order %v", o)
	}
	c.order = o["id"].(string)
	return c
}

func notificationKinds(t *testing.T, c *apptest.Client) []string {
	t.Helper()
	var kinds []string
	for _, n := range c.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any) {
		kinds = append(kinds, n.(map[string]any)["kind"].(string))
	}
	return kinds
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// An order shared with a colleague: they read it (and see it among the
// account's orders) but cannot act on it; internal comments reach the
// account's members who see the order, with @mentions, and never the
// freelancer.
func TestOrderSharingAndInternalComments(t *testing.T) {
	dbtest.EachWith(t, newCollab, func(t *testing.T, c collab) {
		path := "/api/v1/orders/" + c.order
		wantError(t, c.colleague.Do("GET", path, nil), 404, "order_not_found", "")
		wantError(t, c.colleague.Do("POST", path+"/internal-comments", map[string]any{"body": "hi"}), 404, "order_not_found", "")

		// Only a member of the order's account can be given it.
		wantError(t, c.member.Do("POST", path+"/shares", map[string]any{"user_id": "usr_nobody"}), 422, "not_a_member", "user_id")
		wantError(t, c.member.Do("POST", path+"/shares", map[string]any{}), 422, "required", "user_id")
		wantError(t, c.seller.Do("POST", path+"/shares", map[string]any{"user_id": c.colleagueID}), 404, "internal_comments_not_found", "")
		shares := c.member.Must(201, "POST", path+"/shares", map[string]any{"user_id": c.colleagueID})["items"].([]any)
		if len(shares) != 1 || shares[0].(map[string]any)["user_id"] != c.colleagueID {
			t.Fatalf("shares %v", shares)
		}
		c.member.Must(201, "POST", path+"/shares", map[string]any{"user_id": c.colleagueID}) // twice: nothing more
		if kinds := notificationKinds(t, c.colleague); strings.Count(strings.Join(kinds, ","), "order_shared") != 1 {
			t.Fatalf("colleague notifications %v", kinds)
		}

		got := c.colleague.Must(200, "GET", path, nil)
		if got["side"] != "client" || got["read_only"] != true {
			t.Fatalf("the colleague sees %v", got)
		}
		if items := c.colleague.Must(200, "GET", "/api/v1/accounts/"+c.ac+"/orders", nil)["items"].([]any); len(items) != 1 {
			t.Fatalf("colleague's orders %v", items)
		}
		wantError(t, c.colleague.Do("POST", path+"/messages", map[string]any{"body": "hello"}), 403, "order_shared_read_only", "")
		wantError(t, c.colleague.Do("POST", path+"/cancellation", map[string]any{"reason": "no"}), 403, "order_shared_read_only", "")

		// Internal comments.
		wantError(t, c.colleague.Do("POST", path+"/internal-comments", map[string]any{"body": "  "}), 422, "required", "body")
		secret := "Budget is tight, @Ada Admin can we negotiate?"
		cm := c.colleague.Must(201, "POST", path+"/internal-comments", map[string]any{"body": secret})
		if cm["author_name"] != "Cleo Colleague" || cm["body"] != secret {
			t.Fatalf("comment %v", cm)
		}
		wantError(t, c.admin.Do("POST", path+"/internal-comments", map[string]any{"body": "Agreed.", "reply_to": "ocm_nope"}), 422, "comment_not_found", "reply_to")
		reply := c.admin.Must(201, "POST", path+"/internal-comments", map[string]any{"body": "Agreed.", "reply_to": cm["id"]})
		// A reply to a reply joins the thread.
		again := c.member.Must(201, "POST", path+"/internal-comments", map[string]any{"body": "Me too.", "reply_to": reply["id"]})
		if reply["reply_to"] != cm["id"] || again["reply_to"] != cm["id"] {
			t.Fatalf("replies %v %v", reply, again)
		}
		list := c.member.Must(200, "GET", path+"/internal-comments", nil)["items"].([]any)
		if len(list) != 3 || list[0].(map[string]any)["body"] != secret || list[1].(map[string]any)["reply_to"] != cm["id"] {
			t.Fatalf("comments %v", list)
		}
		// The thread's author is told of the replies.
		if !has(notificationKinds(t, c.colleague), "order_internal_comment") {
			t.Fatal("the thread's author was not told of a reply")
		}
		if !has(notificationKinds(t, c.admin), "order_internal_comment") {
			t.Fatal("the mentioned admin was not told")
		}
		if !has(notificationKinds(t, c.member), "order_internal_comment") {
			t.Fatal("the buyer was not told")
		}

		// The freelancer never sees them.
		wantError(t, c.seller.Do("GET", path+"/internal-comments", nil), 404, "internal_comments_not_found", "")
		wantError(t, c.seller.Do("POST", path+"/internal-comments", map[string]any{"body": "peek"}), 404, "internal_comments_not_found", "")
		wantError(t, c.seller.Do("GET", path+"/shares", nil), 404, "internal_comments_not_found", "")
		for _, p := range []string{path, path + "/messages", "/api/v1/me/notifications?limit=100", "/api/v1/freelancers/" + c.freelancer + "/orders"} {
			if r := c.seller.Do("GET", p, nil); r.Status != 200 || strings.Contains(string(r.Raw), "Budget is tight") || strings.Contains(string(r.Raw), "internal") {
				t.Fatalf("the freelancer reads %s: %d %s", p, r.Status, r.Raw)
			}
		}
		sellerEmail := "seller@studio.test"
		if n := countRows(t, c.market, `SELECT COUNT(*) FROM outbox WHERE payload LIKE ? AND (payload LIKE ? OR payload LIKE ?)`,
			"%"+sellerEmail+"%", "%order_internal_comment%", "%Budget is tight%"); n != 0 {
			t.Fatalf("%d e-mails to the freelancer carry the internal comment", n)
		}
		if n := countRows(t, c.market, `SELECT COUNT(*) FROM outbox WHERE payload LIKE ?`, "%Budget is tight%"); n != 0 {
			t.Fatalf("%d e-mails carry the comment's text", n)
		}
		wantError(t, c.other.Do("GET", path+"/internal-comments", nil), 404, "order_not_found", "")

		// Unsharing takes the order away again.
		c.member.Must(204, "DELETE", path+"/shares/"+c.colleagueID, nil)
		wantError(t, c.colleague.Do("GET", path, nil), 404, "order_not_found", "")
		wantError(t, c.colleague.Do("GET", path+"/internal-comments", nil), 404, "order_not_found", "")
	})
}

// Lists are edited together by the account's members, shared read-only
// with another account, and revocable.
func TestListsSharedReadOnlyAndRevocable(t *testing.T) {
	dbtest.EachWith(t, newCollab, func(t *testing.T, c collab) {
		wantError(t, c.member.Do("POST", "/api/v1/accounts/"+c.ac+"/lists", map[string]any{"name": " "}), 422, "required", "name")
		l := c.member.Must(201, "POST", "/api/v1/accounts/"+c.ac+"/lists", map[string]any{"name": "Logo designers"})
		id := l["id"].(string)
		lp := "/api/v1/lists/" + id
		// Another member edits it too.
		c.colleague.Must(200, "PATCH", lp, map[string]any{"name": "Logo & brand designers"})
		it := c.colleague.Must(201, "POST", lp+"/items", map[string]any{"freelancer_id": c.freelancer, "note": "Fast, good taste"})
		if it["kind"] != "freelancer" || it["freelancer_name"] != "Sam Studio" || it["note"] != "Fast, good taste" {
			t.Fatalf("item %v", it)
		}
		svc := c.member.Must(201, "POST", lp+"/items", map[string]any{"service_id": c.service})
		if svc["kind"] != "service" || svc["service_title"] != "Brand identity for your startup" {
			t.Fatalf("service item %v", svc)
		}
		wantError(t, c.member.Do("POST", lp+"/items", map[string]any{"service_id": c.service}), 409, "already_in_list", "")
		wantError(t, c.member.Do("POST", lp+"/items", map[string]any{"freelancer_id": "frl_nope"}), 422, "freelancer_not_found", "freelancer_id")
		wantError(t, c.member.Do("POST", lp+"/items", map[string]any{}), 422, "list_item_required", "freelancer_id")
		got := c.admin.Must(200, "GET", lp, nil)
		if got["name"] != "Logo & brand designers" || len(got["items"].([]any)) != 2 || got["read_only"] != false {
			t.Fatalf("list %v", got)
		}
		if items := c.admin.Must(200, "GET", "/api/v1/accounts/"+c.ac+"/lists", nil)["items"].([]any); len(items) != 1 {
			t.Fatalf("account lists %v", items)
		}

		// Strangers, other accounts and the freelancer: 404.
		for _, who := range []*apptest.Client{c.other, c.stranger, c.seller} {
			wantError(t, who.Do("GET", lp, nil), 404, "list_not_found", "")
			wantError(t, who.Do("POST", lp+"/items", map[string]any{"freelancer_id": c.freelancer}), 404, "list_not_found", "")
		}

		// Shared with Globex: its members read it, and cannot change it.
		wantError(t, c.member.Do("POST", lp+"/shares", map[string]any{"account_id": c.ac}), 422, "list_share_own_account", "account_id")
		wantError(t, c.member.Do("POST", lp+"/shares", map[string]any{"account_id": "acc_nope"}), 422, "account_not_found", "account_id")
		shares := c.member.Must(201, "POST", lp+"/shares", map[string]any{"account_id": c.otherAc})["items"].([]any)
		if len(shares) != 1 || shares[0].(map[string]any)["account_name"] != "Globex" {
			t.Fatalf("shares %v", shares)
		}
		if !has(notificationKinds(t, c.other), "list_shared") {
			t.Fatal("the other account's admin was not told")
		}
		ro := c.other.Must(200, "GET", lp, nil)
		if ro["read_only"] != true || len(ro["items"].([]any)) != 2 || ro["shares"] != nil {
			t.Fatalf("shared list %v", ro)
		}
		if items := c.other.Must(200, "GET", "/api/v1/accounts/"+c.otherAc+"/shared-lists", nil)["items"].([]any); len(items) != 1 {
			t.Fatalf("shared lists %v", items)
		}
		wantError(t, c.other.Do("PATCH", lp, map[string]any{"name": "Mine now"}), 403, "list_read_only", "")
		wantError(t, c.other.Do("POST", lp+"/items", map[string]any{"freelancer_id": c.freelancer}), 403, "list_read_only", "")
		wantError(t, c.other.Do("DELETE", lp+"/items/"+it["id"].(string), nil), 403, "list_read_only", "")
		wantError(t, c.other.Do("DELETE", lp, nil), 403, "list_read_only", "")
		wantError(t, c.other.Do("GET", lp+"/shares", nil), 403, "list_read_only", "")
		wantError(t, c.stranger.Do("GET", lp, nil), 404, "list_not_found", "")

		// Revoked: the list no longer exists for Globex.
		c.colleague.Must(204, "DELETE", lp+"/shares/"+c.otherAc, nil)
		wantError(t, c.other.Do("GET", lp, nil), 404, "list_not_found", "")
		if items := c.other.Must(200, "GET", "/api/v1/accounts/"+c.otherAc+"/shared-lists", nil)["items"].([]any); len(items) != 0 {
			t.Fatalf("shared lists after revocation %v", items)
		}
		wantError(t, c.member.Do("DELETE", lp+"/shares/"+c.otherAc, nil), 404, "list_share_not_found", "")

		c.member.Must(204, "DELETE", lp+"/items/"+it["id"].(string), nil)
		if n := len(c.member.Must(200, "GET", lp, nil)["items"].([]any)); n != 1 {
			t.Fatalf("%d items after removal", n)
		}
		c.admin.Must(204, "DELETE", lp, nil)
		wantError(t, c.member.Do("GET", lp, nil), 404, "list_not_found", "")
	})
}

// The network holds every freelancer the account hired plus saved
// candidates, with the account's orders and internal reviews; a rehire
// tells the freelancer with a link to the offer form for this account.
func TestFreelancerNetwork(t *testing.T) {
	dbtest.EachWith(t, newCollab, func(t *testing.T, c collab) {
		candidate, _ := c.s.SignUp(t, "cand@studio.test", "Cara Candidate")
		cand := candidate.Must(201, "POST", "/api/v1/freelancers", map[string]any{"display_name": "Cara Motion", "country": "ES",
			"hourly_rate": map[string]any{"amount": 6000, "currency": "USD"}})["id"].(string)
		np := "/api/v1/accounts/" + c.ac + "/network"

		items := c.admin.Must(200, "GET", np, nil)["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("network %v", items)
		}
		hired := items[0].(map[string]any)
		if hired["freelancer_id"] != c.freelancer || hired["hired"] != true || hired["orders_count"].(float64) != 1 || len(hired["orders"].([]any)) != 1 {
			t.Fatalf("hired %v", hired)
		}
		// A member sees the hire, but only the orders they may open.
		if got := c.colleague.Must(200, "GET", np+"/"+c.freelancer, nil); got["orders_count"].(float64) != 1 || len(got["orders"].([]any)) != 0 {
			t.Fatalf("the colleague sees %v", got)
		}

		wantError(t, c.member.Do("POST", np+"/frl_nope/save", nil), 404, "freelancer_not_found", "")
		wantError(t, c.member.Do("POST", np, map[string]any{}), 404, "freelancer_not_found", "")
		c.member.Must(201, "POST", np, map[string]any{"freelancer_id": cand})
		saved := c.member.Must(201, "POST", np+"/"+cand+"/save", nil) // twice: nothing more
		if saved["saved"] != true || saved["hired"] != false {
			t.Fatalf("saved %v", saved)
		}
		if n := len(c.admin.Must(200, "GET", np, nil)["items"].([]any)); n != 2 {
			t.Fatalf("network has %d", n)
		}

		// Internal reviews: one per member, replaced when written again.
		wantError(t, c.member.Do("POST", np+"/"+c.freelancer+"/internal-reviews", map[string]any{"rating": 6}), 422, "rating_invalid", "rating")
		wantError(t, c.member.Do("POST", np+"/frl_other/internal-reviews", map[string]any{"rating": 4}), 404, "freelancer_not_in_network", "")
		c.member.Must(200, "POST", np+"/"+c.freelancer+"/internal-reviews", map[string]any{"rating": 2, "text": "Slow answers"})
		c.member.Must(200, "POST", np+"/"+c.freelancer+"/internal-reviews", map[string]any{"rating": 4, "text": "Great logo, slow answers"})
		got := c.admin.Must(200, "POST", np+"/"+c.freelancer+"/internal-reviews", map[string]any{"rating": 5, "text": "Would hire again"})
		if revs := got["internal_reviews"].([]any); len(revs) != 2 || got["internal_rating"].(float64) != 4.5 {
			t.Fatalf("internal reviews %v", got)
		}
		// The list says the same of each (read for all of them at once): the
		// reviews, and to a member only the orders they may open.
		for _, who := range []*apptest.Client{c.admin, c.colleague} {
			listed := 0
			for _, it := range who.Must(200, "GET", np, nil)["items"].([]any) {
				l := it.(map[string]any)
				if l["freelancer_id"] == c.freelancer || l["freelancer_id"] == cand {
					listed++
				}
				want := 1
				if who == c.colleague {
					want = 0
				}
				if l["freelancer_id"] == c.freelancer && (len(l["internal_reviews"].([]any)) != 2 || l["internal_rating"].(float64) != 4.5 || len(l["orders"].([]any)) != want) {
					t.Fatalf("listed as %v", l)
				}
				if l["freelancer_id"] == cand && (len(l["internal_reviews"].([]any)) != 0 || l["saved"] != true) {
					t.Fatalf("the candidate listed as %v", l)
				}
			}
			if listed != 2 {
				t.Fatalf("the list shows %d of the hired freelancer and the candidate", listed)
			}
		}
		// Never in the catalog.
		if r := c.stranger.Do("GET", "/api/v1/freelancers/"+c.freelancer, nil); strings.Contains(string(r.Raw), "Would hire again") || strings.Contains(string(r.Raw), "internal") {
			t.Fatalf("the profile shows internal reviews: %s", r.Raw)
		}

		// Rehire.
		rh := c.colleague.Must(201, "POST", np+"/"+c.freelancer+"/rehire", map[string]any{"message": "New brand refresh for Q3?"})
		if rh["offer_link"] != "/offers/new?account="+c.ac {
			t.Fatalf("rehire %v", rh)
		}
		notes := c.seller.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		var found map[string]any
		for _, n := range notes {
			if n := n.(map[string]any); n["kind"] == "rehire_requested" {
				found = n
			}
		}
		if found == nil || found["link"] != "/offers/new?account="+c.ac || strings.Contains(string(c.seller.Do("GET", "/api/v1/me/notifications?limit=100", nil).Raw), "hire again") {
			t.Fatalf("the freelancer's notifications %v", notes)
		}
		wantError(t, c.member.Do("POST", np+"/frl_other/rehire", map[string]any{}), 404, "freelancer_not_in_network", "")
		// The link leads to an offer to this account.
		c.seller.Must(201, "POST", "/api/v1/offers", map[string]any{"account_id": c.ac, "kind": "fixed", "title": "Brand refresh",
			"description": "Q3", "price": usd(50000), "delivery_days": 7, "revisions": 1})

		c.member.Must(204, "DELETE", np+"/"+cand+"/save", nil)
		wantError(t, c.member.Do("GET", np+"/"+cand, nil), 404, "freelancer_not_in_network", "")
	})
}

// Every read route of collaboration answers 404 to a stranger, to a member
// of another account and to the freelancer of the account's orders (API.md:
// another account's objects do not exist).
func TestCollaborationIsPrivateToItsAccount(t *testing.T) {
	dbtest.EachWith(t, newCollab, func(t *testing.T, c collab) {
		c.member.Must(201, "POST", "/api/v1/orders/"+c.order+"/shares", map[string]any{"user_id": c.colleagueID})
		c.member.Must(201, "POST", "/api/v1/orders/"+c.order+"/internal-comments", map[string]any{"body": "private"})
		list := c.member.Must(201, "POST", "/api/v1/accounts/"+c.ac+"/lists", map[string]any{"name": "Shortlist"})["id"].(string)
		c.member.Must(201, "POST", "/api/v1/lists/"+list+"/items", map[string]any{"freelancer_id": c.freelancer})
		c.admin.Must(200, "POST", "/api/v1/accounts/"+c.ac+"/network/"+c.freelancer+"/internal-reviews", map[string]any{"rating": 3})

		reads := []string{
			"/orders/" + c.order + "/internal-comments",
			"/orders/" + c.order + "/shares",
			"/accounts/" + c.ac + "/lists",
			"/accounts/" + c.ac + "/shared-lists",
			"/lists/" + list,
			"/lists/" + list + "/shares",
			"/accounts/" + c.ac + "/network",
			"/accounts/" + c.ac + "/network/" + c.freelancer,
		}
		for _, p := range reads {
			for name, who := range map[string]*apptest.Client{"stranger": c.stranger, "other account": c.other, "freelancer": c.seller} {
				if r := who.Do("GET", "/api/v1"+p, nil); r.Status != 404 {
					t.Errorf("GET %s as the %s: %d %s", p, name, r.Status, r.Raw)
				}
			}
			if r := c.s.Client(t).Do("GET", "/api/v1"+p, nil); r.Status != 401 {
				t.Errorf("GET %s anonymously: %d", p, r.Status)
			}
			// And the account's own members read them.
			if r := c.colleague.Do("GET", "/api/v1"+p, nil); r.Status != 200 {
				t.Errorf("GET %s as a member: %d %s", p, r.Status, r.Raw)
			}
		}

		// A freelancer who is also a member of the account (the admin makes
		// them a billing manager) still never reads the internal layer of
		// their own order, nor the team's reviews of them, nor is told of a
		// note that names them.
		c.seller.Join(c.admin, c.ac)
		sellerID := c.seller.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
		c.admin.Must(200, "PATCH", "/api/v1/accounts/"+c.ac+"/members/"+sellerID, map[string]any{"role": "billing_manager"})
		wantError(t, c.seller.Do("GET", "/api/v1/orders/"+c.order+"/internal-comments", nil), 404, "internal_comments_not_found", "")
		// Nor can the order be shared with them.
		wantError(t, c.admin.Do("POST", "/api/v1/orders/"+c.order+"/shares", map[string]any{"user_id": sellerID}), 422, "not_a_member", "user_id")
		c.admin.Must(201, "POST", "/api/v1/orders/"+c.order+"/internal-comments", map[string]any{"body": "@Sam Seller is slow"})
		if has(notificationKinds(t, c.seller), "order_internal_comment") {
			t.Error("the freelancer was told of an internal note")
		}
		c.admin.Must(200, "POST", "/api/v1/accounts/"+c.ac+"/network/"+c.freelancer+"/internal-reviews", map[string]any{"rating": 3, "text": "Slow"})
		entry := c.seller.Must(200, "GET", "/api/v1/accounts/"+c.ac+"/network/"+c.freelancer, nil)
		if len(entry["internal_reviews"].([]any)) != 0 || entry["internal_rating"].(float64) != 0 {
			t.Errorf("the freelancer reads the team's reviews of them: %v", entry)
		}
		listed := false
		for _, it := range c.seller.Must(200, "GET", "/api/v1/accounts/"+c.ac+"/network", nil)["items"].([]any) {
			if l := it.(map[string]any); l["freelancer_id"] == c.freelancer {
				listed = true
				if len(l["internal_reviews"].([]any)) != 0 || l["internal_rating"].(float64) != 0 {
					t.Errorf("the freelancer reads the team's reviews of them in the list: %v", l)
				}
			}
		}
		if !listed {
			t.Error("the freelancer's own entry is not in the network list they read")
		}
		if got := c.admin.Must(200, "GET", "/api/v1/accounts/"+c.ac+"/network/"+c.freelancer, nil); len(got["internal_reviews"].([]any)) != 1 {
			t.Errorf("the admin reads %v", got["internal_reviews"])
		}
		wantError(t, c.seller.Do("POST", "/api/v1/accounts/"+c.ac+"/network/"+c.freelancer+"/internal-reviews", map[string]any{"rating": 5}), 422, "internal_review_self", "freelancer_id")
		if n := countRows(t, c.market, `SELECT COUNT(*) FROM outbox WHERE payload LIKE ? AND payload LIKE ?`, "%seller@studio.test%", "%internal_comment%"); n != 0 {
			t.Errorf("%d e-mails of internal notes to the freelancer", n)
		}
	})
}
