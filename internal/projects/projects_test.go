package projects_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/domaintest"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// fixture is one test's Atelier (orders ask projects.CanAttach, as the
// app wires them) with the helpers of projects' tests.
type fixture struct{ *domaintest.Env }

func setup(t *testing.T, e db.Engine) fixture { return fixture{domaintest.New(t, e)} }

// seller is a freelancer with one USD service: Basic at 100.00 (3 days)
// and Premium at 600.00 (5 days), up to 5 of each.
func (f fixture) seller(t *testing.T) (users.User, catalog.Listing) {
	t.Helper()
	s := f.FreelancerOf(t, f.SignUp(t, "seller@example.com", "Sam Seller"), catalog.Profile{DisplayName: "Sam Studio"})
	return s.Owner, s.Service
}

func (f fixture) create(t *testing.T, actor users.User, accountID, name, visibility string, budget int64) projects.Project {
	t.Helper()
	p, err := f.Projects.Create(f.Ctx, actor, accountID, projects.NewProject{Name: name, Type: "website", Budget: usd(budget), Visibility: visibility})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// notices are a user's notifications, oldest first.
func (f fixture) notices(t *testing.T, u users.User) []notify.Notification {
	t.Helper()
	n := f.Notices(t, u)
	slices.Reverse(n)
	return n
}

func kinds(list []notify.Notification) []string {
	var out []string
	for _, n := range list {
		out = append(out, n.Kind)
	}
	return out
}

// refusal is a row of a table of calls that must fail: the subtest's name,
// who calls, what they send, and the error domaintest.WantErr must find.
type refusal[In any] struct {
	name        string
	actor       users.User
	in          In
	kind        errs.Kind
	code, field string
}

// refuse runs each row as a subtest: call, made by the row's actor with
// its input, must fail with the row's error.
func refuse[In any](t *testing.T, rows []refusal[In], call func(actor users.User, in In) error) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			t.Helper()
			domaintest.WantErr(t, call(r.actor, r.in), r.kind, r.code, r.field)
		})
	}
}

func usd(a int64) money.Money { return money.New(a, "USD") }

func TestCreateAProject(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.Team(t, "a"), f.Team(t, "b")
		stranger := f.SignUp(t, "stranger@example.com", "Stranger")
		valid := projects.NewProject{Name: "New website", Type: "website", Budget: usd(1000)}
		with := domaintest.Changes(valid)
		refuse(t, []refusal[projects.NewProject]{
			{"blank name", tm.Member, with(func(in *projects.NewProject) { in.Name = "   " }), errs.KindInvalid, "required", "name"},
			{"name of 121 characters", tm.Member, with(func(in *projects.NewProject) { in.Name = strings.Repeat("é", 121) }), errs.KindInvalid, "too_long", "name"},
			{"no type", tm.Member, with(func(in *projects.NewProject) { in.Type = "" }), errs.KindInvalid, "project_type_invalid", "type"},
			{"unknown type", tm.Member, with(func(in *projects.NewProject) { in.Type = "spaceship" }), errs.KindInvalid, "project_type_invalid", "type"},
			{"type in capitals", tm.Member, with(func(in *projects.NewProject) { in.Type = "Website" }), errs.KindInvalid, "project_type_invalid", "type"},
			{"brief of 10,001 characters", tm.Member, with(func(in *projects.NewProject) { in.Brief = strings.Repeat("b", 10001) }), errs.KindInvalid, "too_long", "brief"},
			{"budget in another currency", tm.Member, with(func(in *projects.NewProject) { in.Budget = money.New(1000, "EUR") }), errs.KindInvalid, "currency_mismatch", "budget"},
			{"negative budget", tm.Member, with(func(in *projects.NewProject) { in.Budget = usd(-1) }), errs.KindInvalid, "amount_negative", "budget"},
			{"budget above the maximum", tm.Member, with(func(in *projects.NewProject) { in.Budget = usd(100_000_000_01) }), errs.KindInvalid, "amount_too_large", "budget"},
			{"unknown visibility", tm.Member, with(func(in *projects.NewProject) { in.Visibility = "secret" }), errs.KindInvalid, "visibility_invalid", "visibility"},
			{"another account's admin", them.Admin, valid, errs.KindNotFound, "account_not_found", ""},
			{"a stranger", stranger, valid, errs.KindNotFound, "account_not_found", ""},
		}, func(actor users.User, in projects.NewProject) error {
			_, err := f.Projects.Create(f.Ctx, actor, tm.Account.ID, in)
			return err
		})
		if n := f.Count(t, `SELECT COUNT(*) FROM projects`); n != 0 {
			t.Fatalf("%d refused projects were stored", n)
		}

		// Every role may create one, and becomes its first member; the
		// budget is in the account's currency when none is named.
		for _, c := range []struct {
			actor  users.User
			access string
		}{{tm.Admin, projects.AccessAdmin}, {tm.Billing, projects.AccessOwner}, {tm.Member, projects.AccessOwner}} {
			p, err := f.Projects.Create(f.Ctx, c.actor, tm.Account.ID, projects.NewProject{Name: "  Brand  ", Type: "branding", Brief: " Logo. ",
				Budget: money.Money{Amount: 250000}})
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != "Brand" || p.Brief != "Logo." || p.Budget != usd(250000) || p.Visibility != projects.VisibleToAccount ||
				p.Access != c.access || p.CreatedBy != c.actor.ID || p.AccountID != tm.Account.ID || p.AccountName != "a Corp" {
				t.Fatalf("created by %s: %+v", c.actor.Name, p)
			}
			if len(p.Members) != 1 || p.Members[0].UserID != c.actor.ID || p.Spent != usd(0) || p.SpentPercent != 0 || p.OverBudget {
				t.Fatalf("a new project's members %+v and spend %v %d%% %v", p.Members, p.Spent, p.SpentPercent, p.OverBudget)
			}
			if p.Manager.Status != "none" || p.Manager.FeePercent != 10 || len(p.Activity) != 1 || p.Activity[0].Kind != "created" ||
				p.Activity[0].ActorName != c.actor.Name || !p.CreatedAt.Equal(p.Activity[0].At) {
				t.Fatalf("a new project's manager %+v and activity %+v", p.Manager, p.Activity)
			}
		}
		// The limits themselves are allowed, and so is no budget at all.
		p, err := f.Projects.Create(f.Ctx, tm.Member, tm.Account.ID, projects.NewProject{Name: strings.Repeat("é", 120), Type: "other",
			Brief: strings.Repeat("b", 10000), Budget: usd(100_000_000_00), Visibility: projects.Private})
		if err != nil || p.Visibility != projects.Private || p.Budget.Amount != 100_000_000_00 {
			t.Fatalf("a project at every limit: %+v %v", p.Budget, err)
		}
		if _, err := f.Projects.Create(f.Ctx, tm.Member, tm.Account.ID, projects.NewProject{Name: "No budget", Type: "content"}); err != nil {
			t.Fatalf("a project without a budget: %v", err)
		}
		for _, typ := range projects.Types {
			if _, err := f.Projects.Create(f.Ctx, tm.Member, tm.Account.ID, projects.NewProject{Name: typ, Type: typ}); err != nil {
				t.Fatalf("type %s: %v", typ, err)
			}
		}
		if created, want := f.Audited(t, tm.Admin, tm.Account.ID, "project.created"), 5+len(projects.Types); created != want {
			t.Fatalf("%d project.created audit entries, want %d", created, want)
		}
	})
}

