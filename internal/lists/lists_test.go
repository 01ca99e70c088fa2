package lists_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/domaintest"
	"atelier/internal/errs"
	"atelier/internal/lists"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

// fixture is one test's Atelier with the helpers of lists' tests: people,
// accounts and the catalog whose freelancers and services go on lists.
type fixture struct{ *domaintest.Env }

func setup(t *testing.T, e db.Engine) fixture { return fixture{domaintest.New(t, e)} }

func (f fixture) create(t *testing.T, actor users.User, accountID, name string) lists.List {
	t.Helper()
	l, err := f.Lists.Create(f.Ctx, actor, accountID, name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (f fixture) add(t *testing.T, actor users.User, listID string, in lists.NewItem) lists.Item {
	t.Helper()
	it, err := f.Lists.AddItem(f.Ctx, actor, listID, in)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func ids(list []lists.List) []string {
	var out []string
	for _, l := range list {
		out = append(out, l.ID)
	}
	return out
}

func TestListNamesAndItems(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.Team(t, "a")
		ann := f.Freelancer(t, "ann@example.com", "Ann Studio")
		bob := f.Freelancer(t, "bob@example.com", "Bob Films")

		for _, c := range []struct {
			name, list, code string
		}{
			{"empty", "", "required"},
			{"blank", " \t ", "required"},
			{"101 characters", strings.Repeat("é", 101), "too_long"},
		} {
			t.Run("a name "+c.name, func(t *testing.T) {
				_, err := f.Lists.Create(f.Ctx, tm.Member, tm.Account.ID, c.list)
				domaintest.WantErr(t, err, errs.KindInvalid, c.code, "name")
			})
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM lists`); n != 0 {
			t.Fatalf("%d refused lists stored", n)
		}
		l := f.create(t, tm.Member, tm.Account.ID, "  Logo designers  ")
		if l.Name != "Logo designers" || l.AccountID != tm.Account.ID || l.AccountName != "a Corp" || l.CreatedBy != tm.Member.ID || l.ReadOnly ||
			l.ItemsCount != 0 || len(l.Items) != 0 || len(l.Shares) != 0 || !l.CreatedAt.Equal(l.UpdatedAt) {
			t.Fatalf("created %+v", l)
		}
		if long := f.create(t, tm.Member, tm.Account.ID, strings.Repeat("é", 100)); long.Name != strings.Repeat("é", 100) {
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
			{"both a freelancer and a service", lists.NewItem{FreelancerID: ann.Profile.ID, ServiceID: ann.Service.ID}, errs.KindInvalid, "list_item_one_kind", "service_id"},
			{"a note of 1,001 characters", lists.NewItem{FreelancerID: ann.Profile.ID, Note: strings.Repeat("n", 1001)}, errs.KindInvalid, "too_long", "note"},
			{"an unknown freelancer", lists.NewItem{FreelancerID: "frl_nope"}, errs.KindInvalid, "freelancer_not_found", "freelancer_id"},
			{"an unknown service", lists.NewItem{ServiceID: "svc_nope"}, errs.KindInvalid, "service_not_found", "service_id"},
		} {
			t.Run("adding "+c.name, func(t *testing.T) {
				_, err := f.Lists.AddItem(f.Ctx, tm.Member, l.ID, c.in)
				domaintest.WantErr(t, err, c.kind, c.code, c.field)
			})
		}

		f.Clock.Advance(time.Hour)
		annItem := f.add(t, tm.Admin, l.ID, lists.NewItem{FreelancerID: " " + ann.Profile.ID + " ", Note: " Fast. " + strings.Repeat("n", 994)})
		if annItem.Kind != "freelancer" || annItem.FreelancerID != ann.Profile.ID || annItem.FreelancerName != "Ann Studio" || annItem.ServiceID != "" ||
			annItem.AddedBy != tm.Admin.ID || annItem.AddedByName != "a Admin" || len([]rune(annItem.Note)) != 1000 {
			t.Fatalf("a freelancer item %+v", annItem)
		}
		// A service of a freelancer already on the list is another item.
		logoItem := f.add(t, tm.Member, l.ID, lists.NewItem{ServiceID: ann.Service.ID})
		if logoItem.Kind != "service" || logoItem.ServiceID != ann.Service.ID || logoItem.ServiceTitle != ann.Service.Title || logoItem.FreelancerID != ann.Profile.ID ||
			logoItem.FreelancerName != "Ann Studio" {
			t.Fatalf("a service item %+v", logoItem)
		}
		_, err := f.Lists.AddItem(f.Ctx, tm.Billing, l.ID, lists.NewItem{FreelancerID: ann.Profile.ID, Note: "again"})
		domaintest.WantErr(t, err, errs.KindConflict, "already_in_list", "")
		_, err = f.Lists.AddItem(f.Ctx, tm.Billing, l.ID, lists.NewItem{ServiceID: ann.Service.ID})
		domaintest.WantErr(t, err, errs.KindConflict, "already_in_list", "")
		// Once per list, not once per account.
		other := f.create(t, tm.Member, tm.Account.ID, "Brand people")
		f.add(t, tm.Member, other.ID, lists.NewItem{FreelancerID: ann.Profile.ID})
		bobItem := f.add(t, tm.Billing, l.ID, lists.NewItem{FreelancerID: bob.Profile.ID})

		got, err := f.Lists.Get(f.Ctx, tm.Member, l.ID)
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
		domaintest.WantErr(t, f.Lists.RemoveItem(f.Ctx, tm.Member, l.ID, "lit_nope"), errs.KindNotFound, "list_item_not_found", "")
		o, _ := f.Lists.Get(f.Ctx, tm.Member, other.ID)
		domaintest.WantErr(t, f.Lists.RemoveItem(f.Ctx, tm.Member, l.ID, o.Items[0].ID), errs.KindNotFound, "list_item_not_found", "")
		f.Clock.Advance(time.Hour)
		if err := f.Lists.RemoveItem(f.Ctx, tm.Billing, l.ID, annItem.ID); err != nil {
			t.Fatal(err)
		}
		domaintest.WantErr(t, f.Lists.RemoveItem(f.Ctx, tm.Billing, l.ID, annItem.ID), errs.KindNotFound, "list_item_not_found", "")
		after, _ := f.Lists.Get(f.Ctx, tm.Member, l.ID)
		if after.ItemsCount != 2 || !after.UpdatedAt.After(got.UpdatedAt.Add(time.Hour)) {
			t.Fatalf("after a removal: %d items, updated %v", after.ItemsCount, after.UpdatedAt)
		}
		// Taken off, it can go back on.
		f.add(t, tm.Member, l.ID, lists.NewItem{FreelancerID: ann.Profile.ID})

		// Renaming follows the rules of a name.
		_, err = f.Lists.Rename(f.Ctx, tm.Member, l.ID, " ")
		domaintest.WantErr(t, err, errs.KindInvalid, "required", "name")
		_, err = f.Lists.Rename(f.Ctx, tm.Member, l.ID, strings.Repeat("x", 101))
		domaintest.WantErr(t, err, errs.KindInvalid, "too_long", "name")
		if r, err := f.Lists.Rename(f.Ctx, tm.Billing, l.ID, " Logo people "); err != nil || r.Name != "Logo people" || r.ItemsCount != 3 {
			t.Fatalf("renamed %+v %v", r, err)
		}
	})
}

// A list holds up to lists.MaxItems items.
func TestAListIsFullAtItsLimit(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.Team(t, "a")
		ann := f.Freelancer(t, "ann@example.com", "Ann Studio")
		bob := f.Freelancer(t, "bob@example.com", "Bob Films")
		l := f.create(t, tm.Member, tm.Account.ID, "Everyone")
		// The list filled to one below its limit with copies of a service,
		// in two statements (adding 499 items one by one would be slow).
		now := db.Micros(f.Clock.Now())
		if _, err := f.DB.Exec(f.Ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO services (id, freelancer_id, title, description, category, max_quantity, pro_only, status, currency, min_price,
				min_delivery_days, pro, skills, created_at, updated_at)
			SELECT 'svc_fill_' || n.i, s.freelancer_id, s.title, s.description, s.category, s.max_quantity, s.pro_only, 'paused', s.currency,
				s.min_price, s.min_delivery_days, s.pro, s.skills, s.created_at, s.updated_at
			FROM n, services s WHERE s.id = ?`, lists.MaxItems-1, ann.Service.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.DB.Exec(f.Ctx, `INSERT INTO list_items (id, list_id, service_id, note, added_by, created_at)
			SELECT 'lit_fill_' || s.id, ?, s.id, '', ?, ? FROM services s WHERE s.id LIKE 'svc_fill_%'`, l.ID, tm.Member.ID, now); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Lists.Get(f.Ctx, tm.Member, l.ID); got.ItemsCount != lists.MaxItems-1 {
			t.Fatalf("filled with %d items", got.ItemsCount)
		}
		f.add(t, tm.Member, l.ID, lists.NewItem{FreelancerID: ann.Profile.ID})
		_, err := f.Lists.AddItem(f.Ctx, tm.Member, l.ID, lists.NewItem{FreelancerID: bob.Profile.ID})
		domaintest.WantErr(t, err, errs.KindConflict, "list_full", "")
		if n := f.Count(t, `SELECT COUNT(*) FROM list_items WHERE list_id = ?`, l.ID); n != lists.MaxItems {
			t.Fatalf("a full list holds %d items", n)
		}
	})
}

// Adds that arrive together take turns at the limit: of 40 adds to a list
// 20 short of full, sent at once, 20 are stored and 20 are refused.
func TestConcurrentAddsStopAtTheLimit(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.Team(t, "a")
		logo := f.Freelancer(t, "ann@example.com", "Ann Studio").Service
		l := f.create(t, tm.Member, tm.Account.ID, "Everyone")
		const room, adds = 20, 40
		// Copies of a service: the first fill the list to 20 below its
		// limit (in two statements), the others are added at once.
		if _, err := f.DB.Exec(f.Ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO services (id, freelancer_id, title, description, category, max_quantity, pro_only, status, currency, min_price,
				min_delivery_days, pro, skills, created_at, updated_at)
			SELECT 'svc_fill_' || (10000 + n.i), s.freelancer_id, s.title, s.description, s.category, s.max_quantity, s.pro_only, 'paused', s.currency,
				s.min_price, s.min_delivery_days, s.pro, s.skills, s.created_at, s.updated_at
			FROM n, services s WHERE s.id = ?`, lists.MaxItems-room+adds, logo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.DB.Exec(f.Ctx, `INSERT INTO list_items (id, list_id, service_id, note, added_by, created_at)
			SELECT 'lit_fill_' || s.id, ?, s.id, '', ?, ? FROM services s WHERE s.id LIKE 'svc_fill_%' AND s.id <= ?`,
			l.ID, tm.Member.ID, db.Micros(f.Clock.Now()), fmt.Sprintf("svc_fill_%d", 10000+lists.MaxItems-room)); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Lists.Get(f.Ctx, tm.Member, l.ID); got.ItemsCount != lists.MaxItems-room {
			t.Fatalf("filled with %d items", got.ItemsCount)
		}
		var wg sync.WaitGroup
		errc := make(chan error, adds)
		for i := range adds {
			wg.Go(func() {
				_, err := f.Lists.AddItem(f.Ctx, tm.Member, l.ID, lists.NewItem{ServiceID: fmt.Sprintf("svc_fill_%d", 10000+lists.MaxItems-room+1+i)})
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
		if n := f.Count(t, `SELECT COUNT(*) FROM list_items WHERE list_id = ?`, l.ID); n != lists.MaxItems {
			t.Fatalf("the list holds %d items, want %d", n, lists.MaxItems)
		}
	})
}

// A list is its account's: every member edits it. Shared with another
// account, that account's members read it and change nothing; to anyone
// else it does not exist.
func TestWhoReadsAndEditsAList(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, friends, third := f.Team(t, "a"), f.Team(t, "b"), f.Team(t, "c")
		ann := f.Freelancer(t, "ann@example.com", "Ann Studio")
		stranger := f.SignUp(t, "stranger@example.com", "Stranger")
		l := f.create(t, tm.Member, tm.Account.ID, "Logo designers")
		item := f.add(t, tm.Member, l.ID, lists.NewItem{FreelancerID: ann.Profile.ID, Note: "Fast"})

		// Sharing: by id, with another account, once.
		for _, c := range []struct {
			name, account string
			code          string
		}{
			{"no account", "  ", "required"},
			{"its own account", tm.Account.ID, "list_share_own_account"},
			{"an unknown account", "acc_nope", "account_not_found"},
		} {
			t.Run("shared with "+c.name, func(t *testing.T) {
				_, err := f.Lists.Share(f.Ctx, tm.Member, l.ID, c.account)
				domaintest.WantErr(t, err, errs.KindInvalid, c.code, "account_id")
			})
		}
		shares, err := f.Lists.Share(f.Ctx, tm.Billing, l.ID, " "+friends.Account.ID+" ")
		if err != nil || len(shares) != 1 || shares[0].AccountID != friends.Account.ID || shares[0].AccountName != "b Corp" || shares[0].SharedBy != tm.Billing.ID {
			t.Fatalf("shared: %+v %v", shares, err)
		}
		if again, err := f.Lists.Share(f.Ctx, tm.Admin, l.ID, friends.Account.ID); err != nil || len(again) != 1 || again[0].SharedBy != tm.Billing.ID {
			t.Fatalf("shared twice: %+v %v", again, err)
		}
		// The other account's admin is told once; its other members are not.
		told := func(u users.User) []notify.Notification {
			t.Helper()
			var out []notify.Notification
			for _, n := range f.Notices(t, u) {
				if n.Kind == "list_shared" {
					out = append(out, n)
				}
			}
			return out
		}
		if n := told(friends.Admin); len(n) != 1 || n[0].Link != "/lists/"+l.ID || n[0].Params["list"] != "Logo designers" || n[0].Params["from"] != tm.Billing.Name {
			t.Fatalf("the other admin was told %+v", n)
		}
		if n := told(friends.Member); len(n) != 0 {
			t.Fatalf("a member of the other account was told %+v", n)
		}
		if n := f.Audited(t, tm.Admin, tm.Account.ID, "list.shared"); n != 1 {
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
			{"the admin", tm.Admin, edits},
			{"a billing manager", tm.Billing, edits},
			{"a member", tm.Member, edits},
			{"the other account's admin", friends.Admin, reads},
			{"the other account's member", friends.Member, reads},
			{"a third account's admin", third.Admin, none},
			{"the freelancer on it", ann.Owner, none},
			{"a stranger", stranger, none},
		} {
			t.Run(c.who, func(t *testing.T) {
				got, err := f.Lists.Get(f.Ctx, c.viewer, l.ID)
				switch c.access {
				case none:
					domaintest.WantErr(t, err, errs.KindNotFound, "list_not_found", "")
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
					want = func(err error) { t.Helper(); domaintest.WantErr(t, err, errs.KindNotFound, "list_not_found", "") }
				case reads:
					want = func(err error) { t.Helper(); domaintest.WantErr(t, err, errs.KindForbidden, "list_read_only", "") }
				default:
					return // the account's members edit: below
				}
				_, err = f.Lists.Rename(f.Ctx, c.viewer, l.ID, "Mine now")
				want(err)
				_, err = f.Lists.AddItem(f.Ctx, c.viewer, l.ID, lists.NewItem{FreelancerID: ann.Profile.ID})
				want(err)
				want(f.Lists.RemoveItem(f.Ctx, c.viewer, l.ID, item.ID))
				_, err = f.Lists.Share(f.Ctx, c.viewer, l.ID, third.Account.ID)
				want(err)
				want(f.Lists.Revoke(f.Ctx, c.viewer, l.ID, friends.Account.ID))
				_, err = f.Lists.Shares(f.Ctx, c.viewer, l.ID)
				want(err)
				want(f.Lists.Delete(f.Ctx, c.viewer, l.ID))
			})
		}
		if got, _ := f.Lists.Get(f.Ctx, tm.Member, l.ID); got.Name != "Logo designers" || got.ItemsCount != 1 || len(got.Shares) != 1 {
			t.Fatalf("refused changes changed the list: %+v", got)
		}

		// Where each one finds it.
		mine, err := f.Lists.AccountLists(f.Ctx, tm.Member, tm.Account.ID, page.Request{})
		if err != nil || !slices.Equal(ids(mine.Items), []string{l.ID}) || mine.Items[0].ReadOnly || mine.Items[0].ItemsCount != 1 {
			t.Fatalf("the account's lists %+v %v", mine.Items, err)
		}
		shared, err := f.Lists.SharedWith(f.Ctx, friends.Member, friends.Account.ID, page.Request{})
		if err != nil || !slices.Equal(ids(shared.Items), []string{l.ID}) || !shared.Items[0].ReadOnly || shared.Items[0].AccountName != "a Corp" {
			t.Fatalf("shared with the other account %+v %v", shared.Items, err)
		}
		if p, _ := f.Lists.AccountLists(f.Ctx, friends.Admin, friends.Account.ID, page.Request{}); len(p.Items) != 0 {
			t.Fatalf("a shared list among the other account's own: %+v", p.Items)
		}
		if p, _ := f.Lists.SharedWith(f.Ctx, tm.Admin, tm.Account.ID, page.Request{}); len(p.Items) != 0 {
			t.Fatalf("the account's own list among those shared with it: %+v", p.Items)
		}
		_, err = f.Lists.AccountLists(f.Ctx, friends.Admin, tm.Account.ID, page.Request{})
		domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
		_, err = f.Lists.SharedWith(f.Ctx, tm.Admin, friends.Account.ID, page.Request{})
		domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
		// The save-to-list menu offers the lists one can add to, not those shared with them.
		if menu, err := f.Lists.ListsFor(f.Ctx, friends.Member); err != nil || len(menu) != 0 {
			t.Fatalf("the other account's member may add to %+v (%v)", menu, err)
		}
		if menu, err := f.Lists.ListsFor(f.Ctx, tm.Billing); err != nil || !slices.Equal(ids(menu), []string{l.ID}) {
			t.Fatalf("the account's member may add to %v (%v)", ids(menu), err)
		}

		// Revoking: at once a 404 to them, audited; twice is a 404.
		domaintest.WantErr(t, f.Lists.Revoke(f.Ctx, tm.Member, l.ID, third.Account.ID), errs.KindNotFound, "list_share_not_found", "")
		if err := f.Lists.Revoke(f.Ctx, tm.Member, l.ID, friends.Account.ID); err != nil {
			t.Fatal(err)
		}
		domaintest.WantErr(t, f.Lists.Revoke(f.Ctx, tm.Member, l.ID, friends.Account.ID), errs.KindNotFound, "list_share_not_found", "")
		for _, u := range []users.User{friends.Admin, friends.Member} {
			_, err := f.Lists.Get(f.Ctx, u, l.ID)
			domaintest.WantErr(t, err, errs.KindNotFound, "list_not_found", "")
		}
		if p, _ := f.Lists.SharedWith(f.Ctx, friends.Member, friends.Account.ID, page.Request{}); len(p.Items) != 0 {
			t.Fatalf("still shared after the revocation: %+v", p.Items)
		}
		if n := f.Audited(t, tm.Admin, tm.Account.ID, "list.share_revoked"); n != 1 {
			t.Fatalf("%d list.share_revoked audit entries", n)
		}
		if s, err := f.Lists.Shares(f.Ctx, tm.Member, l.ID); err != nil || len(s) != 0 {
			t.Fatalf("shares after the revocation %+v %v", s, err)
		}
	})
}

// Deleting a list takes its items and shares with it; it then does not
// exist for anyone.
func TestDeleteAList(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, friends := f.Team(t, "a"), f.Team(t, "b")
		ann := f.Freelancer(t, "ann@example.com", "Ann Studio")
		l := f.create(t, tm.Admin, tm.Account.ID, "Logo designers")
		kept := f.create(t, tm.Admin, tm.Account.ID, "Kept")
		f.add(t, tm.Admin, l.ID, lists.NewItem{FreelancerID: ann.Profile.ID})
		f.add(t, tm.Admin, l.ID, lists.NewItem{ServiceID: ann.Service.ID})
		f.add(t, tm.Admin, kept.ID, lists.NewItem{FreelancerID: ann.Profile.ID})
		for _, k := range []lists.List{l, kept} {
			if _, err := f.Lists.Share(f.Ctx, tm.Admin, k.ID, friends.Account.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Any member deletes it (the list's creator is the admin).
		if err := f.Lists.Delete(f.Ctx, tm.Member, l.ID); err != nil {
			t.Fatal(err)
		}
		domaintest.WantErr(t, f.Lists.Delete(f.Ctx, tm.Member, l.ID), errs.KindNotFound, "list_not_found", "")
		for _, u := range []users.User{tm.Admin, friends.Member} {
			_, err := f.Lists.Get(f.Ctx, u, l.ID)
			domaintest.WantErr(t, err, errs.KindNotFound, "list_not_found", "")
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM list_items WHERE list_id = ?`, l.ID) + f.Count(t, `SELECT COUNT(*) FROM list_shares WHERE list_id = ?`, l.ID); n != 0 {
			t.Fatalf("%d items and shares outlived their list", n)
		}
		if got, err := f.Lists.Get(f.Ctx, friends.Member, kept.ID); err != nil || got.ItemsCount != 1 {
			t.Fatalf("the other list %+v %v", got, err)
		}
	})
}

