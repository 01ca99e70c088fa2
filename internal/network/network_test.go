package network_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/domaintest"
	"atelier/internal/errs"
	"atelier/internal/network"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/users"
)

// fixture is one test's Atelier with the helpers of the network's tests:
// people, accounts, the catalog, and orders (paid through billing) that
// hire freelancers.
type fixture struct{ *domaintest.Env }

func setup(t *testing.T, e db.Engine) fixture { return fixture{domaintest.New(t, e)} }

// seller makes owner the freelancer name ("Senior <name>"), an agency or
// not, with domaintest's service: Basic at 100.00 and Premium at 600.00.
func (f fixture) seller(t *testing.T, owner users.User, name string, agency bool) domaintest.Seller {
	t.Helper()
	return f.FreelancerOf(t, owner, catalog.Profile{DisplayName: name, Headline: "Senior " + name, Agency: agency})
}

func (f fixture) entry(t *testing.T, viewer users.User, accountID, freelancerID string) network.Entry {
	t.Helper()
	e, err := f.Network.Get(f.Ctx, viewer, accountID, freelancerID)
	if err != nil {
		t.Fatalf("%s's entry of %s: %v", viewer.Name, freelancerID, err)
	}
	return e
}

func (f fixture) list(t *testing.T, viewer users.User, accountID string) []string {
	t.Helper()
	p, err := f.Network.List(f.Ctx, viewer, accountID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range p.Items {
		out = append(out, e.FreelancerID)
	}
	return out
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

func orderIDs(e network.Entry) []string {
	var out []string
	for _, o := range e.Orders {
		out = append(out, o.ID)
	}
	return out
}

// The network is every freelancer of an order that started, plus the
// candidates saved; each entry shows the orders the viewer may open.
func TestWhoIsInTheNetwork(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.BuyingTeam(t, "a"), f.BuyingTeam(t, "b")
		ann := f.seller(t, f.SignUp(t, "ann@example.com", "Ann"), "Ann Studio", false)
		bob := f.seller(t, f.SignUp(t, "bob@example.com", "Bob"), "Bob Films", false)
		cleo := f.seller(t, f.SignUp(t, "cleo@example.com", "Cleo"), "Cleo Words", false)
		dana := f.seller(t, f.SignUp(t, "dana@example.com", "Dana"), "Dana Agency", true)
		stranger := f.SignUp(t, "stranger@example.com", "Stranger")

		mine := f.Order(t, tm.Member, tm.Account.ID, ann.Service, "Basic", "")
		admins := f.Order(t, tm.Admin, tm.Account.ID, ann.Service, "Basic", "")
		waiting := f.Order(t, tm.Member, tm.Account.ID, bob.Service, "Premium", "")
		refused := f.Order(t, tm.Member, tm.Account.ID, cleo.Service, "Premium", "")
		if waiting.Status != orders.PendingApproval || refused.Status != orders.PendingApproval {
			t.Fatalf("orders above the threshold are %s and %s", waiting.Status, refused.Status)
		}
		if _, err := f.Approvals.Reject(f.Ctx, tm.Admin, refused.ID, "Not now"); err != nil {
			t.Fatal(err)
		}
		theirs := f.Order(t, them.Admin, them.Account.ID, ann.Service, "Basic", "")
		f.Order(t, them.Admin, them.Account.ID, dana.Service, "Basic", "")

		// Hired: a started order. Waiting and rejected orders hire nobody.
		if got := f.list(t, tm.Member, tm.Account.ID); !slices.Equal(got, []string{ann.Profile.ID}) {
			t.Fatalf("the network %v, want only Ann", got)
		}
		for _, fr := range []string{bob.Profile.ID, cleo.Profile.ID, dana.Profile.ID, "frl_nope"} {
			_, err := f.Network.Get(f.Ctx, tm.Admin, tm.Account.ID, fr)
			domaintest.WantErr(t, err, errs.KindNotFound, "freelancer_not_in_network", "")
		}
		a := f.entry(t, tm.Admin, tm.Account.ID, ann.Profile.ID)
		if !a.Hired || a.Saved || a.OrdersCount != 2 || a.DisplayName != "Ann Studio" || a.Headline != "Senior Ann Studio" || a.Pro || a.Agency ||
			a.InternalRating != 0 || len(a.InternalReviews) != 0 {
			t.Fatalf("Ann's entry %+v", a)
		}
		// The orders each viewer may open: all for the admin and billing
		// managers, a member's own (and those shared with them).
		for _, c := range []struct {
			who    string
			viewer users.User
			orders []string
		}{
			{"the admin", tm.Admin, []string{admins.ID, mine.ID}},
			{"a billing manager", tm.Billing, []string{admins.ID, mine.ID}},
			{"the member who ordered", tm.Member, []string{mine.ID}},
			{"another member", tm.Other, nil},
		} {
			t.Run(c.who, func(t *testing.T) {
				got := f.entry(t, c.viewer, tm.Account.ID, ann.Profile.ID)
				if !slices.Equal(orderIDs(got), c.orders) || got.OrdersCount != 2 {
					t.Fatalf("%s sees orders %v of %d, want %v", c.who, orderIDs(got), got.OrdersCount, c.orders)
				}
			})
		}
		if _, err := f.Sharing.ShareOrder(f.Ctx, tm.Admin, admins.ID, tm.Other.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.entry(t, tm.Other, tm.Account.ID, ann.Profile.ID); !slices.Equal(orderIDs(got), []string{admins.ID}) || got.Orders[0].BuyerName != tm.Admin.Name ||
			got.Orders[0].Total != admins.Total || got.Orders[0].Status != string(orders.Active) {
			t.Fatalf("an order shared with a member: %+v", got.Orders)
		}
		// Each account has its own network.
		if got := f.entry(t, them.Member, them.Account.ID, ann.Profile.ID); got.OrdersCount != 1 || !slices.Equal(orderIDs(got), []string(nil)) {
			t.Fatalf("the other account's entry of Ann: %d orders, sees %v", got.OrdersCount, orderIDs(got))
		}
		if got := f.entry(t, them.Admin, them.Account.ID, ann.Profile.ID); !slices.Equal(orderIDs(got), []string{theirs.ID}) {
			t.Fatalf("the other account's admin sees %v", orderIDs(got))
		}
		// An approved order hires.
		if _, err := f.Approvals.Approve(f.Ctx, tm.Admin, waiting.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got := f.entry(t, tm.Member, tm.Account.ID, bob.Profile.ID); !got.Hired || got.OrdersCount != 1 {
			t.Fatalf("Bob after the approval %+v", got)
		}

		// Saved candidates: any member, once; unsaving leaves the hired.
		_, err := f.Network.Save(f.Ctx, tm.Other, tm.Account.ID, "frl_nope")
		domaintest.WantErr(t, err, errs.KindNotFound, "freelancer_not_found", "")
		for _, outsider := range []users.User{them.Admin, stranger, dana.Owner} {
			_, err := f.Network.Save(f.Ctx, outsider, tm.Account.ID, dana.Profile.ID)
			domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
		}
		d, err := f.Network.Save(f.Ctx, tm.Other, tm.Account.ID, dana.Profile.ID)
		if err != nil || !d.Saved || d.Hired || d.OrdersCount != 0 || len(d.Orders) != 0 || !d.Agency {
			t.Fatalf("a saved candidate %+v %v", d, err)
		}
		if _, err := f.Network.Save(f.Ctx, tm.Member, tm.Account.ID, dana.Profile.ID); err != nil {
			t.Fatalf("saved twice: %v", err)
		}
		if a, err := f.Network.Save(f.Ctx, tm.Billing, tm.Account.ID, ann.Profile.ID); err != nil || !a.Saved || !a.Hired {
			t.Fatalf("a hired freelancer saved %+v %v", a, err)
		}
		if got, want := f.list(t, tm.Admin, tm.Account.ID), sorted(ann.Profile.ID, bob.Profile.ID, dana.Profile.ID); !slices.Equal(got, want) {
			t.Fatalf("the network %v, want %v", got, want)
		}
		if got := f.list(t, them.Admin, them.Account.ID); !slices.Equal(got, sorted(ann.Profile.ID, dana.Profile.ID)) {
			t.Fatalf("the other account's network %v", got)
		}
		if err := f.Network.Unsave(f.Ctx, tm.Member, tm.Account.ID, ann.Profile.ID); err != nil {
			t.Fatal(err)
		}
		if a := f.entry(t, tm.Member, tm.Account.ID, ann.Profile.ID); a.Saved || !a.Hired {
			t.Fatalf("a hired freelancer unsaved %+v", a)
		}
		domaintest.WantErr(t, f.Network.Unsave(f.Ctx, tm.Member, tm.Account.ID, ann.Profile.ID), errs.KindNotFound, "freelancer_not_in_network", "")
		domaintest.WantErr(t, f.Network.Unsave(f.Ctx, tm.Member, tm.Account.ID, bob.Profile.ID), errs.KindNotFound, "freelancer_not_in_network", "")
		domaintest.WantErr(t, f.Network.Unsave(f.Ctx, them.Admin, tm.Account.ID, dana.Profile.ID), errs.KindNotFound, "account_not_found", "")
		if err := f.Network.Unsave(f.Ctx, tm.Admin, tm.Account.ID, dana.Profile.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.Network.Get(f.Ctx, tm.Admin, tm.Account.ID, dana.Profile.ID)
		domaintest.WantErr(t, err, errs.KindNotFound, "freelancer_not_in_network", "")

		// To anyone outside the account it does not exist, the freelancers in it included.
		for _, outsider := range []users.User{them.Admin, ann.Owner, stranger} {
			_, err := f.Network.List(f.Ctx, outsider, tm.Account.ID, page.Request{})
			domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
			_, err = f.Network.Get(f.Ctx, outsider, tm.Account.ID, ann.Profile.ID)
			domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
		}

		// A page at a time, by freelancer id.
		p, err := f.Network.List(f.Ctx, tm.Admin, tm.Account.ID, page.Request{Limit: 1})
		if err != nil || len(p.Items) != 1 || p.NextCursor == "" {
			t.Fatalf("first page %+v %v", p, err)
		}
		r, _ := page.Parse("1", p.NextCursor)
		p2, err := f.Network.List(f.Ctx, tm.Admin, tm.Account.ID, r)
		if err != nil || len(p2.Items) != 1 || p2.NextCursor != "" {
			t.Fatalf("second page %+v %v", p2, err)
		}
		if got := []string{p.Items[0].FreelancerID, p2.Items[0].FreelancerID}; !slices.Equal(got, sorted(ann.Profile.ID, bob.Profile.ID)) {
			t.Fatalf("paged %v", got)
		}
	})
}

// An entry's orders are the ones its count counts, those that hired: an
// order waiting for approval or rejected is in neither, until it starts.
func TestAnEntryListsTheOrdersThatHired(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.BuyingTeam(t, "a")
		ann := f.seller(t, f.SignUp(t, "ann@example.com", "Ann"), "Ann Studio", false)
		hired := f.Order(t, tm.Member, tm.Account.ID, ann.Service, "Basic", "")
		waiting := f.Order(t, tm.Member, tm.Account.ID, ann.Service, "Premium", "")
		refused := f.Order(t, tm.Member, tm.Account.ID, ann.Service, "Premium", "")
		if _, err := f.Approvals.Reject(f.Ctx, tm.Admin, refused.ID, "Not now"); err != nil {
			t.Fatal(err)
		}
		for _, viewer := range []users.User{tm.Admin, tm.Member} {
			if got := f.entry(t, viewer, tm.Account.ID, ann.Profile.ID); got.OrdersCount != 1 || !slices.Equal(orderIDs(got), []string{hired.ID}) {
				t.Fatalf("%s sees orders_count %d and orders %v, want 1 and only the started one", viewer.Name, got.OrdersCount, orderIDs(got))
			}
		}
		if _, err := f.Approvals.Approve(f.Ctx, tm.Admin, waiting.ID, ""); err != nil {
			t.Fatal(err)
		}
		p, err := f.Network.List(f.Ctx, tm.Admin, tm.Account.ID, page.Request{})
		if err != nil || len(p.Items) != 1 || p.Items[0].OrdersCount != 2 || !slices.Equal(orderIDs(p.Items[0]), []string{waiting.ID, hired.ID}) {
			t.Fatalf("after the approval the network lists %+v (%v)", p.Items, err)
		}
	})
}

// Internal reviews: one per member and freelancer of the network, read by
// the account's members only — never by a member who is the freelancer,
// never outside the account, never in the catalog.
func TestInternalReviews(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.BuyingTeam(t, "a"), f.BuyingTeam(t, "b")
		ann := f.seller(t, f.SignUp(t, "ann@example.com", "Ann"), "Ann Studio", false)
		dana := f.seller(t, f.SignUp(t, "dana@example.com", "Dana"), "Dana Agency", true)
		outside := f.seller(t, f.SignUp(t, "eve@example.com", "Eve"), "Eve Outside", false)
		// A member of the account on the agency's team, and a member who is
		// a freelancer the account saved.
		teamUser := f.SignUp(t, "tom@example.com", "Tom Team")
		f.Join(t, tm.Admin, tm.Account.ID, teamUser, accounts.Member)
		if _, err := f.Catalog.AddAgencyMember(f.Ctx, dana.Owner, dana.Profile.ID, teamUser.Email, "Designer"); err != nil {
			t.Fatal(err)
		}
		self := f.seller(t, tm.Other, "Otto Self", false)
		f.Order(t, tm.Member, tm.Account.ID, ann.Service, "Basic", "")
		f.Order(t, tm.Admin, tm.Account.ID, dana.Service, "Basic", "")
		f.Order(t, them.Admin, them.Account.ID, ann.Service, "Basic", "")
		if _, err := f.Network.Save(f.Ctx, tm.Member, tm.Account.ID, self.Profile.ID); err != nil {
			t.Fatal(err)
		}
		noticesBefore := len(f.Notices(t, ann.Owner))

		for _, c := range []struct {
			name        string
			actor       users.User
			freelancer  string
			rating      int
			text        string
			kind        errs.Kind
			code, field string
		}{
			{"a rating of 0", tm.Member, ann.Profile.ID, 0, "", errs.KindInvalid, "rating_invalid", "rating"},
			{"a rating of 6", tm.Member, ann.Profile.ID, 6, "", errs.KindInvalid, "rating_invalid", "rating"},
			{"a negative rating", tm.Member, ann.Profile.ID, -1, "", errs.KindInvalid, "rating_invalid", "rating"},
			{"a text of 2,001 characters", tm.Member, ann.Profile.ID, 4, strings.Repeat("é", 2001), errs.KindInvalid, "too_long", "text"},
			{"a freelancer outside the network", tm.Member, outside.Profile.ID, 4, "", errs.KindNotFound, "freelancer_not_in_network", ""},
			{"an unknown freelancer", tm.Member, "frl_nope", 4, "", errs.KindNotFound, "freelancer_not_in_network", ""},
			{"another account's admin", them.Admin, ann.Profile.ID, 4, "", errs.KindNotFound, "account_not_found", ""},
			{"the freelancer", ann.Owner, ann.Profile.ID, 5, "", errs.KindNotFound, "account_not_found", ""},
			{"a member who is the freelancer", tm.Other, self.Profile.ID, 5, "", errs.KindInvalid, "internal_review_self", "freelancer_id"},
			{"a member on the agency's team", teamUser, dana.Profile.ID, 5, "", errs.KindInvalid, "internal_review_self", "freelancer_id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.Network.Review(f.Ctx, c.actor, tm.Account.ID, c.freelancer, c.rating, c.text)
				domaintest.WantErr(t, err, c.kind, c.code, c.field)
			})
		}

		got, err := f.Network.Review(f.Ctx, tm.Member, tm.Account.ID, ann.Profile.ID, 4, "  Good, a little slow.  ")
		if err != nil || got.InternalRating != 4 || len(got.InternalReviews) != 1 || got.InternalReviews[0].AuthorID != tm.Member.ID ||
			got.InternalReviews[0].AuthorName != tm.Member.Name || got.InternalReviews[0].Text != "Good, a little slow." || got.InternalReviews[0].Rating != 4 {
			t.Fatalf("after one review %+v %v", got, err)
		}
		f.Clock.Advance(time.Minute)
		if got, err = f.Network.Review(f.Ctx, tm.Admin, tm.Account.ID, ann.Profile.ID, 5, strings.Repeat("é", 2000)); err != nil || got.InternalRating != 4.5 ||
			len(got.InternalReviews) != 2 || got.InternalReviews[0].AuthorID != tm.Admin.ID {
			t.Fatalf("after two reviews, newest first: %+v %v", got.InternalReviews, err)
		}
		// Written again, a member's review is replaced.
		f.Clock.Advance(time.Minute)
		if got, err = f.Network.Review(f.Ctx, tm.Member, tm.Account.ID, ann.Profile.ID, 2, ""); err != nil || got.InternalRating != 3.5 ||
			len(got.InternalReviews) != 2 || got.InternalReviews[0].AuthorID != tm.Member.ID || got.InternalReviews[0].Text != "" || got.InternalReviews[0].Rating != 2 {
			t.Fatalf("after a review written again %+v %v", got.InternalReviews, err)
		}
		// Every member reads them.
		for _, u := range []users.User{tm.Billing, tm.Other, teamUser} {
			if e := f.entry(t, u, tm.Account.ID, ann.Profile.ID); e.InternalRating != 3.5 || len(e.InternalReviews) != 2 {
				t.Fatalf("%s reads %v %d reviews", u.Name, e.InternalRating, len(e.InternalReviews))
			}
		}
		// Never the freelancer's side, even as a member of the account.
		if _, err := f.Network.Review(f.Ctx, tm.Admin, tm.Account.ID, dana.Profile.ID, 3, "Late twice."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Network.Review(f.Ctx, tm.Member, tm.Account.ID, self.Profile.ID, 1, "Hm."); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			viewer     users.User
			freelancer string
			want       int
		}{
			{tm.Admin, dana.Profile.ID, 1}, {teamUser, dana.Profile.ID, 0},
			{tm.Admin, self.Profile.ID, 1}, {tm.Other, self.Profile.ID, 0},
		} {
			if e := f.entry(t, c.viewer, tm.Account.ID, c.freelancer); len(e.InternalReviews) != c.want || (c.want == 0 && e.InternalRating != 0) {
				t.Fatalf("%s reads %d reviews of %s (rating %v), want %d", c.viewer.Name, len(e.InternalReviews), c.freelancer, e.InternalRating, c.want)
			}
		}
		// Never another account, never the catalog, never a notification.
		if e := f.entry(t, them.Admin, them.Account.ID, ann.Profile.ID); len(e.InternalReviews) != 0 || e.InternalRating != 0 {
			t.Fatalf("another account reads %+v", e.InternalReviews)
		}
		if e := f.entry(t, tm.Admin, tm.Account.ID, ann.Profile.ID); e.Rating != 0 || e.ReviewsCount != 0 {
			t.Fatalf("internal reviews in the public rating: %v (%d)", e.Rating, e.ReviewsCount)
		}
		if pub, err := f.Catalog.Freelancer(f.Ctx, nil, ann.Profile.ID); err != nil || pub.ReviewsCount != 0 {
			t.Fatalf("the catalog counts %d reviews (%v)", pub.ReviewsCount, err)
		}
		if n := len(f.Notices(t, ann.Owner)); n != noticesBefore {
			t.Fatalf("the freelancer got %d notices from internal reviews", n-noticesBefore)
		}
	})
}

