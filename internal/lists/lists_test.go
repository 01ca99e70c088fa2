package lists_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/clock"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/lists"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

// fixture is one test's database with the services lists needs around it:
// people, accounts and the catalog whose freelancers and services go on
// lists.
type fixture struct {
	ctx   context.Context
	clk   *clock.Test
	db    *db.DB
	users *users.Service
	acc   *accounts.Service
	cat   *catalog.Service
	lists *lists.Service
}

func setup(t *testing.T, e db.Engine) *fixture {
	t.Helper()
	users.UseTestCost()
	clk := clocktest.New(t)
	d := dbtest.Open(t, e, clk)
	return &fixture{ctx: context.Background(), clk: clk, db: d, users: &users.Service{DB: d}, acc: &accounts.Service{DB: d},
		cat: &catalog.Service{DB: d}, lists: &lists.Service{DB: d}}
}

func (f *fixture) user(t *testing.T, email, name string) users.User {
	t.Helper()
	u, err := f.users.SignUp(f.ctx, users.NewUser{Email: email, Password: "correct horse", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// team is an account with its admin, a billing manager and a member.
type team struct {
	acc                    accounts.Account
	admin, billing, member users.User
}

func (f *fixture) team(t *testing.T, prefix string) team {
	t.Helper()
	tm := team{admin: f.user(t, prefix+"-admin@example.com", prefix+" Admin"), billing: f.user(t, prefix+"-billing@example.com", prefix+" Billing"),
		member: f.user(t, prefix+"-member@example.com", prefix+" Member")}
	var err error
	if tm.acc, err = f.acc.Create(f.ctx, tm.admin, prefix+" Corp", "USD"); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		u    users.User
		role accounts.Role
	}{{tm.billing, accounts.BillingManager}, {tm.member, accounts.Member}} {
		inv, err := f.acc.Invite(f.ctx, tm.admin, tm.acc.ID, m.u.Email, m.role)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.acc.AcceptInvitation(f.ctx, m.u, inv.ID); err != nil {
			t.Fatal(err)
		}
	}
	return tm
}

// freelancer is a freelancer with one service.
func (f *fixture) freelancer(t *testing.T, email, name string) (users.User, catalog.Freelancer, catalog.Listing) {
	t.Helper()
	u := f.user(t, email, name)
	fr, err := f.cat.CreateFreelancer(f.ctx, u, catalog.Profile{DisplayName: name, Country: "FR", HourlyRate: money.New(5000, "USD")})
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.cat.CreateService(f.ctx, u, catalog.Offer{FreelancerID: fr.ID, Title: "A logo by " + name, Description: "Three concepts.",
		Category: "graphics-design", MaxQuantity: 1, Packages: []catalog.Package{{Name: "Basic", Price: money.New(10000, "USD"), DeliveryDays: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	return u, fr, l
}

func (f *fixture) create(t *testing.T, actor users.User, accountID, name string) lists.List {
	t.Helper()
	l, err := f.lists.Create(f.ctx, actor, accountID, name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (f *fixture) add(t *testing.T, actor users.User, listID string, in lists.NewItem) lists.Item {
	t.Helper()
	it, err := f.lists.AddItem(f.ctx, actor, listID, in)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) audited(t *testing.T, tm team, action string) int {
	t.Helper()
	log, err := f.acc.AuditLog(f.ctx, tm.admin, tm.acc.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range log.Items {
		if a.Action == action {
			n++
		}
	}
	return n
}

func wantErr(t *testing.T, err error, kind errs.Kind, code, field string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Code != code || e.Field != field {
		t.Fatalf("got %v, want %s on %q (kind %d)", err, code, field, kind)
	}
}

func ids(list []lists.List) []string {
	var out []string
	for _, l := range list {
		out = append(out, l.ID)
	}
	return out
}

func TestListNamesAndItems(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm := f.team(t, "a")
		_, ann, annLogo := f.freelancer(t, "ann@example.com", "Ann Studio")
		_, bob, _ := f.freelancer(t, "bob@example.com", "Bob Films")

		for _, c := range []struct {
			name, list, code string
		}{
			{"empty", "", "required"},
			{"blank", " \t ", "required"},
			{"101 characters", strings.Repeat("é", 101), "too_long"},
		} {
			t.Run("a name "+c.name, func(t *testing.T) {
				_, err := f.lists.Create(f.ctx, tm.member, tm.acc.ID, c.list)
				wantErr(t, err, errs.KindInvalid, c.code, "name")
			})
		}
		if n := f.count(t, `SELECT COUNT(*) FROM lists`); n != 0 {
			t.Fatalf("%d refused lists stored", n)
		}
		l := f.create(t, tm.member, tm.acc.ID, "  Logo designers  ")
		if l.Name != "Logo designers" || l.AccountID != tm.acc.ID || l.AccountName != "a Corp" || l.CreatedBy != tm.member.ID || l.ReadOnly ||
			l.ItemsCount != 0 || len(l.Items) != 0 || len(l.Shares) != 0 || !l.CreatedAt.Equal(l.UpdatedAt) {
			t.Fatalf("created %+v", l)
		}
		if long := f.create(t, tm.member, tm.acc.ID, strings.Repeat("é", 100)); long.Name != strings.Repeat("é", 100) {
			t.Fatalf("a name of 100 characters became %q", long.Name)
		}

		for _, c := range []struct {
			name        string
			in          lists.NewItem
			kind        errs.Kind
			code, field string
		}{
			{"nothing", lists.NewItem{Note: "who?"}, errs.KindInvalid, "list_item_required", "freelancer_id"},
			{"blank ids", lists.NewItem{FreelancerID: " ", ServiceID: " "}, errs.KindInvalid, "list_item_required", "freelancer_id"},
			{"both a freelancer and a service", lists.NewItem{FreelancerID: ann.ID, ServiceID: annLogo.ID}, errs.KindInvalid, "list_item_one_kind", "service_id"},
			{"a note of 1,001 characters", lists.NewItem{FreelancerID: ann.ID, Note: strings.Repeat("n", 1001)}, errs.KindInvalid, "too_long", "note"},
			{"an unknown freelancer", lists.NewItem{FreelancerID: "frl_nope"}, errs.KindInvalid, "freelancer_not_found", "freelancer_id"},
			{"an unknown service", lists.NewItem{ServiceID: "svc_nope"}, errs.KindInvalid, "service_not_found", "service_id"},
		} {
			t.Run("adding "+c.name, func(t *testing.T) {
				_, err := f.lists.AddItem(f.ctx, tm.member, l.ID, c.in)
				wantErr(t, err, c.kind, c.code, c.field)
			})
		}

		f.clk.Advance(time.Hour)
		annItem := f.add(t, tm.admin, l.ID, lists.NewItem{FreelancerID: " " + ann.ID + " ", Note: " Fast. " + strings.Repeat("n", 994)})
		if annItem.Kind != "freelancer" || annItem.FreelancerID != ann.ID || annItem.FreelancerName != "Ann Studio" || annItem.ServiceID != "" ||
			annItem.AddedBy != tm.admin.ID || annItem.AddedByName != "a Admin" || len([]rune(annItem.Note)) != 1000 {
			t.Fatalf("a freelancer item %+v", annItem)
		}
		// A service of a freelancer already on the list is another item.
		logoItem := f.add(t, tm.member, l.ID, lists.NewItem{ServiceID: annLogo.ID})
		if logoItem.Kind != "service" || logoItem.ServiceID != annLogo.ID || logoItem.ServiceTitle != annLogo.Title || logoItem.FreelancerID != ann.ID ||
			logoItem.FreelancerName != "Ann Studio" {
			t.Fatalf("a service item %+v", logoItem)
		}
		_, err := f.lists.AddItem(f.ctx, tm.billing, l.ID, lists.NewItem{FreelancerID: ann.ID, Note: "again"})
		wantErr(t, err, errs.KindConflict, "already_in_list", "")
		_, err = f.lists.AddItem(f.ctx, tm.billing, l.ID, lists.NewItem{ServiceID: annLogo.ID})
		wantErr(t, err, errs.KindConflict, "already_in_list", "")
		// Once per list, not once per account.
		other := f.create(t, tm.member, tm.acc.ID, "Brand people")
		f.add(t, tm.member, other.ID, lists.NewItem{FreelancerID: ann.ID})
		bobItem := f.add(t, tm.billing, l.ID, lists.NewItem{FreelancerID: bob.ID})

		got, err := f.lists.Get(f.ctx, tm.member, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var items []string
		for _, it := range got.Items {
			items = append(items, it.ID)
		}
		if !slices.Equal(items, []string{annItem.ID, logoItem.ID, bobItem.ID}) || got.ItemsCount != 3 || !got.UpdatedAt.After(got.CreatedAt.Add(time.Hour)) {
			t.Fatalf("the list's items %v (%d), updated %v after created %v", items, got.ItemsCount, got.UpdatedAt, got.CreatedAt)
		}

		// Removing: an item of this list, once.
		wantErr(t, f.lists.RemoveItem(f.ctx, tm.member, l.ID, "lit_nope"), errs.KindNotFound, "list_item_not_found", "")
		o, _ := f.lists.Get(f.ctx, tm.member, other.ID)
		wantErr(t, f.lists.RemoveItem(f.ctx, tm.member, l.ID, o.Items[0].ID), errs.KindNotFound, "list_item_not_found", "")
		f.clk.Advance(time.Hour)
		if err := f.lists.RemoveItem(f.ctx, tm.billing, l.ID, annItem.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.lists.RemoveItem(f.ctx, tm.billing, l.ID, annItem.ID), errs.KindNotFound, "list_item_not_found", "")
		after, _ := f.lists.Get(f.ctx, tm.member, l.ID)
		if after.ItemsCount != 2 || !after.UpdatedAt.After(got.UpdatedAt.Add(time.Hour)) {
			t.Fatalf("after a removal: %d items, updated %v", after.ItemsCount, after.UpdatedAt)
		}
		// Taken off, it can go back on.
		f.add(t, tm.member, l.ID, lists.NewItem{FreelancerID: ann.ID})

		// Renaming follows the rules of a name.
		_, err = f.lists.Rename(f.ctx, tm.member, l.ID, " ")
		wantErr(t, err, errs.KindInvalid, "required", "name")
		_, err = f.lists.Rename(f.ctx, tm.member, l.ID, strings.Repeat("x", 101))
		wantErr(t, err, errs.KindInvalid, "too_long", "name")
		if r, err := f.lists.Rename(f.ctx, tm.billing, l.ID, " Logo people "); err != nil || r.Name != "Logo people" || r.ItemsCount != 3 {
			t.Fatalf("renamed %+v %v", r, err)
		}
	})
}

// A list holds up to lists.MaxItems items.
func TestAListIsFullAtItsLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm := f.team(t, "a")
		_, ann, logo := f.freelancer(t, "ann@example.com", "Ann Studio")
		_, bob, _ := f.freelancer(t, "bob@example.com", "Bob Films")
		l := f.create(t, tm.member, tm.acc.ID, "Everyone")
		// The list filled to one below its limit with copies of a service,
		// in two statements (adding 499 items one by one would be slow).
		now := db.Micros(f.clk.Now())
		if _, err := f.db.Exec(f.ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO services (id, freelancer_id, title, description, category, max_quantity, pro_only, status, currency, min_price,
				min_delivery_days, pro, skills, created_at, updated_at)
			SELECT 'svc_fill_' || n.i, s.freelancer_id, s.title, s.description, s.category, s.max_quantity, s.pro_only, 'paused', s.currency,
				s.min_price, s.min_delivery_days, s.pro, s.skills, s.created_at, s.updated_at
			FROM n, services s WHERE s.id = ?`, lists.MaxItems-1, logo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Exec(f.ctx, `INSERT INTO list_items (id, list_id, service_id, note, added_by, created_at)
			SELECT 'lit_fill_' || s.id, ?, s.id, '', ?, ? FROM services s WHERE s.id LIKE 'svc_fill_%'`, l.ID, tm.member.ID, now); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.lists.Get(f.ctx, tm.member, l.ID); got.ItemsCount != lists.MaxItems-1 {
			t.Fatalf("filled with %d items", got.ItemsCount)
		}
		f.add(t, tm.member, l.ID, lists.NewItem{FreelancerID: ann.ID})
		_, err := f.lists.AddItem(f.ctx, tm.member, l.ID, lists.NewItem{FreelancerID: bob.ID})
		wantErr(t, err, errs.KindConflict, "list_full", "")
		if n := f.count(t, `SELECT COUNT(*) FROM list_items WHERE list_id = ?`, l.ID); n != lists.MaxItems {
			t.Fatalf("a full list holds %d items", n)
		}
	})
}

// Adds that arrive together take turns at the limit: of 40 adds to a list
// 20 short of full, sent at once, 20 are stored and 20 are refused.
func TestConcurrentAddsStopAtTheLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm := f.team(t, "a")
		_, _, logo := f.freelancer(t, "ann@example.com", "Ann Studio")
		l := f.create(t, tm.member, tm.acc.ID, "Everyone")
		const room, adds = 20, 40
		// Copies of a service: the first fill the list to 20 below its
		// limit (in two statements), the others are added at once.
		if _, err := f.db.Exec(f.ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO services (id, freelancer_id, title, description, category, max_quantity, pro_only, status, currency, min_price,
				min_delivery_days, pro, skills, created_at, updated_at)
			SELECT 'svc_fill_' || (10000 + n.i), s.freelancer_id, s.title, s.description, s.category, s.max_quantity, s.pro_only, 'paused', s.currency,
				s.min_price, s.min_delivery_days, s.pro, s.skills, s.created_at, s.updated_at
			FROM n, services s WHERE s.id = ?`, lists.MaxItems-room+adds, logo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Exec(f.ctx, `INSERT INTO list_items (id, list_id, service_id, note, added_by, created_at)
			SELECT 'lit_fill_' || s.id, ?, s.id, '', ?, ? FROM services s WHERE s.id LIKE 'svc_fill_%' AND s.id <= ?`,
			l.ID, tm.member.ID, db.Micros(f.clk.Now()), fmt.Sprintf("svc_fill_%d", 10000+lists.MaxItems-room)); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.lists.Get(f.ctx, tm.member, l.ID); got.ItemsCount != lists.MaxItems-room {
			t.Fatalf("filled with %d items", got.ItemsCount)
		}
		var wg sync.WaitGroup
		errc := make(chan error, adds)
		for i := range adds {
			wg.Go(func() {
				_, err := f.lists.AddItem(f.ctx, tm.member, l.ID, lists.NewItem{ServiceID: fmt.Sprintf("svc_fill_%d", 10000+lists.MaxItems-room+1+i)})
				errc <- err
			})
		}
		wg.Wait()
		close(errc)
		stored, full := 0, 0
		for err := range errc {
			if e, ok := errs.As(err); ok && e.Kind == errs.KindConflict && e.Code == "list_full" {
				full++
			} else if err != nil {
				t.Fatal(err)
			} else {
				stored++
			}
		}
		if stored != room || full != adds-room {
			t.Fatalf("%d adds stored and %d refused as list_full, want %d and %d", stored, full, room, adds-room)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM list_items WHERE list_id = ?`, l.ID); n != lists.MaxItems {
			t.Fatalf("the list holds %d items, want %d", n, lists.MaxItems)
		}
	})
}

// A list is its account's: every member edits it. Shared with another
// account, that account's members read it and change nothing; to anyone
// else it does not exist.
func TestWhoReadsAndEditsAList(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm, friends, third := f.team(t, "a"), f.team(t, "b"), f.team(t, "c")
		freelancer, ann, _ := f.freelancer(t, "ann@example.com", "Ann Studio")
		stranger := f.user(t, "stranger@example.com", "Stranger")
		l := f.create(t, tm.member, tm.acc.ID, "Logo designers")
		item := f.add(t, tm.member, l.ID, lists.NewItem{FreelancerID: ann.ID, Note: "Fast"})

		// Sharing: by id, with another account, once.
		for _, c := range []struct {
			name, account string
			code          string
		}{
			{"no account", "  ", "required"},
			{"its own account", tm.acc.ID, "list_share_own_account"},
			{"an unknown account", "acc_nope", "account_not_found"},
		} {
			t.Run("shared with "+c.name, func(t *testing.T) {
				_, err := f.lists.Share(f.ctx, tm.member, l.ID, c.account)
				wantErr(t, err, errs.KindInvalid, c.code, "account_id")
			})
		}
		shares, err := f.lists.Share(f.ctx, tm.billing, l.ID, " "+friends.acc.ID+" ")
		if err != nil || len(shares) != 1 || shares[0].AccountID != friends.acc.ID || shares[0].AccountName != "b Corp" || shares[0].SharedBy != tm.billing.ID {
			t.Fatalf("shared: %+v %v", shares, err)
		}
		if again, err := f.lists.Share(f.ctx, tm.admin, l.ID, friends.acc.ID); err != nil || len(again) != 1 || again[0].SharedBy != tm.billing.ID {
			t.Fatalf("shared twice: %+v %v", again, err)
		}
		// The other account's admin is told once; its other members are not.
		told := func(u users.User) []notify.Notification {
			t.Helper()
			p, err := notify.List(f.ctx, f.db, u.ID, page.Request{Limit: page.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			var out []notify.Notification
			for _, n := range p.Items {
				if n.Kind == "list_shared" {
					out = append(out, n)
				}
			}
			return out
		}
		if n := told(friends.admin); len(n) != 1 || n[0].Link != "/lists/"+l.ID || n[0].Params["list"] != "Logo designers" || n[0].Params["from"] != tm.billing.Name {
			t.Fatalf("the other admin was told %+v", n)
		}
		if n := told(friends.member); len(n) != 0 {
			t.Fatalf("a member of the other account was told %+v", n)
		}
		if n := f.audited(t, tm, "list.shared"); n != 1 {
			t.Fatalf("%d list.shared audit entries", n)
		}

		type access int
		const (
			edits access = iota
			reads
			none
		)
		for _, c := range []struct {
			who    string
			viewer users.User
			access access
		}{
			{"the admin", tm.admin, edits},
			{"a billing manager", tm.billing, edits},
			{"a member", tm.member, edits},
			{"the other account's admin", friends.admin, reads},
			{"the other account's member", friends.member, reads},
			{"a third account's admin", third.admin, none},
			{"the freelancer on it", freelancer, none},
			{"a stranger", stranger, none},
		} {
			t.Run(c.who, func(t *testing.T) {
				got, err := f.lists.Get(f.ctx, c.viewer, l.ID)
				switch c.access {
				case none:
					wantErr(t, err, errs.KindNotFound, "list_not_found", "")
				case reads:
					if err != nil || !got.ReadOnly || len(got.Items) != 1 || got.Items[0].Note != "Fast" || len(got.Shares) != 0 {
						t.Fatalf("read through a share: %+v %v", got, err)
					}
				case edits:
					if err != nil || got.ReadOnly || len(got.Items) != 1 || len(got.Shares) != 1 {
						t.Fatalf("read by its account: %+v %v", got, err)
					}
				}
				var want func(error)
				switch c.access {
				case none:
					want = func(err error) { t.Helper(); wantErr(t, err, errs.KindNotFound, "list_not_found", "") }
				case reads:
					want = func(err error) { t.Helper(); wantErr(t, err, errs.KindForbidden, "list_read_only", "") }
				default:
					return // the account's members edit: below
				}
				_, err = f.lists.Rename(f.ctx, c.viewer, l.ID, "Mine now")
				want(err)
				_, err = f.lists.AddItem(f.ctx, c.viewer, l.ID, lists.NewItem{FreelancerID: ann.ID})
				want(err)
				want(f.lists.RemoveItem(f.ctx, c.viewer, l.ID, item.ID))
				_, err = f.lists.Share(f.ctx, c.viewer, l.ID, third.acc.ID)
				want(err)
				want(f.lists.Revoke(f.ctx, c.viewer, l.ID, friends.acc.ID))
				_, err = f.lists.Shares(f.ctx, c.viewer, l.ID)
				want(err)
				want(f.lists.Delete(f.ctx, c.viewer, l.ID))
			})
		}
		if got, _ := f.lists.Get(f.ctx, tm.member, l.ID); got.Name != "Logo designers" || got.ItemsCount != 1 || len(got.Shares) != 1 {
			t.Fatalf("refused changes changed the list: %+v", got)
		}

		// Where each one finds it.
		mine, err := f.lists.AccountLists(f.ctx, tm.member, tm.acc.ID, page.Request{})
		if err != nil || !slices.Equal(ids(mine.Items), []string{l.ID}) || mine.Items[0].ReadOnly || mine.Items[0].ItemsCount != 1 {
			t.Fatalf("the account's lists %+v %v", mine.Items, err)
		}
		shared, err := f.lists.SharedWith(f.ctx, friends.member, friends.acc.ID, page.Request{})
		if err != nil || !slices.Equal(ids(shared.Items), []string{l.ID}) || !shared.Items[0].ReadOnly || shared.Items[0].AccountName != "a Corp" {
			t.Fatalf("shared with the other account %+v %v", shared.Items, err)
		}
		if p, _ := f.lists.AccountLists(f.ctx, friends.admin, friends.acc.ID, page.Request{}); len(p.Items) != 0 {
			t.Fatalf("a shared list among the other account's own: %+v", p.Items)
		}
		if p, _ := f.lists.SharedWith(f.ctx, tm.admin, tm.acc.ID, page.Request{}); len(p.Items) != 0 {
			t.Fatalf("the account's own list among those shared with it: %+v", p.Items)
		}
		_, err = f.lists.AccountLists(f.ctx, friends.admin, tm.acc.ID, page.Request{})
		wantErr(t, err, errs.KindNotFound, "account_not_found", "")
		_, err = f.lists.SharedWith(f.ctx, tm.admin, friends.acc.ID, page.Request{})
		wantErr(t, err, errs.KindNotFound, "account_not_found", "")
		// The save-to-list menu offers the lists one can add to, not those shared with them.
		if menu, err := f.lists.ListsFor(f.ctx, friends.member); err != nil || len(menu) != 0 {
			t.Fatalf("the other account's member may add to %+v (%v)", menu, err)
		}
		if menu, err := f.lists.ListsFor(f.ctx, tm.billing); err != nil || !slices.Equal(ids(menu), []string{l.ID}) {
			t.Fatalf("the account's member may add to %v (%v)", ids(menu), err)
		}

		// Revoking: at once a 404 to them, audited; twice is a 404.
		wantErr(t, f.lists.Revoke(f.ctx, tm.member, l.ID, third.acc.ID), errs.KindNotFound, "list_share_not_found", "")
		if err := f.lists.Revoke(f.ctx, tm.member, l.ID, friends.acc.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.lists.Revoke(f.ctx, tm.member, l.ID, friends.acc.ID), errs.KindNotFound, "list_share_not_found", "")
		for _, u := range []users.User{friends.admin, friends.member} {
			_, err := f.lists.Get(f.ctx, u, l.ID)
			wantErr(t, err, errs.KindNotFound, "list_not_found", "")
		}
		if p, _ := f.lists.SharedWith(f.ctx, friends.member, friends.acc.ID, page.Request{}); len(p.Items) != 0 {
			t.Fatalf("still shared after the revocation: %+v", p.Items)
		}
		if n := f.audited(t, tm, "list.share_revoked"); n != 1 {
			t.Fatalf("%d list.share_revoked audit entries", n)
		}
		if s, err := f.lists.Shares(f.ctx, tm.member, l.ID); err != nil || len(s) != 0 {
			t.Fatalf("shares after the revocation %+v %v", s, err)
		}
	})
}

// Deleting a list takes its items and shares with it; it then does not
// exist for anyone.
func TestDeleteAList(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm, friends := f.team(t, "a"), f.team(t, "b")
		_, ann, logo := f.freelancer(t, "ann@example.com", "Ann Studio")
		l := f.create(t, tm.admin, tm.acc.ID, "Logo designers")
		kept := f.create(t, tm.admin, tm.acc.ID, "Kept")
		f.add(t, tm.admin, l.ID, lists.NewItem{FreelancerID: ann.ID})
		f.add(t, tm.admin, l.ID, lists.NewItem{ServiceID: logo.ID})
		f.add(t, tm.admin, kept.ID, lists.NewItem{FreelancerID: ann.ID})
		for _, k := range []lists.List{l, kept} {
			if _, err := f.lists.Share(f.ctx, tm.admin, k.ID, friends.acc.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Any member deletes it (the list's creator is the admin).
		if err := f.lists.Delete(f.ctx, tm.member, l.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.lists.Delete(f.ctx, tm.member, l.ID), errs.KindNotFound, "list_not_found", "")
		for _, u := range []users.User{tm.admin, friends.member} {
			_, err := f.lists.Get(f.ctx, u, l.ID)
			wantErr(t, err, errs.KindNotFound, "list_not_found", "")
		}
		if n := f.count(t, `SELECT COUNT(*) FROM list_items WHERE list_id = ?`, l.ID) + f.count(t, `SELECT COUNT(*) FROM list_shares WHERE list_id = ?`, l.ID); n != 0 {
			t.Fatalf("%d items and shares outlived their list", n)
		}
		if got, err := f.lists.Get(f.ctx, friends.member, kept.ID); err != nil || got.ItemsCount != 1 {
			t.Fatalf("the other list %+v %v", got, err)
		}
	})
}

// An account's lists come newest first, a page at a time.
func TestAccountListsArePaged(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		f := setup(t, e)
		tm, friends := f.team(t, "a"), f.team(t, "b")
		var made []string
		for _, name := range []string{"One", "Two", "Three", "Four", "Five"} {
			made = append(made, f.create(t, tm.member, tm.acc.ID, name).ID)
		}
		f.create(t, friends.admin, friends.acc.ID, "Theirs")
		slices.Reverse(made)
		var got []string
		r := page.Request{Limit: 2}
		for pages := 0; ; pages++ {
			p, err := f.lists.AccountLists(f.ctx, tm.billing, tm.acc.ID, r)
			if err != nil || len(p.Items) > 2 || pages > 3 {
				t.Fatalf("page %d: %d items, %v", pages, len(p.Items), err)
			}
			got = append(got, ids(p.Items)...)
			if p.NextCursor == "" {
				break
			}
			if r, err = page.Parse("2", p.NextCursor); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(got, made) {
			t.Fatalf("paged %v, want %v", got, made)
		}
	})
}
