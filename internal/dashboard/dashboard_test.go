package dashboard_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/dashboard"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/domaintest"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// fixture is one test's Atelier, with every domain the dashboard reads
// wired as the app wires them.
type fixture struct{ *domaintest.Env }

func setup(t *testing.T, e db.Engine) fixture { return fixture{domaintest.New(t, e)} }

func (f fixture) get(t *testing.T, u users.User, accountID string) dashboard.Dashboard {
	t.Helper()
	d, err := f.Dashboard.Get(f.Ctx, u, accountID)
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

// Each part of the dashboard shows a person what its domain lets them see.
func TestWhatEachRoleSees(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.BuyingTeam(t, "a")
		them := f.BuyingTeam(t, "b")
		sam := f.Freelancer(t, "seller@example.com", "Sam Studio")
		seller, l := sam.Owner, sam.Service
		pm := f.Operator(t, "pm@atelier.test", "Pat Manager")
		stranger := f.SignUp(t, "stranger@example.com", "Stranger")

		priv, err := f.Projects.Create(f.Ctx, tm.Member, tm.Account.ID, projects.NewProject{Name: "Private site", Type: "website", Budget: money.New(100000, "USD"),
			Visibility: projects.Private})
		if err != nil {
			t.Fatal(err)
		}
		open, err := f.Projects.Create(f.Ctx, tm.Admin, tm.Account.ID, projects.NewProject{Name: "Shared brand", Type: "branding"})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := f.Projects.Create(f.Ctx, them.Admin, them.Account.ID, projects.NewProject{Name: "Their project", Type: "video"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Projects.RequestManager(f.Ctx, tm.Member, priv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Projects.AssignManager(f.Ctx, pm, priv.ID, pm.ID); err != nil {
			t.Fatal(err)
		}
		mine := f.Order(t, tm.Member, tm.Account.ID, l, "Basic", priv.ID)
		others := f.Order(t, tm.Other, tm.Account.ID, l, "Basic", "")
		waiting := f.Order(t, tm.Member, tm.Account.ID, l, "Premium", "")
		rejected := f.Order(t, tm.Other, tm.Account.ID, l, "Premium", "")
		if _, err := f.Approvals.Reject(f.Ctx, tm.Admin, rejected.ID, "Not now"); err != nil {
			t.Fatal(err)
		}
		delivered := f.Order(t, tm.Admin, tm.Account.ID, l, "Basic", "")
		if _, err := f.Orders.Deliver(f.Ctx, seller, delivered.ID, "Here it is.", nil); err != nil {
			t.Fatal(err)
		}
		completed := f.Order(t, tm.Admin, tm.Account.ID, l, "Basic", "")
		if _, err := f.Orders.Deliver(f.Ctx, seller, completed.ID, "Done.", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Orders.Accept(f.Ctx, tm.Admin, completed.ID); err != nil {
			t.Fatal(err)
		}
		theirOrder := f.Order(t, them.Admin, them.Account.ID, l, "Premium", theirs.ID)

		for _, c := range []struct {
			who       string
			viewer    users.User
			account   string // the chart's account, "" for none
			active    []string
			approvals []string
			projects  map[string]string // id → access
		}{
			{"the admin", tm.Admin, tm.Account.ID, sorted(mine.ID, others.ID, delivered.ID), []string{waiting.ID},
				map[string]string{priv.ID: projects.AccessAdmin, open.ID: projects.AccessAdmin}},
			{"a billing manager", tm.Billing, tm.Account.ID, sorted(mine.ID, others.ID, delivered.ID), []string{},
				map[string]string{open.ID: projects.AccessViewer}},
			{"the member who ordered", tm.Member, tm.Account.ID, []string{mine.ID}, []string{},
				map[string]string{priv.ID: projects.AccessOwner, open.ID: projects.AccessViewer}},
			{"another member", tm.Other, tm.Account.ID, []string{others.ID}, []string{}, map[string]string{open.ID: projects.AccessViewer}},
			{"the project manager", pm, "", []string{}, []string{}, map[string]string{priv.ID: projects.AccessManager}},
			{"another account's admin", them.Admin, them.Account.ID, []string{theirOrder.ID}, []string{}, map[string]string{theirs.ID: projects.AccessAdmin}},
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
		for _, u := range []users.User{them.Admin, seller, stranger} {
			_, err := f.Dashboard.Get(f.Ctx, u, tm.Account.ID)
			domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
		}
		_, err = f.Dashboard.Get(f.Ctx, tm.Member, "acc_nope")
		domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
	})
}

// The dashboard's lists are short: 10 notifications, 6 viewed profiles,
// 10 active orders across a person's accounts, newest first.
func TestListsAreShortAndNewestFirst(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		buyer := f.SignUp(t, "buyer@example.com", "Bea Buyer")
		first, second := f.Account(t, buyer, "First Corp"), f.Account(t, buyer, "Second Corp")
		f.Card(t, buyer, first.ID)
		f.Card(t, buyer, second.ID)
		sam := f.Freelancer(t, "seller@example.com", "Sam Studio")
		seller, l := sam.Owner, sam.Service
		var placed []string
		for i := range 12 {
			acc := first
			if i%2 == 1 {
				acc = second
			}
			placed = append(placed, f.Order(t, buyer, acc.ID, l, "Basic", "").ID)
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
			fr := f.Freelancer(t, fmt.Sprintf("f%d@example.com", i), fmt.Sprintf("Freelancer %d", i)).Profile
			f.Clock.Advance(time.Second)
			if _, err := f.Catalog.Freelancer(f.Ctx, &buyer, fr.ID); err != nil {
				t.Fatal(err)
			}
			viewed = append(viewed, fr.ID)
		}
		if _, err := f.Catalog.Freelancer(f.Ctx, &seller, sam.Profile.ID); err != nil {
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
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.BuyingTeam(t, "a"), f.BuyingTeam(t, "b")
		f.Join(t, them.Admin, them.Account.ID, tm.Member, accounts.Member) // the member's second account
		l := f.Freelancer(t, "seller@example.com", "Sam Studio").Service

		start := f.Clock.Now()
		early := f.Order(t, tm.Admin, tm.Account.ID, l, "Basic", "")
		kept := f.Order(t, tm.Member, tm.Account.ID, l, "Basic", "")
		if _, err := f.Billing.Deposit(f.Ctx, tm.Admin, tm.Account.ID, money.New(100000, "USD"), "", ""); err != nil {
			t.Fatal(err)
		}
		// The next calendar month, late enough for the first order to be
		// very late (its 3 days and one more).
		next := time.Date(start.Year(), start.Month()+1, 2, 9, 0, 0, 0, time.UTC)
		if soon := start.Add(5 * 24 * time.Hour); soon.After(next) {
			next = soon
		}
		f.Clock.Set(next)
		big := f.Order(t, tm.Admin, tm.Account.ID, l, "Premium", "")
		small := f.Order(t, tm.Other, tm.Account.ID, l, "Basic", "")
		waiting := f.Order(t, tm.Member, tm.Account.ID, l, "Premium", "")
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
		for _, u := range []users.User{tm.Admin, tm.Billing, tm.Member, tm.Other} {
			chart(u, "", thisMonth, lastMonth)
		}
		// A refund this month lowers the month of the payment it refunds.
		if _, err := f.Orders.Cancel(f.Ctx, tm.Admin, early.ID, "Never delivered"); err != nil {
			t.Fatal(err)
		}
		chart(tm.Billing, "", thisMonth, kept.Total.Amount)
		// A member of two accounts picks the chart; the other's is empty.
		chart(tm.Member, them.Account.ID, 0, 0)
		chart(tm.Member, tm.Account.ID, thisMonth, kept.Total.Amount)
		if d := f.get(t, tm.Member, ""); d.Account.ID != tm.Account.ID {
			t.Fatalf("the member's first account is %s", d.Account.ID)
		}
		_, err := f.Dashboard.Get(f.Ctx, tm.Other, them.Account.ID)
		domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
	})
}