// Rehire asks a freelancer of the network for a custom offer addressed to
// the account, from any member.
func TestRehire(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.BuyingTeam(t, "a"), f.BuyingTeam(t, "b")
		ann := f.seller(t, f.SignUp(t, "ann@example.com", "Ann"), "Ann Studio", false)
		outside := f.seller(t, f.SignUp(t, "eve@example.com", "Eve"), "Eve Outside", false)
		self := f.seller(t, tm.Other, "Otto Self", false)
		f.Order(t, tm.Member, tm.Account.ID, ann.Service, "Basic", "")
		if _, err := f.Network.Save(f.Ctx, tm.Member, tm.Account.ID, self.Profile.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name        string
			actor       users.User
			freelancer  string
			message     string
			kind        errs.Kind
			code, field string
		}{
			{"a message of 2,001 characters", tm.Member, ann.Profile.ID, strings.Repeat("m", 2001), errs.KindInvalid, "too_long", "message"},
			{"another account's admin", them.Admin, ann.Profile.ID, "Hi", errs.KindNotFound, "account_not_found", ""},
			{"the freelancer", ann.Owner, ann.Profile.ID, "Hi", errs.KindNotFound, "account_not_found", ""},
			{"a freelancer outside the network", tm.Member, outside.Profile.ID, "Hi", errs.KindNotFound, "freelancer_not_in_network", ""},
			{"a member who is the freelancer", tm.Other, self.Profile.ID, "Hi", errs.KindInvalid, "rehire_self", "freelancer_id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.Network.RequestRehire(f.Ctx, c.actor, tm.Account.ID, c.freelancer, c.message)
				domaintest.WantErr(t, err, c.kind, c.code, c.field)
			})
		}
		for _, n := range f.Notices(t, ann.Owner) {
			if n.Kind == "rehire_requested" {
				t.Fatalf("a refused request told the freelancer: %+v", n)
			}
		}

		now := f.Clock.Now()
		r, err := f.Network.RequestRehire(f.Ctx, tm.Billing, tm.Account.ID, ann.Profile.ID, "  Another logo?  ")
		if err != nil || r.Message != "Another logo?" || r.OfferLink != "/offers/new?account="+tm.Account.ID || r.AccountID != tm.Account.ID ||
			r.FreelancerID != ann.Profile.ID || r.RequestedAt.Before(now) {
			t.Fatalf("rehire %+v %v", r, err)
		}
		n := f.Notices(t, ann.Owner)[0]
		if n.Kind != "rehire_requested" || n.Link != r.OfferLink || n.Params["from"] != tm.Billing.Name || n.Params["message"] != "Another logo?" {
			t.Fatalf("the freelancer was told %+v", n)
		}
		for k, v := range n.Params {
			if v == tm.Account.Name {
				t.Fatalf("the account's name was sent as %s", k)
			}
		}
		// A message of the limit, and none at all, are fine.
		if _, err := f.Network.RequestRehire(f.Ctx, tm.Member, tm.Account.ID, ann.Profile.ID, strings.Repeat("m", 2000)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Network.RequestRehire(f.Ctx, tm.Member, tm.Account.ID, self.Profile.ID, ""); err != nil {
			t.Fatalf("another member asks a member who is a freelancer: %v", err)
		}
		log, err := f.Accounts.AuditLog(f.Ctx, tm.Admin, tm.Account.ID, page.Request{Limit: page.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		var rehires []string
		for _, a := range log.Items {
			if a.Action == "network.rehire_requested" {
				rehires = append(rehires, a.ActorID+" "+a.Target)
			}
		}
		want := []string{tm.Member.ID + " " + self.Profile.ID, tm.Member.ID + " " + ann.Profile.ID, tm.Billing.ID + " " + ann.Profile.ID}
		if !slices.Equal(rehires, want) {
			t.Fatalf("audited rehires %v, want %v", rehires, want)
		}
	})
}
