package network_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/clock"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/network"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/payments"
	"atelier/internal/users"
)

// fixture is one test's database with what the network is made of around
// it: people, accounts, the catalog, and orders (paid through billing)
// that hire freelancers.
type fixture struct {
	ctx    context.Context
	clk    *clock.Test
	db     *db.DB
	users  *users.Service
	acc    *accounts.Service
	cat    *catalog.Service
	orders *orders.Service
	net    *network.Service
}

func setup(t *testing.T, e db.Engine) *fixture {
	t.Helper()
	users.UseTestCost()
	clk := clocktest.New(t)
	d := dbtest.Open(t, e, clk)
	f := &fixture{ctx: context.Background(), clk: clk, db: d, users: &users.Service{DB: d}, acc: &accounts.Service{DB: d},
		cat: &catalog.Service{DB: d}, net: &network.Service{DB: d}}
	bill := &billing.Service{DB: d, Provider: payments.NewTest(), Config: billing.DefaultConfig(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.orders = &orders.Service{DB: d, Billing: bill, Catalog: f.cat}
	return f
}

func (f *fixture) user(t *testing.T, email, name string) users.User {
	t.Helper()
	u, err := f.users.SignUp(f.ctx, users.NewUser{Email: email, Password: "correct horse", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) join(t *testing.T, admin users.User, accountID string, u users.User, role accounts.Role) {
	t.Helper()
	inv, err := f.acc.Invite(f.ctx, admin, accountID, u.Email, role)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.AcceptInvitation(f.ctx, u, inv.ID); err != nil {
		t.Fatal(err)
	}
}

// team is a USD account with a card, its admin, a billing manager and two
// members; orders above 500.00 wait for the admin.
type team struct {
	acc                           accounts.Account
	admin, billing, member, other users.User
}

func (f *fixture) team(t *testing.T, prefix string) team {
	t.Helper()
	tm := team{admin: f.user(t, prefix+"-admin@example.com", prefix+" Admin"), billing: f.user(t, prefix+"-billing@example.com", prefix+" Billing"),
		member: f.user(t, prefix+"-member@example.com", prefix+" Member"), other: f.user(t, prefix+"-other@example.com", prefix+" Other")}
	var err error
	if tm.acc, err = f.acc.Create(f.ctx, tm.admin, prefix+" Corp", "USD"); err != nil {
		t.Fatal(err)
	}
	f.join(t, tm.admin, tm.acc.ID, tm.billing, accounts.BillingManager)
	f.join(t, tm.admin, tm.acc.ID, tm.member, accounts.Member)
	f.join(t, tm.admin, tm.acc.ID, tm.other, accounts.Member)
	if _, err := f.orders.Billing.AddCard(f.ctx, tm.admin, tm.acc.ID, "tok_visa"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.SetPolicies(f.ctx, tm.admin, tm.acc.ID, accounts.Policies{OrderApprovalThreshold: new(money.New(50000, "USD"))}); err != nil {
		t.Fatal(err)
	}
	return tm
}

// seller is a freelancer profile with one service: Basic at 100.00 and
// Premium at 600.00.
type seller struct {
	owner   users.User
	profile catalog.Freelancer
	service catalog.Listing
}

func (f *fixture) seller(t *testing.T, owner users.User, name string, agency bool) seller {
	t.Helper()
	fr, err := f.cat.CreateFreelancer(f.ctx, owner, catalog.Profile{DisplayName: name, Headline: "Senior " + name, Country: "FR",
		HourlyRate: money.New(5000, "USD"), Agency: agency})
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.cat.CreateService(f.ctx, owner, catalog.Offer{FreelancerID: fr.ID, Title: "Design work by " + name, Description: "Careful work.",
		Category: "graphics-design", MaxQuantity: 5, Packages: []catalog.Package{
			{Name: "Basic", Price: money.New(10000, "USD"), DeliveryDays: 3}, {Name: "Premium", Price: money.New(60000, "USD"), DeliveryDays: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	return seller{owner, fr, l}
}

func (f *fixture) order(t *testing.T, buyer users.User, accountID string, s seller, pkg string) orders.Order {
	t.Helper()
	o, err := f.orders.Place(f.ctx, buyer, orders.NewOrder{AccountID: accountID, ServiceID: s.service.ID, Package: pkg, Quantity: 1}, "")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) entry(t *testing.T, viewer users.User, accountID, freelancerID string) network.Entry {
	t.Helper()
	e, err := f.net.Get(f.ctx, viewer, accountID, freelancerID)
	if err != nil {
		t.Fatalf("%s's entry of %s: %v", viewer.Name, freelancerID, err)
	}
	return e
}

func (f *fixture) list(t *testing.T, viewer users.User, accountID string) []string {
	t.Helper()
	p, err := f.net.List(f.ctx, viewer, accountID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range p.Items {
		out = append(out, e.FreelancerID)
	}
	return out
}

func (f *fixture) notices(t *testing.T, u users.User) []notify.Notification {
	t.Helper()
	p, err := notify.List(f.ctx, f.db, u.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
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

func wantErr(t *testing.T, err error, kind errs.Kind, code, field string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Code != code || e.Field != field {
		t.Fatalf("got %v, want %s on %q (kind %d)", err, code, field, kind)
	}
}

// The network is every freelancer of an order that started, plus the
// candidates saved; each entry shows the orders the viewer may open.
func TestWhoIsInTheNetwork(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm, them := f.team(t, "a"), f.team(t, "b")
		ann := f.seller(t, f.user(t, "ann@example.com", "Ann"), "Ann Studio", false)
		bob := f.seller(t, f.user(t, "bob@example.com", "Bob"), "Bob Films", false)
		cleo := f.seller(t, f.user(t, "cleo@example.com", "Cleo"), "Cleo Words", false)
		dana := f.seller(t, f.user(t, "dana@example.com", "Dana"), "Dana Agency", true)
		stranger := f.user(t, "stranger@example.com", "Stranger")

		mine := f.order(t, tm.member, tm.acc.ID, ann, "Basic")
		admins := f.order(t, tm.admin, tm.acc.ID, ann, "Basic")
		waiting := f.order(t, tm.member, tm.acc.ID, bob, "Premium")
		refused := f.order(t, tm.member, tm.acc.ID, cleo, "Premium")
		if waiting.Status != orders.PendingApproval || refused.Status != orders.PendingApproval {
			t.Fatalf("orders above the threshold are %s and %s", waiting.Status, refused.Status)
		}
		if _, err := f.orders.Reject(f.ctx, tm.admin, refused.ID, "Not now"); err != nil {
			t.Fatal(err)
		}
		theirs := f.order(t, them.admin, them.acc.ID, ann, "Basic")
		f.order(t, them.admin, them.acc.ID, dana, "Basic")

		// Hired: a started order. Waiting and rejected orders hire nobody.
		if got := f.list(t, tm.member, tm.acc.ID); !slices.Equal(got, []string{ann.profile.ID}) {
			t.Fatalf("the network %v, want only Ann", got)
		}
		for _, fr := range []string{bob.profile.ID, cleo.profile.ID, dana.profile.ID, "frl_nope"} {
			_, err := f.net.Get(f.ctx, tm.admin, tm.acc.ID, fr)
			wantErr(t, err, errs.KindNotFound, "freelancer_not_in_network", "")
		}
		a := f.entry(t, tm.admin, tm.acc.ID, ann.profile.ID)
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
			{"the admin", tm.admin, []string{admins.ID, mine.ID}},
			{"a billing manager", tm.billing, []string{admins.ID, mine.ID}},
			{"the member who ordered", tm.member, []string{mine.ID}},
			{"another member", tm.other, nil},
		} {
			t.Run(c.who, func(t *testing.T) {
				got := f.entry(t, c.viewer, tm.acc.ID, ann.profile.ID)
				if !slices.Equal(orderIDs(got), c.orders) || got.OrdersCount != 2 {
					t.Fatalf("%s sees orders %v of %d, want %v", c.who, orderIDs(got), got.OrdersCount, c.orders)
				}
			})
		}
		if _, err := f.orders.ShareOrder(f.ctx, tm.admin, admins.ID, tm.other.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.entry(t, tm.other, tm.acc.ID, ann.profile.ID); !slices.Equal(orderIDs(got), []string{admins.ID}) || got.Orders[0].BuyerName != tm.admin.Name ||
			got.Orders[0].Total != admins.Total || got.Orders[0].Status != string(orders.Active) {
			t.Fatalf("an order shared with a member: %+v", got.Orders)
		}
		// Each account has its own network.
		if got := f.entry(t, them.member, them.acc.ID, ann.profile.ID); got.OrdersCount != 1 || !slices.Equal(orderIDs(got), []string(nil)) {
			t.Fatalf("the other account's entry of Ann: %d orders, sees %v", got.OrdersCount, orderIDs(got))
		}
		if got := f.entry(t, them.admin, them.acc.ID, ann.profile.ID); !slices.Equal(orderIDs(got), []string{theirs.ID}) {
			t.Fatalf("the other account's admin sees %v", orderIDs(got))
		}
		// An approved order hires.
		if _, err := f.orders.Approve(f.ctx, tm.admin, waiting.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got := f.entry(t, tm.member, tm.acc.ID, bob.profile.ID); !got.Hired || got.OrdersCount != 1 {
			t.Fatalf("Bob after the approval %+v", got)
		}

		// Saved candidates: any member, once; unsaving leaves the hired.
		_, err := f.net.Save(f.ctx, tm.other, tm.acc.ID, "frl_nope")
		wantErr(t, err, errs.KindNotFound, "freelancer_not_found", "")
		for _, outsider := range []users.User{them.admin, stranger, dana.owner} {
			_, err := f.net.Save(f.ctx, outsider, tm.acc.ID, dana.profile.ID)
			wantErr(t, err, errs.KindNotFound, "account_not_found", "")
		}
		d, err := f.net.Save(f.ctx, tm.other, tm.acc.ID, dana.profile.ID)
		if err != nil || !d.Saved || d.Hired || d.OrdersCount != 0 || len(d.Orders) != 0 || !d.Agency {
			t.Fatalf("a saved candidate %+v %v", d, err)
		}
		if _, err := f.net.Save(f.ctx, tm.member, tm.acc.ID, dana.profile.ID); err != nil {
			t.Fatalf("saved twice: %v", err)
		}
		if a, err := f.net.Save(f.ctx, tm.billing, tm.acc.ID, ann.profile.ID); err != nil || !a.Saved || !a.Hired {
			t.Fatalf("a hired freelancer saved %+v %v", a, err)
		}
		if got, want := f.list(t, tm.admin, tm.acc.ID), sorted(ann.profile.ID, bob.profile.ID, dana.profile.ID); !slices.Equal(got, want) {
			t.Fatalf("the network %v, want %v", got, want)
		}
		if got := f.list(t, them.admin, them.acc.ID); !slices.Equal(got, sorted(ann.profile.ID, dana.profile.ID)) {
			t.Fatalf("the other account's network %v", got)
		}
		if err := f.net.Unsave(f.ctx, tm.member, tm.acc.ID, ann.profile.ID); err != nil {
			t.Fatal(err)
		}
		if a := f.entry(t, tm.member, tm.acc.ID, ann.profile.ID); a.Saved || !a.Hired {
			t.Fatalf("a hired freelancer unsaved %+v", a)
		}
		wantErr(t, f.net.Unsave(f.ctx, tm.member, tm.acc.ID, ann.profile.ID), errs.KindNotFound, "freelancer_not_in_network", "")
		wantErr(t, f.net.Unsave(f.ctx, tm.member, tm.acc.ID, bob.profile.ID), errs.KindNotFound, "freelancer_not_in_network", "")
		wantErr(t, f.net.Unsave(f.ctx, them.admin, tm.acc.ID, dana.profile.ID), errs.KindNotFound, "account_not_found", "")
		if err := f.net.Unsave(f.ctx, tm.admin, tm.acc.ID, dana.profile.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.net.Get(f.ctx, tm.admin, tm.acc.ID, dana.profile.ID)
		wantErr(t, err, errs.KindNotFound, "freelancer_not_in_network", "")

		// To anyone outside the account it does not exist, the freelancers in it included.
		for _, outsider := range []users.User{them.admin, ann.owner, stranger} {
			_, err := f.net.List(f.ctx, outsider, tm.acc.ID, page.Request{})
			wantErr(t, err, errs.KindNotFound, "account_not_found", "")
			_, err = f.net.Get(f.ctx, outsider, tm.acc.ID, ann.profile.ID)
			wantErr(t, err, errs.KindNotFound, "account_not_found", "")
		}

		// A page at a time, by freelancer id.
		p, err := f.net.List(f.ctx, tm.admin, tm.acc.ID, page.Request{Limit: 1})
		if err != nil || len(p.Items) != 1 || p.NextCursor == "" {
			t.Fatalf("first page %+v %v", p, err)
		}
		r, _ := page.Parse("1", p.NextCursor)
		p2, err := f.net.List(f.ctx, tm.admin, tm.acc.ID, r)
		if err != nil || len(p2.Items) != 1 || p2.NextCursor != "" {
			t.Fatalf("second page %+v %v", p2, err)
		}
		if got := []string{p.Items[0].FreelancerID, p2.Items[0].FreelancerID}; !slices.Equal(got, sorted(ann.profile.ID, bob.profile.ID)) {
			t.Fatalf("paged %v", got)
		}
	})
}

// An entry's orders are the ones its count counts, those that hired: an
// order waiting for approval or rejected is in neither, until it starts.
func TestAnEntryListsTheOrdersThatHired(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm := f.team(t, "a")
		ann := f.seller(t, f.user(t, "ann@example.com", "Ann"), "Ann Studio", false)
		hired := f.order(t, tm.member, tm.acc.ID, ann, "Basic")
		waiting := f.order(t, tm.member, tm.acc.ID, ann, "Premium")
		refused := f.order(t, tm.member, tm.acc.ID, ann, "Premium")
		if _, err := f.orders.Reject(f.ctx, tm.admin, refused.ID, "Not now"); err != nil {
			t.Fatal(err)
		}
		for _, viewer := range []users.User{tm.admin, tm.member} {
			if got := f.entry(t, viewer, tm.acc.ID, ann.profile.ID); got.OrdersCount != 1 || !slices.Equal(orderIDs(got), []string{hired.ID}) {
				t.Fatalf("%s sees orders_count %d and orders %v, want 1 and only the started one", viewer.Name, got.OrdersCount, orderIDs(got))
			}
		}
		if _, err := f.orders.Approve(f.ctx, tm.admin, waiting.ID, ""); err != nil {
			t.Fatal(err)
		}
		p, err := f.net.List(f.ctx, tm.admin, tm.acc.ID, page.Request{})
		if err != nil || len(p.Items) != 1 || p.Items[0].OrdersCount != 2 || !slices.Equal(orderIDs(p.Items[0]), []string{waiting.ID, hired.ID}) {
			t.Fatalf("after the approval the network lists %+v (%v)", p.Items, err)
		}
	})
}

// Internal reviews: one per member and freelancer of the network, read by
// the account's members only — never by a member who is the freelancer,
// never outside the account, never in the catalog.
func TestInternalReviews(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm, them := f.team(t, "a"), f.team(t, "b")
		ann := f.seller(t, f.user(t, "ann@example.com", "Ann"), "Ann Studio", false)
		dana := f.seller(t, f.user(t, "dana@example.com", "Dana"), "Dana Agency", true)
		outside := f.seller(t, f.user(t, "eve@example.com", "Eve"), "Eve Outside", false)
		// A member of the account on the agency's team, and a member who is
		// a freelancer the account saved.
		teamUser := f.user(t, "tom@example.com", "Tom Team")
		f.join(t, tm.admin, tm.acc.ID, teamUser, accounts.Member)
		if _, err := f.cat.AddAgencyMember(f.ctx, dana.owner, dana.profile.ID, teamUser.Email, "Designer"); err != nil {
			t.Fatal(err)
		}
		self := f.seller(t, tm.other, "Otto Self", false)
		f.order(t, tm.member, tm.acc.ID, ann, "Basic")
		f.order(t, tm.admin, tm.acc.ID, dana, "Basic")
		f.order(t, them.admin, them.acc.ID, ann, "Basic")
		if _, err := f.net.Save(f.ctx, tm.member, tm.acc.ID, self.profile.ID); err != nil {
			t.Fatal(err)
		}
		noticesBefore := len(f.notices(t, ann.owner))

		for _, c := range []struct {
			name        string
			actor       users.User
			freelancer  string
			rating      int
			text        string
			kind        errs.Kind
			code, field string
		}{
			{"a rating of 0", tm.member, ann.profile.ID, 0, "", errs.KindInvalid, "rating_invalid", "rating"},
			{"a rating of 6", tm.member, ann.profile.ID, 6, "", errs.KindInvalid, "rating_invalid", "rating"},
			{"a negative rating", tm.member, ann.profile.ID, -1, "", errs.KindInvalid, "rating_invalid", "rating"},
			{"a text of 2,001 characters", tm.member, ann.profile.ID, 4, strings.Repeat("é", 2001), errs.KindInvalid, "too_long", "text"},
			{"a freelancer outside the network", tm.member, outside.profile.ID, 4, "", errs.KindNotFound, "freelancer_not_in_network", ""},
			{"an unknown freelancer", tm.member, "frl_nope", 4, "", errs.KindNotFound, "freelancer_not_in_network", ""},
			{"another account's admin", them.admin, ann.profile.ID, 4, "", errs.KindNotFound, "account_not_found", ""},
			{"the freelancer", ann.owner, ann.profile.ID, 5, "", errs.KindNotFound, "account_not_found", ""},
			{"a member who is the freelancer", tm.other, self.profile.ID, 5, "", errs.KindInvalid, "internal_review_self", "freelancer_id"},
			{"a member on the agency's team", teamUser, dana.profile.ID, 5, "", errs.KindInvalid, "internal_review_self", "freelancer_id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.net.Review(f.ctx, c.actor, tm.acc.ID, c.freelancer, c.rating, c.text)
				wantErr(t, err, c.kind, c.code, c.field)
			})
		}

		got, err := f.net.Review(f.ctx, tm.member, tm.acc.ID, ann.profile.ID, 4, "  Good, a little slow.  ")
		if err != nil || got.InternalRating != 4 || len(got.InternalReviews) != 1 || got.InternalReviews[0].AuthorID != tm.member.ID ||
			got.InternalReviews[0].AuthorName != tm.member.Name || got.InternalReviews[0].Text != "Good, a little slow." || got.InternalReviews[0].Rating != 4 {
			t.Fatalf("after one review %+v %v", got, err)
		}
		f.clk.Advance(time.Minute)
		if got, err = f.net.Review(f.ctx, tm.admin, tm.acc.ID, ann.profile.ID, 5, strings.Repeat("é", 2000)); err != nil || got.InternalRating != 4.5 ||
			len(got.InternalReviews) != 2 || got.InternalReviews[0].AuthorID != tm.admin.ID {
			t.Fatalf("after two reviews, newest first: %+v %v", got.InternalReviews, err)
		}
		// Written again, a member's review is replaced.
		f.clk.Advance(time.Minute)
		if got, err = f.net.Review(f.ctx, tm.member, tm.acc.ID, ann.profile.ID, 2, ""); err != nil || got.InternalRating != 3.5 ||
			len(got.InternalReviews) != 2 || got.InternalReviews[0].AuthorID != tm.member.ID || got.InternalReviews[0].Text != "" || got.InternalReviews[0].Rating != 2 {
			t.Fatalf("after a review written again %+v %v", got.InternalReviews, err)
		}
		// Every member reads them.
		for _, u := range []users.User{tm.billing, tm.other, teamUser} {
			if e := f.entry(t, u, tm.acc.ID, ann.profile.ID); e.InternalRating != 3.5 || len(e.InternalReviews) != 2 {
				t.Fatalf("%s reads %v %d reviews", u.Name, e.InternalRating, len(e.InternalReviews))
			}
		}
		// Never the freelancer's side, even as a member of the account.
		if _, err := f.net.Review(f.ctx, tm.admin, tm.acc.ID, dana.profile.ID, 3, "Late twice."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.net.Review(f.ctx, tm.member, tm.acc.ID, self.profile.ID, 1, "Hm."); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			viewer     users.User
			freelancer string
			want       int
		}{
			{tm.admin, dana.profile.ID, 1}, {teamUser, dana.profile.ID, 0},
			{tm.admin, self.profile.ID, 1}, {tm.other, self.profile.ID, 0},
		} {
			if e := f.entry(t, c.viewer, tm.acc.ID, c.freelancer); len(e.InternalReviews) != c.want || (c.want == 0 && e.InternalRating != 0) {
				t.Fatalf("%s reads %d reviews of %s (rating %v), want %d", c.viewer.Name, len(e.InternalReviews), c.freelancer, e.InternalRating, c.want)
			}
		}
		// Never another account, never the catalog, never a notification.
		if e := f.entry(t, them.admin, them.acc.ID, ann.profile.ID); len(e.InternalReviews) != 0 || e.InternalRating != 0 {
			t.Fatalf("another account reads %+v", e.InternalReviews)
		}
		if e := f.entry(t, tm.admin, tm.acc.ID, ann.profile.ID); e.Rating != 0 || e.ReviewsCount != 0 {
			t.Fatalf("internal reviews in the public rating: %v (%d)", e.Rating, e.ReviewsCount)
		}
		if pub, err := f.cat.Freelancer(f.ctx, nil, ann.profile.ID); err != nil || pub.ReviewsCount != 0 {
			t.Fatalf("the catalog counts %d reviews (%v)", pub.ReviewsCount, err)
		}
		if n := len(f.notices(t, ann.owner)); n != noticesBefore {
			t.Fatalf("the freelancer got %d notices from internal reviews", n-noticesBefore)
		}
	})
}

// Rehire asks a freelancer of the network for a custom offer addressed to
// the account, from any member.
func TestRehire(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm, them := f.team(t, "a"), f.team(t, "b")
		ann := f.seller(t, f.user(t, "ann@example.com", "Ann"), "Ann Studio", false)
		outside := f.seller(t, f.user(t, "eve@example.com", "Eve"), "Eve Outside", false)
		self := f.seller(t, tm.other, "Otto Self", false)
		f.order(t, tm.member, tm.acc.ID, ann, "Basic")
		if _, err := f.net.Save(f.ctx, tm.member, tm.acc.ID, self.profile.ID); err != nil {
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
			{"a message of 2,001 characters", tm.member, ann.profile.ID, strings.Repeat("m", 2001), errs.KindInvalid, "too_long", "message"},
			{"another account's admin", them.admin, ann.profile.ID, "Hi", errs.KindNotFound, "account_not_found", ""},
			{"the freelancer", ann.owner, ann.profile.ID, "Hi", errs.KindNotFound, "account_not_found", ""},
			{"a freelancer outside the network", tm.member, outside.profile.ID, "Hi", errs.KindNotFound, "freelancer_not_in_network", ""},
			{"a member who is the freelancer", tm.other, self.profile.ID, "Hi", errs.KindInvalid, "rehire_self", "freelancer_id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.net.RequestRehire(f.ctx, c.actor, tm.acc.ID, c.freelancer, c.message)
				wantErr(t, err, c.kind, c.code, c.field)
			})
		}
		for _, n := range f.notices(t, ann.owner) {
			if n.Kind == "rehire_requested" {
				t.Fatalf("a refused request told the freelancer: %+v", n)
			}
		}

		now := f.clk.Now()
		r, err := f.net.RequestRehire(f.ctx, tm.billing, tm.acc.ID, ann.profile.ID, "  Another logo?  ")
		if err != nil || r.Message != "Another logo?" || r.OfferLink != "/offers/new?account="+tm.acc.ID || r.AccountID != tm.acc.ID ||
			r.FreelancerID != ann.profile.ID || r.RequestedAt.Before(now) {
			t.Fatalf("rehire %+v %v", r, err)
		}
		n := f.notices(t, ann.owner)[0]
		if n.Kind != "rehire_requested" || n.Link != r.OfferLink || n.Params["from"] != tm.billing.Name || n.Params["message"] != "Another logo?" {
			t.Fatalf("the freelancer was told %+v", n)
		}
		for k, v := range n.Params {
			if v == tm.acc.Name {
				t.Fatalf("the account's name was sent as %s", k)
			}
		}
		// A message of the limit, and none at all, are fine.
		if _, err := f.net.RequestRehire(f.ctx, tm.member, tm.acc.ID, ann.profile.ID, strings.Repeat("m", 2000)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.net.RequestRehire(f.ctx, tm.member, tm.acc.ID, self.profile.ID, ""); err != nil {
			t.Fatalf("another member asks a member who is a freelancer: %v", err)
		}
		log, err := f.acc.AuditLog(f.ctx, tm.admin, tm.acc.ID, page.Request{Limit: page.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		var rehires []string
		for _, a := range log.Items {
			if a.Action == "network.rehire_requested" {
				rehires = append(rehires, a.ActorID+" "+a.Target)
			}
		}
		want := []string{tm.member.ID + " " + self.profile.ID, tm.member.ID + " " + ann.profile.ID, tm.billing.ID + " " + ann.profile.ID}
		if !slices.Equal(rehires, want) {
			t.Fatalf("audited rehires %v, want %v", rehires, want)
		}
	})
}