// Who sees a project, and as what (projects.access), is the same in each
// project, in an account's list and in a person's projects (the dashboard).
func TestWhoSeesAProject(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.Team(t, "a"), f.Team(t, "b")
		teammate := f.SignUp(t, "teammate@example.com", "Tess Teammate")
		f.Join(t, tm.Admin, tm.Account.ID, teammate, accounts.Member)
		manager, otherOp := f.Operator(t, "pm@atelier.test", "Pat Manager"), f.Operator(t, "ops@atelier.test", "Olga Ops")
		seller, _ := f.seller(t)
		stranger := f.SignUp(t, "stranger@example.com", "Stranger")

		priv := f.create(t, tm.Member, tm.Account.ID, "Private site", projects.Private, 1000)
		open := f.create(t, tm.Member, tm.Account.ID, "Shared brand", "", 1000)
		theirs := f.create(t, them.Admin, them.Account.ID, "Their project", "", 1000)
		if _, err := f.Projects.AddMember(f.Ctx, tm.Member, priv.ID, teammate.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Projects.RequestManager(f.Ctx, tm.Member, priv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Projects.AssignManager(f.Ctx, otherOp, priv.ID, manager.ID); err != nil {
			t.Fatal(err)
		}

		for _, c := range []struct {
			who             string
			viewer          users.User
			priv, open      string // the access to each, "" for not found
			listsOwnAccount bool   // a member of the account: List answers
		}{
			{"the admin", tm.Admin, projects.AccessAdmin, projects.AccessAdmin, true},
			{"the creator", tm.Member, projects.AccessOwner, projects.AccessOwner, true},
			{"a project member", teammate, projects.AccessMember, projects.AccessViewer, true},
			{"another member", tm.Other, "", projects.AccessViewer, true},
			{"a billing manager", tm.Billing, "", projects.AccessViewer, true},
			{"the project manager", manager, projects.AccessManager, "", false},
			{"another operator", otherOp, "", "", false},
			{"another account's admin", them.Admin, "", "", false},
			{"the freelancer", seller, "", "", false},
			{"a stranger", stranger, "", "", false},
		} {
			t.Run(c.who, func(t *testing.T) {
				want := map[string]string{}
				for id, access := range map[string]string{priv.ID: c.priv, open.ID: c.open} {
					if access != "" {
						want[id] = access
					}
					for _, get := range []func(context.Context, users.User, string) (projects.Project, error){f.Projects.Get, f.Projects.Summary} {
						p, err := get(f.Ctx, c.viewer, id)
						if access == "" {
							domaintest.WantErr(t, err, errs.KindNotFound, "project_not_found", "")
						} else if err != nil || p.Access != access {
							t.Fatalf("project %s: access %q (%v), want %q", id, p.Access, err, access)
						}
					}
				}
				if _, err := f.Projects.Get(f.Ctx, c.viewer, theirs.ID); c.viewer.ID != them.Admin.ID {
					domaintest.WantErr(t, err, errs.KindNotFound, "project_not_found", "")
				}
				mine, err := f.Projects.Mine(f.Ctx, c.viewer)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, p := range mine {
					if p.AccountID == tm.Account.ID {
						got[p.ID] = p.Access
					}
				}
				if !maps(got, want) {
					t.Fatalf("Mine: %v, want %v", got, want)
				}
				list, err := f.Projects.List(f.Ctx, c.viewer, tm.Account.ID)
				if !c.listsOwnAccount {
					domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				got = map[string]string{}
				for _, p := range list {
					got[p.ID] = p.Access
				}
				if !maps(got, want) {
					t.Fatalf("List: %v, want %v", got, want)
				}
			})
		}
	})
}

// Lists are cut at 200 after the rule of who sees what, not before: a
// member still finds the project they see behind 200 newer private ones
// they do not, in the account's list and on their dashboard.
func TestListsAreCutAfterWhoSees(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.Team(t, "a")
		open := f.create(t, tm.Member, tm.Account.ID, "Shared brand", "", 1000)
		for i := range 200 {
			f.create(t, tm.Admin, tm.Account.ID, fmt.Sprintf("Private %d", i), projects.Private, 0)
		}
		if p, err := f.Projects.Get(f.Ctx, tm.Other, open.ID); err != nil || p.Access != projects.AccessViewer {
			t.Fatalf("the project's page: %q (%v)", p.Access, err)
		}
		list, err := f.Projects.List(f.Ctx, tm.Other, tm.Account.ID)
		if err != nil || len(list) != 1 || list[0].ID != open.ID || list[0].Access != projects.AccessViewer {
			t.Fatalf("the account's list shows %d projects (%v), want the one they see", len(list), err)
		}
		mine, err := f.Projects.Mine(f.Ctx, tm.Other)
		if err != nil || len(mine) != 1 || mine[0].ID != open.ID {
			t.Fatalf("their projects: %d (%v), want the one they see", len(mine), err)
		}
		// The admin sees every one: the 200 newest.
		all, err := f.Projects.List(f.Ctx, tm.Admin, tm.Account.ID)
		if err != nil || len(all) != 200 || all[0].Name != "Private 199" || all[199].Name != "Private 0" {
			t.Fatalf("the admin's list: %d projects (%v)", len(all), err)
		}
	})
}