// An account's lists come newest first, a page at a time.
func TestAccountListsArePaged(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, friends := f.Team(t, "a"), f.Team(t, "b")
		var made []string
		for _, name := range []string{"One", "Two", "Three", "Four", "Five"} {
			made = append(made, f.create(t, tm.Member, tm.Account.ID, name).ID)
		}
		f.create(t, friends.Admin, friends.Account.ID, "Theirs")
		slices.Reverse(made)
		var got []string
		r := page.Request{Limit: 2}
		for pages := 0; ; pages++ {
			p, err := f.Lists.AccountLists(f.Ctx, tm.Billing, tm.Account.ID, r)
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

// A list shared with an account that requires two-factor sign-in is read
// there only by its members who use it, as the account itself is.
func TestASharedListFollowsTheTwoFactorPolicyOfTheAccountItIsSharedWith(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, friends := f.Team(t, "a"), f.Team(t, "b")
		l := f.create(t, tm.Member, tm.Account.ID, "Logo designers")
		if _, err := f.Lists.Share(f.Ctx, tm.Admin, l.ID, friends.Account.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Lists.Get(f.Ctx, friends.Member, l.ID); err != nil {
			t.Fatalf("before the policy: %v", err)
		}
		if _, err := f.DB.Exec(f.Ctx, `UPDATE accounts SET require_two_factor = ? WHERE id = ?`, true, friends.Account.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.Lists.Get(f.Ctx, friends.Member, l.ID)
		domaintest.WantErr(t, err, errs.KindNotFound, "list_not_found", "")
		enrolled := friends.Member
		enrolled.TwoFactor = true
		if got, err := f.Lists.Get(f.Ctx, enrolled, l.ID); err != nil || !got.ReadOnly {
			t.Fatalf("with two-factor: %+v %v", got, err)
		}
	})
}
