package dashboard_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/clock"
	"atelier/internal/clock/clocktest"
	"atelier/internal/dashboard"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/payments"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// fixture is one test's Atelier with every domain the dashboard reads,
// wired as the app wires them.
type fixture struct {
	ctx    context.Context
	clk    *clock.Test
	db     *db.DB
	users  *users.Service
	acc    *accounts.Service
	cat    *catalog.Service
	bill   *billing.Service
	orders *orders.Service
	prj    *projects.Service
	dash   *dashboard.Service
}

func setup(t *testing.T, e db.Engine) *fixture {
	t.Helper()
	users.UseTestCost()
	clk := clocktest.New(t)
	d := dbtest.Open(t, e, clk)
	f := &fixture{ctx: context.Background(), clk: clk, db: d, users: &users.Service{DB: d}, acc: &accounts.Service{DB: d}, cat: &catalog.Service{DB: d}}
	f.bill = &billing.Service{DB: d, Provider: payments.NewTest(), Config: billing.DefaultConfig(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.orders = &orders.Service{DB: d, Billing: f.bill, Catalog: f.cat}
	f.prj = &projects.Service{DB: d, Orders: f.orders, Billing: f.bill, Catalog: f.cat}
	f.orders.Projects = f.prj.CanAttach
	f.dash = &dashboard.Service{DB: d, Accounts: f.acc, Catalog: f.cat, Billing: f.bill, Orders: f.orders, Projects: f.prj}
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

// account is a USD account of admin with a default card.
func (f *fixture) account(t *testing.T, admin users.User, name string) accounts.Account {
	t.Helper()
	a, err := f.acc.Create(f.ctx, admin, name, "USD")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.bill.AddCard(f.ctx, admin, a.ID, "tok_visa"); err != nil {
		t.Fatal(err)
	}
	return a
}

// team is an account with its admin, a billing manager and two members;
// orders above 500.00 wait for the admin.
type team struct {
	acc                           accounts.Account
	admin, billing, member, other users.User
}

func (f *fixture) team(t *testing.T, prefix string) team {
	t.Helper()
	tm := team{admin: f.user(t, prefix+"-admin@example.com", prefix+" Admin"), billing: f.user(t, prefix+"-billing@example.com", prefix+" Billing"),
		member: f.user(t, prefix+"-member@example.com", prefix+" Member"), other: f.user(t, prefix+"-other@example.com", prefix+" Other")}
	tm.acc = f.account(t, tm.admin, prefix+" Corp")
	f.join(t, tm.admin, tm.acc.ID, tm.billing, accounts.BillingManager)
	f.join(t, tm.admin, tm.acc.ID, tm.member, accounts.Member)
	f.join(t, tm.admin, tm.acc.ID, tm.other, accounts.Member)
	if _, err := f.acc.SetPolicies(f.ctx, tm.admin, tm.acc.ID, accounts.Policies{OrderApprovalThreshold: new(money.New(50000, "USD"))}); err != nil {
		t.Fatal(err)
	}
	return tm
}

// seller is a freelancer with a service: Basic at 100.00 (3 days) and
// Premium at 600.00 (5 days).
func (f *fixture) seller(t *testing.T, email, name string) (users.User, catalog.Freelancer, catalog.Listing) {
	t.Helper()
	u := f.user(t, email, name)
	fr, err := f.cat.CreateFreelancer(f.ctx, u, catalog.Profile{DisplayName: name, Country: "FR", HourlyRate: money.New(5000, "USD")})
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.cat.CreateService(f.ctx, u, catalog.Offer{FreelancerID: fr.ID, Title: "Design work by " + name, Description: "Careful work.",
		Category: "graphics-design", MaxQuantity: 5, Packages: []catalog.Package{
			{Name: "Basic", Price: money.New(10000, "USD"), DeliveryDays: 3}, {Name: "Premium", Price: money.New(60000, "USD"), DeliveryDays: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	return u, fr, l
}

func (f *fixture) order(t *testing.T, buyer users.User, accountID string, l catalog.Listing, pkg, projectID string) orders.Order {
	t.Helper()
	o, err := f.orders.Place(f.ctx, buyer, orders.NewOrder{AccountID: accountID, ServiceID: l.ID, Package: pkg, Quantity: 1, ProjectID: projectID}, "")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) get(t *testing.T, u users.User, accountID string) dashboard.Dashboard {
	t.Helper()
	d, err := f.dash.Get(f.ctx, u, accountID)
	if err != nil {
		t.Fatalf("%s's dashboard: %v", u.Name, err)
	}
	return d
}

func orderIDs(list []orders.Order) []string {
	out := []string{}
	for _, o := range list {
		out = append(out, o.ID)
	}
	slices.Sort(out)
	return out
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return append([]string{}, ids...)
}

func wantErr(t *testing.T, err error, kind errs.Kind, code string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("got %v, want %s (kind %d)", err, code, kind)
	}
}

// Each part of the dashboard shows a person what its domain lets them see.
func TestWhatEachRoleSees(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm := f.team(t, "a")
		them := f.team(t, "b")
		seller, _, l := f.seller(t, "seller@example.com", "Sam Studio")
		pm, err := f.users.CreateOperator(f.ctx, users.NewUser{Email: "pm@atelier.test", Password: "correct horse", Name: "Pat Manager"})
		if err != nil {
			t.Fatal(err)
		}
		stranger := f.user(t, "stranger@example.com", "Stranger")

		priv, err := f.prj.Create(f.ctx, tm.member, tm.acc.ID, projects.NewProject{Name: "Private site", Type: "website", Budget: money.New(100000, "USD"),
			Visibility: projects.Private})
		if err != nil {
			t.Fatal(err)
		}
		open, err := f.prj.Create(f.ctx, tm.admin, tm.acc.ID, projects.NewProject{Name: "Shared brand", Type: "branding"})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := f.prj.Create(f.ctx, them.admin, them.acc.ID, projects.NewProject{Name: "Their project", Type: "video"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.prj.RequestManager(f.ctx, tm.member, priv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.prj.AssignManager(f.ctx, pm, priv.ID, pm.ID); err != nil {
			t.Fatal(err)
		}
		mine := f.order(t, tm.member, tm.acc.ID, l, "Basic", priv.ID)
		others := f.order(t, tm.other, tm.acc.ID, l, "Basic", "")
		waiting := f.order(t, tm.member, tm.acc.ID, l, "Premium", "")
		rejected := f.order(t, tm.other, tm.acc.ID, l, "Premium", "")
		if _, err := f.orders.Reject(f.ctx, tm.admin, rejected.ID, "Not now"); err != nil {
			t.Fatal(err)
		}
		delivered := f.order(t, tm.admin, tm.acc.ID, l, "Basic", "")
		if _, err := f.orders.Deliver(f.ctx, seller, delivered.ID, "Here it is.", nil); err != nil {
			t.Fatal(err)
		}
		completed := f.order(t, tm.admin, tm.acc.ID, l, "Basic", "")
		if _, err := f.orders.Deliver(f.ctx, seller, completed.ID, "Done.", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.orders.Accept(f.ctx, tm.admin, completed.ID); err != nil {
			t.Fatal(err)
		}
		theirOrder := f.order(t, them.admin, them.acc.ID, l, "Premium", theirs.ID)

		for _, c := range []struct {
			who       string
			viewer    users.User
			account   string // the chart's account, "" for none
			active    []string
			approvals []string
			projects  map[string]string // id → access
		}{
			{"the admin", tm.admin, tm.acc.ID, sorted(mine.ID, others.ID, delivered.ID), []string{waiting.ID},
				map[string]string{priv.ID: projects.AccessAdmin, open.ID: projects.AccessAdmin}},
			{"a billing manager", tm.billing, tm.acc.ID, sorted(mine.ID, others.ID, delivered.ID), []string{},
				map[string]string{open.ID: projects.AccessViewer}},
			{"the member who ordered", tm.member, tm.acc.ID, []string{mine.ID}, []string{},
				map[string]string{priv.ID: projects.AccessOwner, open.ID: projects.AccessViewer}},
			{"another member", tm.other, tm.acc.ID, []string{others.ID}, []string{}, map[string]string{open.ID: projects.AccessViewer}},
			{"the project manager", pm, "", []string{}, []string{}, map[string]string{priv.ID: projects.AccessManager}},
			{"another account's admin", them.admin, them.acc.ID, []string{theirOrder.ID}, []string{}, map[string]string{theirs.ID: projects.AccessAdmin}},
			{"the freelancer", seller, "", []string{}, []string{}, map[string]string{}},
			{"a stranger", stranger, "", []string{}, []string{}, map[string]string{}},
		} {
			t.Run(c.who, func(t *testing.T) {
				d := f.get(t, c.viewer, "")
				if got := orderIDs(d.ActiveOrders); !slices.Equal(got, c.active) {
					t.Fatalf("active orders %v, want %v", got, c.active)
				}
				if got := orderIDs(d.PendingApprovals); !slices.Equal(got, c.approvals) {
					t.Fatalf("pending approvals %v, want %v", got, c.approvals)
				}
				got := map[string]string{}
				for _, p := range d.ActiveProjects {
					got[p.ID] = p.Access
					if p.ID == priv.ID && (p.Spent != mine.Total || p.SpentPercent != int(mine.Total.Amount*100/100000)) {
						t.Fatalf("the private project's bar: %v, %d%%", p.Spent, p.SpentPercent)
					}
				}
				if len(got) != len(c.projects) {
					t.Fatalf("projects %v, want %v", got, c.projects)
				}
				for id, access := range c.projects {
					if got[id] != access {
						t.Fatalf("projects %v, want %v", got, c.projects)
					}
				}
				if c.account == "" {
					if d.Account != nil || len(d.Accounts) != 0 || len(d.SpendByMonth) != 0 || d.Rewards != nil {
						t.Fatalf("without an account: %+v, %d months, rewards %+v", d.Account, len(d.SpendByMonth), d.Rewards)
					}
					return
				}
				if d.Account == nil || d.Account.ID != c.account || len(d.Accounts) != 1 || len(d.SpendByMonth) != 12 || d.Rewards == nil {
					t.Fatalf("the chart's account %+v of %d, %d months, rewards %+v", d.Account, len(d.Accounts), len(d.SpendByMonth), d.Rewards)
				}
			})
		}
		// Another account's id is not one's own.
		for _, u := range []users.User{them.admin, seller, stranger} {
			_, err := f.dash.Get(f.ctx, u, tm.acc.ID)
			wantErr(t, err, errs.KindNotFound, "account_not_found")
		}
		_, err = f.dash.Get(f.ctx, tm.member, "acc_nope")
		wantErr(t, err, errs.KindNotFound, "account_not_found")
	})
}

// The dashboard's lists are short: 10 notifications, 6 viewed profiles,
// 10 active orders across a person's accounts, newest first.
func TestListsAreShortAndNewestFirst(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		buyer := f.user(t, "buyer@example.com", "Bea Buyer")
		first, second := f.account(t, buyer, "First Corp"), f.account(t, buyer, "Second Corp")
		seller, sellerProfile, l := f.seller(t, "seller@example.com", "Sam Studio")
		var placed []string
		for i := range 12 {
			acc := first
			if i%2 == 1 {
				acc = second
			}
			placed = append(placed, f.order(t, buyer, acc.ID, l, "Basic", "").ID)
		}
		// Orders: the first account's, then the second's, 10 in all.
		d := f.get(t, buyer, "")
		var firstAcc, secondAcc int
		for _, o := range d.ActiveOrders {
			switch o.AccountID {
			case first.ID:
				firstAcc++
			case second.ID:
				secondAcc++
			}
		}
		if len(d.ActiveOrders) != dashboard.OrdersShown || firstAcc != 6 || secondAcc != 4 || d.ActiveOrders[0].AccountID != first.ID {
			t.Fatalf("%d active orders (%d of the first account, %d of the second)", len(d.ActiveOrders), firstAcc, secondAcc)
		}
		if d.Account.ID != first.ID || len(d.Accounts) != 2 {
			t.Fatalf("the chart's account %+v of %d", d.Account, len(d.Accounts))
		}
		if d := f.get(t, buyer, second.ID); d.Account.ID != second.ID || d.Rewards == nil {
			t.Fatalf("the chosen account %+v", d.Account)
		}

		// Activity: the freelancer's 10 latest notices, newest first.
		sd := f.get(t, seller, "")
		if len(sd.Activity) != dashboard.ActivityShown {
			t.Fatalf("%d notices shown", len(sd.Activity))
		}
		for i := 1; i < len(sd.Activity); i++ {
			if sd.Activity[i].CreatedAt.After(sd.Activity[i-1].CreatedAt) {
				t.Fatalf("notices out of order: %v after %v", sd.Activity[i].CreatedAt, sd.Activity[i-1].CreatedAt)
			}
		}
		if sd.Activity[0].Kind != "order_started" || sd.Activity[0].Link != "/orders/"+placed[len(placed)-1] {
			t.Fatalf("the newest notice %+v, want the last order's", sd.Activity[0])
		}

		// Recently viewed: the last 6 profiles opened, newest first, not one's own.
		var viewed []string
		for i := range 7 {
			_, fr, _ := f.seller(t, fmt.Sprintf("f%d@example.com", i), fmt.Sprintf("Freelancer %d", i))
			f.clk.Advance(time.Second)
			if _, err := f.cat.Freelancer(f.ctx, &buyer, fr.ID); err != nil {
				t.Fatal(err)
			}
			viewed = append(viewed, fr.ID)
		}
		if _, err := f.cat.Freelancer(f.ctx, &seller, sellerProfile.ID); err != nil {
			t.Fatal(err)
		}
		d = f.get(t, buyer, "")
		var got []string
		for _, fr := range d.RecentlyViewed {
			got = append(got, fr.ID)
		}
		slices.Reverse(viewed)
		if !slices.Equal(got, viewed[:dashboard.RecentShown]) {
			t.Fatalf("recently viewed %v, want %v", got, viewed[:dashboard.RecentShown])
		}
		if sd := f.get(t, seller, ""); len(sd.RecentlyViewed) != 0 {
			t.Fatalf("one's own profile remembered: %+v", sd.RecentlyViewed)
		}
	})
}

// The chart: what the account's orders paid each calendar month over the
// last 12, net of later refunds, for every member of the account.
func TestSpendByMonth(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm, them := f.team(t, "a"), f.team(t, "b")
		f.join(t, them.admin, them.acc.ID, tm.member, accounts.Member) // the member's second account
		_, _, l := f.seller(t, "seller@example.com", "Sam Studio")

		start := f.clk.Now()
		early := f.order(t, tm.admin, tm.acc.ID, l, "Basic", "")
		kept := f.order(t, tm.member, tm.acc.ID, l, "Basic", "")
		if _, err := f.bill.Deposit(f.ctx, tm.admin, tm.acc.ID, money.New(100000, "USD"), "", ""); err != nil {
			t.Fatal(err)
		}
		// The next calendar month, late enough for the first order to be
		// very late (its 3 days and one more).
		next := time.Date(start.Year(), start.Month()+1, 2, 9, 0, 0, 0, time.UTC)
		if soon := start.Add(5 * 24 * time.Hour); soon.After(next) {
			next = soon
		}
		f.clk.Set(next)
		big := f.order(t, tm.admin, tm.acc.ID, l, "Premium", "")
		small := f.order(t, tm.other, tm.acc.ID, l, "Basic", "")
		waiting := f.order(t, tm.member, tm.acc.ID, l, "Premium", "")
		if waiting.Status != orders.PendingApproval {
			t.Fatalf("an order above the threshold is %s", waiting.Status)
		}

		months := func() []string {
			var out []string
			for i := range 12 {
				out = append(out, time.Date(next.Year(), next.Month()+time.Month(i-11), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"))
			}
			return out
		}()
		chart := func(u users.User, accountID string, last, before int64) {
			t.Helper()
			d := f.get(t, u, accountID)
			if len(d.SpendByMonth) != 12 {
				t.Fatalf("%d months", len(d.SpendByMonth))
			}
			for i, m := range d.SpendByMonth {
				want := int64(0)
				switch i {
				case 11:
					want = last
				case 10:
					want = before
				}
				if m.Month != months[i] || m.Amount != money.New(want, "USD") {
					t.Fatalf("%s's chart: month %d is %s %v, want %s %d", u.Name, i, m.Month, m.Amount, months[i], want)
				}
			}
		}
		// Deposits are not spend, and an order waiting has paid nothing.
		thisMonth, lastMonth := big.Total.Amount+small.Total.Amount, early.Total.Amount+kept.Total.Amount
		for _, u := range []users.User{tm.admin, tm.billing, tm.member, tm.other} {
			chart(u, "", thisMonth, lastMonth)
		}
		// A refund this month lowers the month of the payment it refunds.
		if _, err := f.orders.Cancel(f.ctx, tm.admin, early.ID, "Never delivered"); err != nil {
			t.Fatal(err)
		}
		chart(tm.billing, "", thisMonth, kept.Total.Amount)
		// A member of two accounts picks the chart; the other's is empty.
		chart(tm.member, them.acc.ID, 0, 0)
		chart(tm.member, tm.acc.ID, thisMonth, kept.Total.Amount)
		if d := f.get(t, tm.member, ""); d.Account.ID != tm.acc.ID {
			t.Fatalf("the member's first account is %s", d.Account.ID)
		}
		_, err := f.dash.Get(f.ctx, tm.other, them.acc.ID)
		wantErr(t, err, errs.KindNotFound, "account_not_found")
	})
}