// The rule of who sees a project is written twice, side by side: accessOf
// for one project and visibleSQL for lists. They agree: whatever the rule
// reads (visibility, creator, project members, role, manager, membership),
// every viewer's lists show exactly the projects, and as what, that each
// project's page shows them.
func TestListsShowWhatEachPageShows(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.Team(t, "a")
		ops := f.Operator(t, "ops@atelier.test", "Olga Ops")
		pm := f.Operator(t, "pm@atelier.test", "Pat Manager")         // staff outside the account
		staffMember := f.Operator(t, "sid@atelier.test", "Sid Staff") // staff and a member of the account
		f.Join(t, tm.Admin, tm.Account.ID, staffMember, accounts.Member)
		staffAdmin := f.Operator(t, "bea@atelier.test", "Bea Boss") // staff and another account's admin
		them := f.Account(t, staffAdmin, "b Corp")
		theirMember := f.SignUp(t, "b-member@example.com", "b Member")
		f.Join(t, staffAdmin, them.ID, theirMember, accounts.Member)
		stranger := f.SignUp(t, "stranger@example.com", "Stranger")

		manage := func(asker users.User, projectID string, manager users.User) {
			t.Helper()
			if _, err := f.Projects.RequestManager(f.Ctx, asker, projectID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Projects.AssignManager(f.Ctx, ops, projectID, manager.ID); err != nil {
				t.Fatal(err)
			}
		}
		var all []string
		for _, vis := range []string{projects.VisibleToAccount, projects.Private} {
			for _, creator := range []users.User{tm.Member, tm.Admin, staffMember} {
				for _, added := range []users.User{{}, tm.Other, staffMember} {
					for _, manager := range []users.User{{}, pm, staffMember} {
						p := f.create(t, creator, tm.Account.ID, fmt.Sprintf("Project %d", len(all)), vis, 0)
						if added.ID != "" && added.ID != creator.ID {
							if _, err := f.Projects.AddMember(f.Ctx, creator, p.ID, added.ID); err != nil {
								t.Fatal(err)
							}
						}
						if manager.ID != "" {
							manage(creator, p.ID, manager)
						}
						all = append(all, p.ID)
					}
				}
			}
			p := f.create(t, theirMember, them.ID, "Theirs "+vis, vis, 0)
			manage(theirMember, p.ID, staffAdmin)
			all = append(all, p.ID)
		}

		// What a viewer is to a project: their access, and whether they manage it.
		as := func(p projects.Project) string {
			if p.Manages {
				return p.Access + "+manages"
			}
			return p.Access
		}
		agree := func(t *testing.T) {
			t.Helper()
			for _, v := range []users.User{tm.Admin, tm.Billing, tm.Member, tm.Other, pm, staffMember, staffAdmin, theirMember, ops, stranger} {
				want := map[string]string{}
				for _, id := range all {
					p, err := f.Projects.Get(f.Ctx, v, id)
					if err == nil {
						want[id] = as(p)
					} else if e, ok := errs.As(err); !ok || e.Code != "project_not_found" {
						t.Fatal(err)
					}
				}
				mine, err := f.Projects.Mine(f.Ctx, v)
				if err != nil {
					t.Fatalf("%s's projects: %v", v.Name, err)
				}
				got := map[string]string{}
				for _, p := range mine {
					got[p.ID] = as(p)
				}
				if d := differ(got, want); d != nil {
					t.Fatalf("%s's projects against their pages (list/page): %v", v.Name, d)
				}
				for _, acc := range []string{tm.Account.ID, them.ID} {
					list, err := f.Projects.List(f.Ctx, v, acc)
					if e, ok := errs.As(err); ok && e.Code == "account_not_found" {
						continue
					} else if err != nil {
						t.Fatal(err)
					}
					for _, p := range list {
						if as(p) != want[p.ID] {
							t.Fatalf("%s's list of %s shows %s as %q, its page as %q", v.Name, acc, p.ID, as(p), want[p.ID])
						}
						delete(got, p.ID)
					}
				}
				for id := range got {
					if a := want[id]; a != projects.AccessManager+"+manages" {
						t.Fatalf("%s sees %s as %q, but not in its account's list", v.Name, id, a)
					}
				}
			}
		}
		agree(t)
		// A creator and a project member who leave the account see its
		// projects no more, in lists as on the pages.
		for _, u := range []users.User{tm.Member, tm.Other, staffMember} {
			if err := f.Accounts.RemoveMember(f.Ctx, tm.Admin, tm.Account.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		agree(t)
	})
}

// differ lists the keys where two maps differ, as "key: a/b".
func differ(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out = append(out, k+": "+v+"/"+w)
		}
	}
	for k, w := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k+": /"+w)
		}
	}
	slices.Sort(out)
	return out
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// The admin, the creator and the project's members add members of the
// account, once each; viewers cannot.
func TestProjectMembers(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.Team(t, "a"), f.Team(t, "b")
		teammate := f.SignUp(t, "teammate@example.com", "Tess Teammate")
		f.Join(t, tm.Admin, tm.Account.ID, teammate, accounts.Member)
		stranger := f.SignUp(t, "stranger@example.com", "Stranger")
		priv := f.create(t, tm.Member, tm.Account.ID, "Private site", projects.Private, 0)
		open := f.create(t, tm.Member, tm.Account.ID, "Shared brand", "", 0)

		for _, c := range []struct {
			name          string
			actor         users.User
			project, user string
			kind          errs.Kind
			code, field   string
		}{
			{"a viewer", tm.Other, open.ID, teammate.ID, errs.KindForbidden, "project_role_not_allowed", ""},
			{"a member who does not see it", tm.Other, priv.ID, teammate.ID, errs.KindNotFound, "project_not_found", ""},
			{"another account's admin", them.Admin, priv.ID, them.Member.ID, errs.KindNotFound, "project_not_found", ""},
			{"a stranger", stranger, open.ID, stranger.ID, errs.KindNotFound, "project_not_found", ""},
			{"an unknown project", tm.Admin, "prj_nope", teammate.ID, errs.KindNotFound, "project_not_found", ""},
			{"someone outside the account", tm.Member, priv.ID, stranger.ID, errs.KindInvalid, "not_a_member", "user_id"},
			{"another account's member", tm.Member, priv.ID, them.Member.ID, errs.KindInvalid, "not_a_member", "user_id"},
			{"an unknown user", tm.Member, priv.ID, "usr_nope", errs.KindInvalid, "not_a_member", "user_id"},
			{"the creator again", tm.Member, priv.ID, tm.Member.ID, errs.KindConflict, "already_project_member", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.Projects.AddMember(f.Ctx, c.actor, c.project, c.user)
				domaintest.WantErr(t, err, c.kind, c.code, c.field)
			})
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM project_members`); n != 2 {
			t.Fatalf("%d project members after refusals, want the 2 creators", n)
		}

		// The creator adds a member: they see the private project as a
		// member, are told, and the activity says so.
		p, err := f.Projects.AddMember(f.Ctx, tm.Member, priv.ID, teammate.ID)
		if err != nil || len(p.Members) != 2 || p.Members[1].UserID != teammate.ID || p.Activity[0].Kind != "member_added" || p.Activity[0].Body != teammate.Name {
			t.Fatalf("after adding a member: %+v %+v %v", p.Members, p.Activity, err)
		}
		if got, err := f.Projects.Get(f.Ctx, teammate, priv.ID); err != nil || got.Access != projects.AccessMember {
			t.Fatalf("the new member sees %q (%v)", got.Access, err)
		}
		if n := f.notices(t, teammate); n[len(n)-1].Kind != "project_member_added" || n[len(n)-1].Link != "/projects/"+priv.ID ||
			n[len(n)-1].Params["project"] != "Private site" || n[len(n)-1].Params["by"] != tm.Member.Name {
			t.Fatalf("the new member's notices %+v", n)
		}
		_, err = f.Projects.AddMember(f.Ctx, tm.Admin, priv.ID, teammate.ID)
		domaintest.WantErr(t, err, errs.KindConflict, "already_project_member", "")
		// A project member adds others too, and so does the admin.
		if _, err := f.Projects.AddMember(f.Ctx, teammate, priv.ID, tm.Other.ID); err != nil {
			t.Fatalf("a project member adds a member: %v", err)
		}
		if p, err = f.Projects.AddMember(f.Ctx, tm.Admin, priv.ID, tm.Billing.ID); err != nil || len(p.Members) != 4 {
			t.Fatalf("the admin adds a member: %d members, %v", len(p.Members), err)
		}
		// A member added to an account-wide project edits it, no longer a viewer.
		if _, err := f.Projects.AddMember(f.Ctx, tm.Admin, open.ID, tm.Other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Projects.AddMember(f.Ctx, tm.Other, open.ID, teammate.ID); err != nil {
			t.Fatalf("a viewer made member adds a member: %v", err)
		}
	})
}

// Orders join a project of their account that the buyer sees; the
// project's spend is what its orders paid, net of refunds, against its
// budget.
func TestOrdersJoinAProjectAndItsSpend(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.Team(t, "a"), f.Team(t, "b")
		f.Card(t, tm.Admin, tm.Account.ID)
		_, l := f.seller(t)
		priv := f.create(t, tm.Member, tm.Account.ID, "Private site", projects.Private, 20000)
		open := f.create(t, tm.Member, tm.Account.ID, "Shared brand", "", 0)
		theirs := f.create(t, them.Admin, them.Account.ID, "Their project", "", 1000)

		for _, c := range []struct {
			name    string
			buyer   users.User
			project string
		}{
			{"a project the buyer does not see", tm.Other, priv.ID},
			{"another account's project", tm.Member, theirs.ID},
			{"an unknown project", tm.Member, "prj_nope"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.Orders.Place(f.Ctx, c.buyer, orders.NewOrder{AccountID: tm.Account.ID, ServiceID: l.ID, Package: "Basic", Quantity: 1, ProjectID: c.project}, "")
				domaintest.WantErr(t, err, errs.KindInvalid, "project_not_found", "project_id")
			})
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM orders`); n != 0 {
			t.Fatalf("%d orders placed into refused projects", n)
		}
		// CanAttach is the rule orders asks.
		if err := f.Projects.CanAttach(f.Ctx, f.DB, tm.Other, tm.Account.ID, open.ID); err != nil {
			t.Fatalf("a viewer attaches to an account-wide project: %v", err)
		}
		domaintest.WantErr(t, f.Projects.CanAttach(f.Ctx, f.DB, tm.Admin, them.Account.ID, priv.ID), errs.KindInvalid, "project_not_found", "project_id")

		o1 := f.Order(t, tm.Member, tm.Account.ID, l, "Basic", priv.ID)
		viewerOrder := f.Order(t, tm.Other, tm.Account.ID, l, "Basic", open.ID)
		if o1.ProjectID != priv.ID || o1.Status != orders.Active || viewerOrder.ProjectID != open.ID || o1.Total != usd(10550) {
			t.Fatalf("orders placed into projects: %+v / %+v", o1, viewerOrder)
		}
		spend := func(want int64, percent int, over bool) {
			t.Helper()
			p, err := f.Projects.Get(f.Ctx, tm.Member, priv.ID)
			if err != nil || p.Spent != usd(want) || p.SpentPercent != percent || p.OverBudget != over {
				t.Fatalf("spent %v %d%% over %v (%v), want %d %d%% %v", p.Spent, p.SpentPercent, p.OverBudget, err, want, percent, over)
			}
			list, err := f.Projects.List(f.Ctx, tm.Member, tm.Account.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range list {
				if q.ID == priv.ID && (q.Spent != p.Spent || q.SpentPercent != percent || q.OverBudget != over) {
					t.Fatalf("listed with %v %d%% %v, its page says %v", q.Spent, q.SpentPercent, q.OverBudget, p.Spent)
				}
			}
		}
		spend(10550, 52, false) // 105.50 of 200.00
		// A budget is a guide: an order past it is placed, and the bar
		// stops at 100%.
		o2 := f.Order(t, tm.Member, tm.Account.ID, l, "Basic", priv.ID)
		spend(21100, 100, true)

		// An order waiting for approval has paid nothing; a rejected one never will.
		f.ApprovalAbove(t, tm.Admin, tm.Account.ID, usd(50000))
		waiting := f.Order(t, tm.Member, tm.Account.ID, l, "Premium", priv.ID)
		if waiting.Status != orders.PendingApproval {
			t.Fatalf("a 633.00 order above a 500.00 threshold is %s", waiting.Status)
		}
		spend(21100, 100, true)
		if _, err := f.Approvals.Reject(f.Ctx, tm.Admin, waiting.ID, "Too much"); err != nil {
			t.Fatal(err)
		}
		spend(21100, 100, true)

		// A refund leaves the spend: the first order, very late, cancelled.
		f.Clock.Advance(5 * 24 * time.Hour)
		if c, err := f.Orders.Cancel(f.Ctx, tm.Member, o1.ID, "Never delivered"); err != nil || c.Status != orders.Cancelled {
			t.Fatalf("cancelling a very late order: %v %v", c.Status, err)
		}
		spend(o2.Total.Amount, 52, false)

		// The page shows every attached order, and the orders' life in its activity.
		p, err := f.Projects.Get(f.Ctx, tm.Admin, priv.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range p.Orders {
			ids = append(ids, o.ID)
		}
		if !slices.Equal(ids, []string{waiting.ID, o2.ID, o1.ID}) {
			t.Fatalf("the project's orders %v, want %v", ids, []string{waiting.ID, o2.ID, o1.ID})
		}
		seen := map[string]int{}
		for _, ev := range p.Activity {
			seen[ev.Kind]++
			if strings.HasPrefix(ev.Kind, "order_") && ev.OrderID == "" {
				t.Fatalf("an order's event without its order: %+v", ev)
			}
		}
		if seen["order_placed"] != 3 || seen["order_rejected"] != 1 || seen["order_cancelled"] != 1 || seen["created"] != 1 {
			t.Fatalf("activity %v", seen)
		}
		// The other project counts only its own order.
		if q, err := f.Projects.Get(f.Ctx, tm.Admin, open.ID); err != nil || q.Spent != viewerOrder.Total || len(q.Orders) != 1 {
			t.Fatalf("the other project spent %v with %d orders (%v)", q.Spent, len(q.Orders), err)
		}
	})
}

// A project without a budget (0) is never over it and its bar has no
// percentage, whatever it spends: on its page, in lists and on the
// dashboard.
func TestAProjectWithoutABudgetIsNeverOverIt(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.Team(t, "a")
		f.Card(t, tm.Admin, tm.Account.ID)
		_, l := f.seller(t)
		p := f.create(t, tm.Member, tm.Account.ID, "No budget", "", 0)
		o := f.Order(t, tm.Member, tm.Account.ID, l, "Basic", p.ID)
		got, err := f.Projects.Get(f.Ctx, tm.Member, p.ID)
		if err != nil || got.Spent != o.Total || got.OverBudget || got.SpentPercent != 0 {
			t.Fatalf("its page: spent %v, %d%%, over budget %v (%v)", got.Spent, got.SpentPercent, got.OverBudget, err)
		}
		list, err := f.Projects.List(f.Ctx, tm.Member, tm.Account.ID)
		if err != nil || len(list) != 1 || list[0].Spent != o.Total || list[0].OverBudget || list[0].SpentPercent != 0 {
			t.Fatalf("the account's list: %+v (%v)", list, err)
		}
		mine, err := f.Projects.Mine(f.Ctx, tm.Member)
		if err != nil || len(mine) != 1 || mine[0].OverBudget || mine[0].SpentPercent != 0 {
			t.Fatalf("the dashboard's: %+v (%v)", mine, err)
		}
	})
}

// The project management service: asked once by who edits the project,
// queued for operators, assigned to a staff user, who proposes orders that
// a member confirms through the account's policies; the fee is billed on
// the spend from the assignment on, and given back when the spend falls.
func TestProjectManagement(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		f.Projects.FeeBP = 1250 // 12.5%
		tm, them := f.Team(t, "a"), f.Team(t, "b")
		f.Card(t, tm.Admin, tm.Account.ID)
		seller, l := f.seller(t)
		pm, ops := f.Operator(t, "pm@atelier.test", "Pat Manager"), f.Operator(t, "ops@atelier.test", "Olga Ops")
		f.ApprovalAbove(t, tm.Admin, tm.Account.ID, usd(50000))
		p1 := f.create(t, tm.Member, tm.Account.ID, "Private site", projects.Private, 100000)
		before := f.Order(t, tm.Member, tm.Account.ID, l, "Basic", p1.ID) // spend before the manager: no fee on it
		p2 := f.create(t, tm.Admin, tm.Account.ID, "Shared brand", "", 0)
		p3 := f.create(t, tm.Admin, tm.Account.ID, "Never asked", "", 0)

		// Asking: who edits the project, once.
		for _, c := range []struct {
			name    string
			actor   users.User
			project string
			kind    errs.Kind
			code    string
		}{
			{"a viewer", tm.Other, p2.ID, errs.KindForbidden, "project_role_not_allowed"},
			{"a member who does not see it", tm.Other, p1.ID, errs.KindNotFound, "project_not_found"},
			{"another account's admin", them.Admin, p1.ID, errs.KindNotFound, "project_not_found"},
			{"an operator", ops, p1.ID, errs.KindNotFound, "project_not_found"},
		} {
			t.Run("asked by "+c.name, func(t *testing.T) {
				_, err := f.Projects.RequestManager(f.Ctx, c.actor, c.project)
				domaintest.WantErr(t, err, c.kind, c.code, "")
			})
		}
		asked, err := f.Projects.RequestManager(f.Ctx, tm.Member, p1.ID)
		if err != nil || asked.Manager.Status != "requested" || asked.Manager.RequestedAt.IsZero() || asked.Manager.FeePercent != 12.5 || asked.Activity[0].Kind != "manager_requested" {
			t.Fatalf("asked: %+v %v", asked.Manager, err)
		}
		_, err = f.Projects.RequestManager(f.Ctx, tm.Admin, p1.ID)
		domaintest.WantErr(t, err, errs.KindConflict, "manager_already_requested", "")
		f.Clock.Advance(time.Minute)
		if _, err := f.Projects.RequestManager(f.Ctx, tm.Admin, p2.ID); err != nil {
			t.Fatal(err)
		}
		for _, op := range []users.User{pm, ops} {
			if k := kinds(f.notices(t, op)); !slices.Equal(k, []string{"project_manager_requested", "project_manager_requested"}) {
				t.Fatalf("%s was told %v", op.Name, k)
			}
		}

		// The queue: operators only, oldest first.
		_, err = f.Projects.ManagerRequests(f.Ctx, tm.Admin)
		domaintest.WantErr(t, err, errs.KindForbidden, "operator_only", "")
		queue, err := f.Projects.ManagerRequests(f.Ctx, ops)
		if err != nil || len(queue) != 2 || queue[0].ProjectID != p1.ID || queue[1].ProjectID != p2.ID || queue[0].AccountName != "a Corp" ||
			queue[0].Budget != usd(100000) || !queue[0].RequestedAt.Before(queue[1].RequestedAt) {
			t.Fatalf("queue %+v %v", queue, err)
		}
		_, err = f.Projects.Staff(f.Ctx, tm.Admin)
		domaintest.WantErr(t, err, errs.KindForbidden, "operator_only", "")
		if staff, err := f.Projects.Staff(f.Ctx, ops); err != nil || len(staff) != 2 || staff[0].ID != ops.ID || staff[1].ID != pm.ID {
			t.Fatalf("staff %+v %v", staff, err)
		}

		// Assigning: an operator, a staff user, to a project that asked.
		for _, c := range []struct {
			name          string
			actor         users.User
			project, user string
			kind          errs.Kind
			code, field   string
		}{
			{"by the account's admin", tm.Admin, p1.ID, pm.ID, errs.KindForbidden, "operator_only", ""},
			{"a client", ops, p1.ID, tm.Member.ID, errs.KindInvalid, "manager_not_staff", "user_id"},
			{"the freelancer", ops, p1.ID, seller.ID, errs.KindInvalid, "manager_not_staff", "user_id"},
			{"an unknown user", ops, p1.ID, "usr_nope", errs.KindInvalid, "manager_not_staff", "user_id"},
			{"to an unknown project", ops, "prj_nope", pm.ID, errs.KindNotFound, "project_not_found", ""},
			{"to a project that did not ask", ops, p3.ID, pm.ID, errs.KindConflict, "manager_not_requested", ""},
		} {
			t.Run("assigned "+c.name, func(t *testing.T) {
				_, err := f.Projects.AssignManager(f.Ctx, c.actor, c.project, c.user)
				domaintest.WantErr(t, err, c.kind, c.code, c.field)
			})
		}
		got, err := f.Projects.AssignManager(f.Ctx, ops, p1.ID, pm.ID)
		if err != nil || got.Manager.Status != "assigned" || got.Manager.UserID != pm.ID || got.Manager.Name != pm.Name || got.Manager.FeePercent != 12.5 {
			t.Fatalf("assigned: %+v %v", got.Manager, err)
		}
		_, err = f.Projects.AssignManager(f.Ctx, ops, p1.ID, ops.ID)
		domaintest.WantErr(t, err, errs.KindConflict, "manager_not_requested", "")
		if k := kinds(f.notices(t, pm)); k[len(k)-1] != "project_manager_assigned_you" {
			t.Fatalf("the manager was told %v", k)
		}
		if k := kinds(f.notices(t, tm.Member)); k[len(k)-1] != "project_manager_assigned" {
			t.Fatalf("the member who asked was told %v", k)
		}
		if q, _ := f.Projects.ManagerRequests(f.Ctx, ops); len(q) != 1 || q[0].ProjectID != p2.ID {
			t.Fatalf("the queue after an assignment %+v", q)
		}

		// The manager sees the project, and does nothing a member does.
		if p, err := f.Projects.Get(f.Ctx, pm, p1.ID); err != nil || p.Access != projects.AccessManager || p.Manager.FeePercent != 12.5 {
			t.Fatalf("the manager sees %q %+v (%v)", p.Access, p.Manager, err)
		}
		_, err = f.Projects.Get(f.Ctx, ops, p1.ID)
		domaintest.WantErr(t, err, errs.KindNotFound, "project_not_found", "")
		if mine, err := f.Projects.Mine(f.Ctx, pm); err != nil || len(mine) != 1 || mine[0].ID != p1.ID || mine[0].Spent != before.Total {
			t.Fatalf("the manager's projects %+v %v", mine, err)
		}
		_, err = f.Projects.AddMember(f.Ctx, pm, p1.ID, tm.Other.ID)
		domaintest.WantErr(t, err, errs.KindForbidden, "project_role_not_allowed", "")
		_, err = f.Projects.RequestManager(f.Ctx, pm, p1.ID)
		domaintest.WantErr(t, err, errs.KindForbidden, "project_role_not_allowed", "")
		domaintest.WantErr(t, f.Projects.CanAttach(f.Ctx, f.DB, pm, tm.Account.ID, p1.ID), errs.KindInvalid, "project_not_found", "project_id")

		// Proposals: the manager's only, checked as sent.
		valid := projects.NewProposal{ServiceID: l.ID, Package: "Premium", Quantity: 1, Note: " Better value. "}
		propose := domaintest.Changes(valid)
		for _, c := range []struct {
			name        string
			actor       users.User
			project     string
			in          projects.NewProposal
			kind        errs.Kind
			code, field string
		}{
			{"by the creator", tm.Member, p1.ID, valid, errs.KindForbidden, "project_manager_only", ""},
			{"by the admin", tm.Admin, p1.ID, valid, errs.KindForbidden, "project_manager_only", ""},
			{"on a project they do not manage", pm, p2.ID, valid, errs.KindNotFound, "project_not_found", ""},
			{"of an unknown service", pm, p1.ID, propose(func(in *projects.NewProposal) { in.ServiceID = "svc_nope" }), errs.KindInvalid, "service_not_found", "service_id"},
			{"of an unknown package", pm, p1.ID, propose(func(in *projects.NewProposal) { in.Package = "Gold" }), errs.KindInvalid, "package_unknown", "package"},
			{"without a package", pm, p1.ID, propose(func(in *projects.NewProposal) { in.Package = " " }), errs.KindInvalid, "required", "package"},
			{"of no unit", pm, p1.ID, propose(func(in *projects.NewProposal) { in.Quantity = 0 }), errs.KindInvalid, "quantity_invalid", "quantity"},
			{"of a negative quantity", pm, p1.ID, propose(func(in *projects.NewProposal) { in.Quantity = -1 }), errs.KindInvalid, "quantity_invalid", "quantity"},
			{"above the service's maximum", pm, p1.ID, propose(func(in *projects.NewProposal) { in.Quantity = 6 }), errs.KindInvalid, "quantity_invalid", "quantity"},
			{"with a note of 2,001 characters", pm, p1.ID, propose(func(in *projects.NewProposal) { in.Note = strings.Repeat("n", 2001) }), errs.KindInvalid, "too_long", "note"},
			{"with requirements of 10,001 characters", pm, p1.ID, propose(func(in *projects.NewProposal) { in.Requirements = strings.Repeat("r", 10001) }),
				errs.KindInvalid, "too_long", "requirements"},
		} {
			t.Run("proposed "+c.name, func(t *testing.T) {
				_, err := f.Projects.Propose(f.Ctx, c.actor, c.project, c.in)
				domaintest.WantErr(t, err, c.kind, c.code, c.field)
			})
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM project_proposals`); n != 0 {
			t.Fatalf("%d refused proposals stored", n)
		}
		pr, err := f.Projects.Propose(f.Ctx, pm, p1.ID, valid)
		if err != nil || pr.Status != "open" || pr.Note != "Better value." || pr.Package != "Premium" || pr.ServiceTitle != l.Title || pr.ProposedBy != pm.ID {
			t.Fatalf("proposal %+v %v", pr, err)
		}
		if k := kinds(f.notices(t, tm.Member)); k[len(k)-1] != "project_proposal" {
			t.Fatalf("the project's member was told %v", k)
		}

		// Confirming: the admin, the creator or a member; not the manager, not a viewer.
		for _, c := range []struct {
			name              string
			actor             users.User
			project, proposal string
			kind              errs.Kind
			code              string
		}{
			{"by the manager", pm, p1.ID, pr.ID, errs.KindForbidden, "project_role_not_allowed"},
			{"by a member who does not see it", tm.Other, p1.ID, pr.ID, errs.KindNotFound, "project_not_found"},
			{"by another account's admin", them.Admin, p1.ID, pr.ID, errs.KindNotFound, "project_not_found"},
			{"of an unknown proposal", tm.Member, p1.ID, "ppr_nope", errs.KindNotFound, "proposal_not_found"},
			{"through another project", tm.Admin, p2.ID, pr.ID, errs.KindNotFound, "proposal_not_found"},
		} {
			t.Run("confirmed "+c.name, func(t *testing.T) {
				_, err := f.Projects.ConfirmProposal(f.Ctx, c.actor, c.project, c.proposal, "")
				domaintest.WantErr(t, err, c.kind, c.code, "")
				_, err = f.Projects.DeclineProposal(f.Ctx, c.actor, c.project, c.proposal)
				domaintest.WantErr(t, err, c.kind, c.code, "")
			})
		}
		// An order refused gives the proposal back, open.
		if _, err := f.Catalog.SetPaused(f.Ctx, seller, l.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = f.Projects.ConfirmProposal(f.Ctx, tm.Member, p1.ID, pr.ID, "")
		domaintest.WantErr(t, err, errs.KindConflict, "service_paused", "")
		if p, _ := f.Projects.Get(f.Ctx, tm.Member, p1.ID); len(p.Proposals) != 1 || p.Proposals[0].Status != "open" {
			t.Fatalf("after a refused order: %+v", p.Proposals)
		}
		if _, err := f.Catalog.SetPaused(f.Ctx, seller, l.ID, false); err != nil {
			t.Fatal(err)
		}
		// A project member confirms: the order is theirs, and waits for the
		// admin above the threshold as if they had ordered it.
		if _, err := f.Projects.AddMember(f.Ctx, tm.Member, p1.ID, tm.Other.ID); err != nil {
			t.Fatal(err)
		}
		po, err := f.Projects.ConfirmProposal(f.Ctx, tm.Other, p1.ID, pr.ID, "")
		if err != nil || po.Status != orders.PendingApproval || po.BuyerID != tm.Other.ID || po.ProjectID != p1.ID || po.Subtotal != usd(60000) {
			t.Fatalf("confirmed: %+v %v", po, err)
		}
		_, err = f.Projects.ConfirmProposal(f.Ctx, tm.Member, p1.ID, pr.ID, "")
		domaintest.WantErr(t, err, errs.KindConflict, "proposal_not_open", "")
		_, err = f.Projects.DeclineProposal(f.Ctx, tm.Member, p1.ID, pr.ID)
		domaintest.WantErr(t, err, errs.KindConflict, "proposal_not_open", "")
		if p, _ := f.Projects.Get(f.Ctx, tm.Member, p1.ID); p.Proposals[0].Status != "confirmed" || p.Proposals[0].OrderID != po.ID {
			t.Fatalf("the confirmed proposal %+v", p.Proposals[0])
		}
		// Declining.
		pr2, err := f.Projects.Propose(f.Ctx, pm, p1.ID, projects.NewProposal{ServiceID: l.ID, Package: "2", Quantity: 2})
		if err != nil || pr2.Package != "Premium" || pr2.Quantity != 2 {
			t.Fatalf("a package chosen by position: %+v %v", pr2, err)
		}
		if p, err := f.Projects.DeclineProposal(f.Ctx, tm.Admin, p1.ID, pr2.ID); err != nil || p.Proposals[0].ID != pr2.ID || p.Proposals[0].Status != "declined" {
			t.Fatalf("declined: %+v %v", p.Proposals, err)
		}
		if k := kinds(f.notices(t, pm)); !slices.Contains(k, "project_proposal_confirmed") || k[len(k)-1] != "project_proposal_declined" {
			t.Fatalf("the manager was told %v", k)
		}

		// The fee: nothing is due while the order waits; once paid, 12.5%
		// of its price (not of the buyer's fees, nor of the spend before
		// the manager came), once.
		bill := func(want int) {
			t.Helper()
			if n, err := f.Projects.BillManagementFees(f.Ctx, f.Clock.Now()); err != nil || n != want {
				t.Fatalf("billed %d (%v), want %d", n, err, want)
			}
		}
		bill(0)
		if _, err := f.Approvals.Approve(f.Ctx, tm.Admin, po.ID, ""); err != nil {
			t.Fatal(err)
		}
		bill(1)
		bill(0)
		fees := func() []billing.Invoice {
			t.Helper()
			invs, err := f.Billing.Invoices(f.Ctx, tm.Admin, tm.Account.ID, page.Request{Limit: page.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			var out []billing.Invoice
			for _, inv := range invs.Items {
				if inv.Kind == "management_fee" {
					out = append(out, inv)
				}
			}
			return out
		}
		if got := fees(); len(got) != 1 || got[0].Ref != p1.ID || got[0].Subtotal != usd(7500) {
			t.Fatalf("fee invoices %+v, want one of 75.00 (12.5%% of 600.00)", got)
		}
		// The order refunded: the fee on it goes back, once.
		f.Clock.Advance(7 * 24 * time.Hour)
		if _, err := f.Orders.Cancel(f.Ctx, tm.Other, po.ID, "Never delivered"); err != nil {
			t.Fatal(err)
		}
		bill(1)
		bill(0)
		p, err := f.Projects.Get(f.Ctx, tm.Admin, p1.ID)
		if err != nil {
			t.Fatal(err)
		}
		var feeEvents []string
		for _, ev := range p.Activity {
			if strings.HasPrefix(ev.Kind, "fee_") {
				feeEvents = append(feeEvents, ev.Kind+" "+ev.Body)
			}
		}
		if !slices.Equal(feeEvents, []string{"fee_refunded " + usd(7500).String(), "fee_invoiced " + usd(7500).String()}) {
			t.Fatalf("the fee's activity %v", feeEvents)
		}
		if len(fees()) != 1 {
			t.Fatal("a refund issued a fee invoice")
		}
	})
}

// A member of the account who is also the project's manager keeps what
// the account gives them: the admin assigned as manager of their account's
// project is still its admin (adds members, attaches orders, answers
// proposals) and, as its manager, proposes orders too.
func TestTheAdminWhoManagesAProject(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		ops := f.Operator(t, "ops@atelier.test", "Olga Ops")
		boss := f.Operator(t, "bea@atelier.test", "Bea Boss") // staff, and admin of her own company's account
		acc := f.Account(t, boss, "Boss Corp")
		member, teammate := f.SignUp(t, "member@example.com", "Mo Member"), f.SignUp(t, "teammate@example.com", "Tess Teammate")
		f.Join(t, boss, acc.ID, member, accounts.Member)
		f.Join(t, boss, acc.ID, teammate, accounts.Member)
		f.Card(t, boss, acc.ID)
		_, l := f.seller(t)
		p := f.create(t, member, acc.ID, "Private site", projects.Private, 100000)
		if _, err := f.Projects.RequestManager(f.Ctx, member, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Projects.AssignManager(f.Ctx, ops, p.ID, boss.ID); err != nil {
			t.Fatal(err)
		}

		got, err := f.Projects.Get(f.Ctx, boss, p.ID)
		if err != nil || got.Access != projects.AccessAdmin || !got.Manages {
			t.Fatalf("the admin who manages it sees it as %q, manages %v (%v)", got.Access, got.Manages, err)
		}
		if mine, err := f.Projects.Mine(f.Ctx, boss); err != nil || len(mine) != 1 || mine[0].Access != projects.AccessAdmin || !mine[0].Manages {
			t.Fatalf("on her dashboard: %+v (%v)", mine, err)
		}
		if got, err := f.Projects.Get(f.Ctx, member, p.ID); err != nil || got.Access != projects.AccessOwner || got.Manages {
			t.Fatalf("the creator sees it as %q, manages %v (%v)", got.Access, got.Manages, err)
		}
		// The admin's rights.
		if _, err := f.Projects.AddMember(f.Ctx, boss, p.ID, teammate.ID); err != nil {
			t.Fatalf("the admin who manages it adds a member: %v", err)
		}
		if err := f.Projects.CanAttach(f.Ctx, f.DB, boss, acc.ID, p.ID); err != nil {
			t.Fatalf("the admin who manages it attaches an order: %v", err)
		}
		if o := f.Order(t, boss, acc.ID, l, "Basic", p.ID); o.ProjectID != p.ID {
			t.Fatalf("her order's project is %q", o.ProjectID)
		}
		// The manager's: she proposes, and, as the admin, answers.
		pr, err := f.Projects.Propose(f.Ctx, boss, p.ID, projects.NewProposal{ServiceID: l.ID, Package: "Basic", Quantity: 1})
		if err != nil {
			t.Fatalf("the admin who manages it proposes: %v", err)
		}
		if _, err := f.Projects.DeclineProposal(f.Ctx, boss, p.ID, pr.ID); err != nil {
			t.Fatalf("the admin who manages it answers a proposal: %v", err)
		}
		// Others do not propose: only the project's manager does.
		_, err = f.Projects.Propose(f.Ctx, member, p.ID, projects.NewProposal{ServiceID: l.ID, Package: "Basic", Quantity: 1})
		domaintest.WantErr(t, err, errs.KindForbidden, "project_manager_only", "")
	})
}

func TestFeaturedProjects(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm, them := f.Team(t, "a"), f.Team(t, "b")
		ops := f.Operator(t, "ops@atelier.test", "Olga Ops")
		valid := projects.NewFeatured{Title: "Brand refresh", Type: "branding", Brief: "Goals:\nAudience:", Budget: usd(250000)}
		with := domaintest.Changes(valid)
		refuse(t, []refusal[projects.NewFeatured]{
			{"by an account's admin", tm.Admin, valid, errs.KindForbidden, "operator_only", ""},
			{"without a title", ops, with(func(in *projects.NewFeatured) { in.Title = "" }), errs.KindInvalid, "required", "title"},
			{"with a title of 121 characters", ops, with(func(in *projects.NewFeatured) { in.Title = strings.Repeat("t", 121) }), errs.KindInvalid, "too_long", "title"},
			{"of an unknown type", ops, with(func(in *projects.NewFeatured) { in.Type = "party" }), errs.KindInvalid, "project_type_invalid", "type"},
			{"without a brief", ops, with(func(in *projects.NewFeatured) { in.Brief = " " }), errs.KindInvalid, "required", "brief"},
			{"with a brief of 10,001 characters", ops, with(func(in *projects.NewFeatured) { in.Brief = strings.Repeat("b", 10001) }), errs.KindInvalid, "too_long", "brief"},
			{"without a currency", ops, with(func(in *projects.NewFeatured) { in.Budget = money.Money{Amount: 100} }), errs.KindInvalid, "currency_unsupported", "budget"},
			{"in an unknown currency", ops, with(func(in *projects.NewFeatured) { in.Budget = money.New(100, "XYZ") }), errs.KindInvalid, "currency_unsupported", "budget"},
			{"with a negative budget", ops, with(func(in *projects.NewFeatured) { in.Budget = usd(-1) }), errs.KindInvalid, "amount_negative", "budget"},
			{"with a budget above a project's", ops, with(func(in *projects.NewFeatured) { in.Budget = usd(100_000_000_01) }), errs.KindInvalid, "amount_too_large", "budget"},
		}, func(actor users.User, in projects.NewFeatured) error {
			_, err := f.Projects.CreateFeatured(f.Ctx, actor, in)
			return err
		})
		brand, err := f.Projects.CreateFeatured(f.Ctx, ops, valid)
		if err != nil {
			t.Fatal(err)
		}
		video, err := f.Projects.CreateFeatured(f.Ctx, ops, projects.NewFeatured{Title: "Product video", Type: "video", Brief: "Length:", Budget: money.New(90000, "eur")})
		if err != nil || video.Budget != money.New(90000, "EUR") {
			t.Fatalf("a budget in lower-case currency: %+v %v", video.Budget, err)
		}
		if list, err := f.Projects.FeaturedList(f.Ctx); err != nil || len(list) != 2 || list[0].ID != video.ID || list[1].ID != brand.ID {
			t.Fatalf("the gallery, newest first: %+v %v", list, err)
		}

		_, err = f.Projects.StartFromFeatured(f.Ctx, tm.Member, "fpr_nope", tm.Account.ID, "")
		domaintest.WantErr(t, err, errs.KindNotFound, "featured_project_not_found", "")
		_, err = f.Projects.StartFromFeatured(f.Ctx, them.Admin, brand.ID, tm.Account.ID, "")
		domaintest.WantErr(t, err, errs.KindNotFound, "account_not_found", "")
		_, err = f.Projects.StartFromFeatured(f.Ctx, tm.Member, brand.ID, tm.Account.ID, strings.Repeat("n", 121))
		domaintest.WantErr(t, err, errs.KindInvalid, "too_long", "name")

		// In the account's currency the budget is kept; the name is the
		// title unless one is given.
		p, err := f.Projects.StartFromFeatured(f.Ctx, tm.Member, brand.ID, tm.Account.ID, "  ")
		if err != nil || p.Name != "Brand refresh" || p.Type != "branding" || p.Brief != valid.Brief || p.Budget != usd(250000) ||
			p.FeaturedID != brand.ID || p.Access != projects.AccessOwner || p.Visibility != projects.VisibleToAccount {
			t.Fatalf("started: %+v %v", p, err)
		}
		// In another currency it starts at zero, in the account's.
		p, err = f.Projects.StartFromFeatured(f.Ctx, tm.Billing, video.ID, tm.Account.ID, " Our launch video ")
		if err != nil || p.Name != "Our launch video" || p.Type != "video" || p.Budget != usd(0) || p.FeaturedID != video.ID {
			t.Fatalf("started from a EUR example: %+v %v", p, err)
		}
	})
}

// An account that requires two-factor sign-in keeps its projects out of
// "my projects" (the dashboard) of a member without it, as it keeps the
// account's pages (accounts.ReachableSQL, ActorRole's rule).
func TestMyProjectsFollowTheTwoFactorPolicy(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f fixture) {
		tm := f.Team(t, "a")
		f.create(t, tm.Member, tm.Account.ID, "Shared brand", "", 1000)
		mine := func(u users.User) int {
			t.Helper()
			list, err := f.Projects.Mine(f.Ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		if n := mine(tm.Member); n != 1 {
			t.Fatalf("%d projects before the policy", n)
		}
		if _, err := f.DB.Exec(f.Ctx, `UPDATE accounts SET require_two_factor = ? WHERE id = ?`, true, tm.Account.ID); err != nil {
			t.Fatal(err)
		}
		if n := mine(tm.Member); n != 0 {
			t.Fatalf("a member without two-factor sees %d projects", n)
		}
		enrolled := tm.Member
		enrolled.TwoFactor = true
		if n := mine(enrolled); n != 1 {
			t.Fatalf("a member with two-factor sees %d projects", n)
		}
	})
}
