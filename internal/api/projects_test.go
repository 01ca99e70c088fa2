package api_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db/dbtest"
	"atelier/internal/httpx"
	"atelier/internal/users"
)

func items(v map[string]any) []any { return v["items"].([]any) }

// A member runs a project: orders attached (placed and through an offer),
// spend against budget, members; a project manager assigned by an operator
// follows its orders, writes to the freelancer and proposes an order that
// a member confirms through the approval policy; the management fee is
// invoiced on the project's spend; the dashboard shows it all.
func TestProjectsAndProjectManagement(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		ops := operator(t, m)
		bea, beaID := m.s.SignUp(t, "bea@acme.test", "Bea Member")
		bea.Join(m.admin, m.ac)
		m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"order_approval_threshold": map[string]any{"amount": 50000, "currency": "USD"}})

		// Bad input is refused.
		usd := func(a int) map[string]any { return map[string]any{"amount": a, "currency": "USD"} }
		wantError(t, m.member.Do("POST", acc+"/projects", map[string]any{"name": "Site", "type": "spaceship", "budget": usd(1000)}), 422, "project_type_invalid", "type")
		wantError(t, m.member.Do("POST", acc+"/projects", map[string]any{"name": " ", "type": "website", "budget": usd(1000)}), 422, "required", "name")
		wantError(t, m.member.Do("POST", acc+"/projects", map[string]any{"name": "Site", "type": "website", "budget": map[string]any{"amount": 5, "currency": "EUR"}}),
			422, "currency_mismatch", "budget")
		wantError(t, m.seller.Do("POST", acc+"/projects", map[string]any{"name": "Site", "type": "website", "budget": usd(1000)}), 404, "account_not_found", "")

		p := m.member.Must(201, "POST", acc+"/projects", map[string]any{"name": "New website", "type": "website", "brief": "Five pages.",
			"budget": usd(100000), "visibility": "private"})
		pid := p["id"].(string)
		if p["access"] != "owner" || amount(p["spent"]) != 0 || len(p["members"].([]any)) != 1 {
			t.Fatalf("created %v", p)
		}
		// Private: another member does not see it; the admin does.
		wantError(t, bea.Do("GET", "/api/v1/projects/"+pid, nil), 404, "project_not_found", "")
		if n := len(items(bea.Must(200, "GET", acc+"/projects", nil))); n != 0 {
			t.Fatalf("bea lists %d private projects", n)
		}
		if got := m.admin.Must(200, "GET", "/api/v1/projects/"+pid, nil); got["access"] != "admin" {
			t.Fatalf("admin sees %v", got["access"])
		}

		// Orders attach to a project of their account only.
		wantError(t, m.member.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": "prj_nope"}),
			422, "project_not_found", "project_id")
		wantError(t, bea.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": pid}),
			422, "project_not_found", "project_id")
		o := m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": pid})
		if o["status"] != "active" || o["project_id"] != pid {
			t.Fatalf("placed %v", o)
		}
		// An offer accepted into the project.
		offer := m.seller.Must(201, "POST", "/api/v1/offers", map[string]any{"account_id": m.ac, "kind": "fixed", "title": "Extra page",
			"description": "One more page.", "price": usd(10000), "delivery_days": 3})
		wantError(t, bea.Do("POST", "/api/v1/offers/"+offer["id"].(string)+"/accept", map[string]any{"project_id": pid}), 422, "project_not_found", "project_id")
		o2 := m.member.Must(201, "POST", "/api/v1/offers/"+offer["id"].(string)+"/accept", map[string]any{"project_id": pid})
		if o2["project_id"] != pid {
			t.Fatalf("offer order %v", o2)
		}
		p = m.member.Must(200, "GET", "/api/v1/projects/"+pid, nil)
		spent := amount(o["total"]) + amount(o2["total"])
		if amount(p["spent"]) != spent || p["spent_percent"].(float64) != float64(int(spent*100/100000)) || len(p["orders"].([]any)) != 2 {
			t.Fatalf("project after two orders: spent %v %v%%, %d orders", p["spent"], p["spent_percent"], len(p["orders"].([]any)))
		}
		if len(p["activity"].([]any)) < 3 {
			t.Fatalf("activity %v", p["activity"])
		}
		// The list says the same, with each project's access and spend.
		listed := false
		for _, it := range items(m.member.Must(200, "GET", acc+"/projects", nil)) {
			if l := it.(map[string]any); l["id"] == pid {
				listed = true
				if amount(l["spent"]) != spent || l["access"] != "owner" || l["spent_percent"] != p["spent_percent"] {
					t.Fatalf("listed as %v", l)
				}
			}
		}
		if !listed {
			t.Fatal("the project is not in its creator's list")
		}

		// Members: of the account only, once.
		wantError(t, m.member.Do("POST", "/api/v1/projects/"+pid+"/members", map[string]any{"user_id": "usr_nobody"}), 422, "not_a_member", "user_id")
		m.member.Must(201, "POST", "/api/v1/projects/"+pid+"/members", map[string]any{"user_id": beaID})
		wantError(t, m.member.Do("POST", "/api/v1/projects/"+pid+"/members", map[string]any{"user_id": beaID}), 409, "already_project_member", "")
		if got := bea.Must(200, "GET", "/api/v1/projects/"+pid, nil); got["access"] != "member" {
			t.Fatalf("bea after being added: %v", got["access"])
		}

		// Featured projects: operators curate, clients start from them.
		wantError(t, m.admin.Do("POST", "/api/v1/featured-projects", map[string]any{"title": "x", "type": "branding", "brief": "b", "budget": usd(1)}), 403, "operator_only", "")
		wantError(t, ops.Do("POST", "/api/v1/featured-projects", map[string]any{"title": "Too big", "type": "branding", "brief": "b",
			"budget": usd(100_000_000_01)}), 422, "amount_too_large", "budget")
		f := ops.Must(201, "POST", "/api/v1/featured-projects", map[string]any{"title": "Brand refresh", "type": "branding",
			"brief": "Goals:\nAudience:\nDeliverables: logo, palette", "budget": usd(250000)})
		if n := len(items(m.seller.Must(200, "GET", "/api/v1/featured-projects", nil))); n != 1 {
			t.Fatalf("gallery has %d", n)
		}
		wantError(t, m.seller.Do("POST", "/api/v1/featured-projects/"+f["id"].(string)+"/start", map[string]any{"account_id": m.ac}), 404, "account_not_found", "")
		started := m.admin.Must(201, "POST", "/api/v1/featured-projects/"+f["id"].(string)+"/start", map[string]any{"account_id": m.ac})
		if started["type"] != "branding" || started["name"] != "Brand refresh" || amount(started["budget"]) != 250000 || started["featured_id"] != f["id"] {
			t.Fatalf("started %v", started)
		}
		// Not private: every member of the account reads it, as a viewer, and cannot add members.
		if got := bea.Must(200, "GET", "/api/v1/projects/"+started["id"].(string), nil); got["access"] != "viewer" {
			t.Fatalf("bea on an account-wide project: %v", got["access"])
		}
		wantError(t, bea.Do("POST", "/api/v1/projects/"+started["id"].(string)+"/members", map[string]any{"user_id": beaID}), 403, "project_role_not_allowed", "")
		if n := len(items(bea.Must(200, "GET", acc+"/projects", nil))); n != 2 {
			t.Fatalf("bea lists %d projects", n)
		}

		// The project management service.
		wantError(t, ops.Do("POST", "/api/v1/projects/"+pid+"/project-manager", map[string]any{"user_id": "x"}), 422, "manager_not_staff", "user_id")
		opsID := ops.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
		wantError(t, ops.Do("POST", "/api/v1/projects/"+pid+"/project-manager", map[string]any{"user_id": opsID}), 409, "manager_not_requested", "")
		m.member.Must(200, "POST", "/api/v1/projects/"+pid+"/project-manager-request", nil)
		wantError(t, m.member.Do("POST", "/api/v1/projects/"+pid+"/project-manager-request", nil), 409, "manager_already_requested", "")
		wantError(t, m.admin.Do("GET", "/api/v1/project-manager-requests", nil), 403, "operator_only", "")
		if q := items(ops.Must(200, "GET", "/api/v1/project-manager-requests", nil)); len(q) != 1 || q[0].(map[string]any)["project_id"] != pid {
			t.Fatalf("queue %v", q)
		}
		wantError(t, ops.Do("GET", "/api/v1/projects/"+pid, nil), 404, "project_not_found", "")
		wantError(t, ops.Do("POST", "/api/v1/projects/"+pid+"/project-manager", map[string]any{"user_id": beaID}), 422, "manager_not_staff", "user_id")
		ops.Must(200, "POST", "/api/v1/projects/"+pid+"/project-manager", map[string]any{"user_id": opsID})
		pm := ops.Must(200, "GET", "/api/v1/projects/"+pid, nil)
		if pm["access"] != "manager" || pm["manages"] != true || pm["manager"].(map[string]any)["fee_percent"].(float64) != 10 {
			t.Fatalf("manager sees %v (manages %v) %v", pm["access"], pm["manages"], pm["manager"])
		}
		if got := m.member.Must(200, "GET", "/api/v1/projects/"+pid, nil); got["manages"] != false {
			t.Fatalf("a member who does not manage it: manages %v", got["manages"])
		}
		// The manager reads the orders and writes to the freelancer, and
		// nothing more.
		oid := o["id"].(string)
		if got := ops.Must(200, "GET", "/api/v1/orders/"+oid, nil); got["side"] != "manager" {
			t.Fatalf("manager's side %v", got["side"])
		}
		ops.Must(201, "POST", "/api/v1/orders/"+oid+"/messages", map[string]any{"body": "Hello, I manage this project."})
		if n := len(items(m.seller.Must(200, "GET", "/api/v1/orders/"+oid+"/messages", nil))); n != 1 {
			t.Fatalf("the freelancer sees %d messages", n)
		}
		wantError(t, ops.Do("POST", "/api/v1/orders/"+oid+"/cancellation", map[string]any{"reason": "no"}), 403, "wrong_side", "")
		wantError(t, ops.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": pid}),
			422, "account_not_found", "account_id")

		// A proposal above the approval threshold: confirmed by a member, it waits for the admin.
		wantError(t, m.member.Do("POST", "/api/v1/projects/"+pid+"/proposals", map[string]any{"service_id": m.service, "package": "Premium"}), 403, "project_manager_only", "")
		wantError(t, ops.Do("POST", "/api/v1/projects/"+pid+"/proposals", map[string]any{"service_id": m.service, "package": "Gold"}), 422, "package_unknown", "package")
		// A sent value is checked as sent, never replaced by a default.
		wantError(t, ops.Do("POST", "/api/v1/projects/"+pid+"/proposals", map[string]any{"service_id": m.service, "package": "Premium", "quantity": 0}), 422, "quantity_invalid", "quantity")
		wantError(t, ops.Do("POST", "/api/v1/projects/"+pid+"/proposals", map[string]any{"service_id": m.service, "package": ""}), 422, "required", "package")
		pr := ops.Must(201, "POST", "/api/v1/projects/"+pid+"/proposals", map[string]any{"service_id": m.service, "package": "Premium", "note": "Better value."})
		prid := pr["id"].(string)
		if pr["quantity"] != 1.0 {
			t.Fatalf("a proposal without a quantity is for %v units, want 1", pr["quantity"])
		}
		wantError(t, ops.Do("POST", "/api/v1/projects/"+pid+"/proposals/"+prid+"/confirm", nil), 403, "project_role_not_allowed", "")
		// A refused order leaves the proposal open.
		m.seller.Must(200, "POST", "/api/v1/services/"+m.service+"/pause", nil)
		wantError(t, bea.Do("POST", "/api/v1/projects/"+pid+"/proposals/"+prid+"/confirm", nil), 409, "service_paused", "")
		m.seller.Must(200, "POST", "/api/v1/services/"+m.service+"/resume", nil)
		po := bea.Must(201, "POST", "/api/v1/projects/"+pid+"/proposals/"+prid+"/confirm", nil)
		if po["status"] != "pending_approval" || po["project_id"] != pid || po["buyer_id"] != beaID {
			t.Fatalf("confirmed proposal %v", po)
		}
		wantError(t, m.member.Do("POST", "/api/v1/projects/"+pid+"/proposals/"+prid+"/confirm", nil), 409, "proposal_not_open", "")
		wantError(t, m.member.Do("POST", "/api/v1/projects/"+pid+"/proposals/ppr_nope/confirm", nil), 404, "proposal_not_found", "")
		m.admin.Must(200, "POST", "/api/v1/orders/"+po["id"].(string)+"/approve", nil)

		// The fee: 10% of the price of the work the project paid for since
		// the manager came (not of the buyer's fees).
		spentIn := m.s.App.Clock.Now().Format("2006-01")
		m.s.Client(t).Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "25h"})
		var fees []map[string]any
		for _, it := range items(m.admin.Must(200, "GET", acc+"/invoices", nil)) {
			if inv := it.(map[string]any); inv["kind"] == "management_fee" {
				fees = append(fees, inv)
			}
		}
		want := float64((int(amount(po["subtotal"]))*1000 + 5000) / 10000)
		if len(fees) != 1 || amount(fees[0]["total"]) != want || fees[0]["ref"] != pid {
			t.Fatalf("management fee invoices %v, want one of %v", fees, want)
		}
		m.s.Client(t).Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "25h"})
		if n := countRows(t, m, `SELECT COUNT(*) FROM invoices WHERE kind = 'management_fee'`); n != 1 {
			t.Fatalf("%d fee invoices after a day without spend", n)
		}
		wantBalancedLedger(t, ops)

		// The dashboard of the admin.
		d := m.admin.Must(200, "GET", "/api/v1/me/dashboard", nil)
		// Twelve months to this one; the spend shows in its month (the
		// clock moved two days: it may be last month now).
		months := d["spend_by_month"].([]any)
		inMonth := slices.IndexFunc(months, func(mo any) bool { return mo.(map[string]any)["month"] == spentIn })
		if len(months) != 12 || months[11].(map[string]any)["month"] != m.s.App.Clock.Now().Format("2006-01") ||
			inMonth < 10 || amount(months[inMonth].(map[string]any)["amount"]) == 0 || d["rewards"] == nil {
			t.Fatalf("dashboard chart %v (spent in %s) rewards %v", months, spentIn, d["rewards"])
		}
		if len(d["active_orders"].([]any)) != 3 || len(d["active_projects"].([]any)) != 2 || len(d["activity"].([]any)) == 0 {
			t.Fatalf("dashboard: %d active orders, %d projects, %d activity", len(d["active_orders"].([]any)), len(d["active_projects"].([]any)), len(d["activity"].([]any)))
		}
	})
}

// A project without a budget is never over it: the API says so, and its
// page, the account's projects and the dashboard draw no bar and no "over
// budget", only what it spent.
func TestAProjectWithoutABudgetIsNeverOverIt(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		p := m.member.Must(201, "POST", "/api/v1/accounts/"+m.ac+"/projects", map[string]any{"name": "Open-ended", "type": "content",
			"budget": map[string]any{"amount": 0, "currency": "USD"}})
		pid := p["id"].(string)
		m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": pid})
		p = m.member.Must(200, "GET", "/api/v1/projects/"+pid, nil)
		if amount(p["spent"]) == 0 || p["over_budget"] != false || p["spent_percent"].(float64) != 0 {
			t.Fatalf("spent %v, %v%%, over budget %v", p["spent"], p["spent_percent"], p["over_budget"])
		}
		if l := items(m.member.Must(200, "GET", "/api/v1/accounts/"+m.ac+"/projects", nil)); l[0].(map[string]any)["over_budget"] != false {
			t.Fatalf("listed %v", l)
		}

		token, _, err := m.s.App.Users.SignIn(context.Background(), users.Credentials{Email: "member@acme.test", Password: "correct horse"}, users.WebSession, users.Client{Addr: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		// The project's spend: its page's budget section, its card in the lists.
		for _, c := range []struct{ path, from, to string }{
			{"/projects/" + pid, `aria-labelledby="h-budget"`, "</section>"},
			{"/accounts/" + m.ac + "/projects", `id="project-` + pid + `"`, "</li>"},
			{"/", `id="project-` + pid + `"`, "</li>"},
		} {
			path := c.path
			req, err := http.NewRequest("GET", m.s.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.AddCookie(&http.Cookie{Name: httpx.CookieName, Value: token})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			_, spend, _ := strings.Cut(string(b), c.from)
			spend, _, found := strings.Cut(spend, c.to)
			if res.StatusCode != 200 || !found || !strings.Contains(spend, "project-spend-unbudgeted") {
				t.Fatalf("%s: %d, without the project's spend:\n%s", path, res.StatusCode, b)
			}
			if strings.Contains(spend, "Over budget") || strings.Contains(spend, `role="progressbar"`) || !strings.Contains(spend, "Budget: None") {
				t.Fatalf("%s draws a bar or says over budget for a project without a budget:\n%s", path, spend)
			}
		}
	})
}

// Every read route of projects answers 404 to a stranger, a member of
// another account and the freelancer of the project's orders.
func TestProjectsArePrivate(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		p := m.admin.Must(201, "POST", acc+"/projects", map[string]any{"name": "Launch", "type": "marketing_campaign",
			"budget": map[string]any{"amount": 500000, "currency": "USD"}})
		pid := p["id"].(string)
		m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": pid})
		stranger, _ := m.s.SignUp(t, "stranger@x.test", "Stranger")
		other, _ := m.s.SignUp(t, "eve@other.test", "Eve")
		otherAcc := other.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Other"})["id"].(string)
		other.Must(201, "POST", "/api/v1/accounts/"+otherAcc+"/projects", map[string]any{"name": "Theirs", "type": "other",
			"budget": map[string]any{"amount": 0, "currency": "USD"}})
		for who, c := range map[string]*apptest.Client{"stranger": stranger, "other account": other, "freelancer": m.seller} {
			for _, path := range []string{"/api/v1/projects/" + pid, acc + "/projects", "/api/v1/me/dashboard?account_id=" + m.ac} {
				if r := c.Do("GET", path, nil); r.Status != 404 {
					t.Errorf("%s GET %s: %d %s", who, path, r.Status, r.Raw)
				}
			}
			for _, path := range []string{"/api/v1/projects/" + pid + "/members", "/api/v1/projects/" + pid + "/project-manager-request"} {
				if r := c.Do("POST", path, map[string]any{"user_id": "x"}); r.Status != 404 {
					t.Errorf("%s POST %s: %d %s", who, path, r.Status, r.Raw)
				}
			}
			d := c.Must(200, "GET", "/api/v1/me/dashboard", nil)
			for _, it := range d["active_projects"].([]any) {
				if it.(map[string]any)["id"] == pid {
					t.Errorf("%s's dashboard shows the project", who)
				}
			}
			if who != "other account" && len(d["active_projects"].([]any)) != 0 {
				t.Errorf("%s's dashboard shows projects: %v", who, d["active_projects"])
			}
		}
	})
}

// The management fee waits while the account cannot pay it, and is
// invoiced once the next day it can.
func TestManagementFeeWaitsForAMeansOfPayment(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		ops := operator(t, m)
		opsID := ops.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
		pid := m.admin.Must(201, "POST", acc+"/projects", map[string]any{"name": "Rebrand", "type": "branding",
			"budget": map[string]any{"amount": 500000, "currency": "USD"}})["id"].(string)
		m.admin.Must(200, "POST", "/api/v1/projects/"+pid+"/project-manager-request", nil)
		ops.Must(200, "POST", "/api/v1/projects/"+pid+"/project-manager", map[string]any{"user_id": opsID})
		o := m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": pid})
		pm := items(m.admin.Must(200, "GET", acc+"/payment-methods", nil))[0].(map[string]any)["id"].(string)
		m.admin.Must(204, "DELETE", acc+"/payment-methods/"+pm, nil)
		clock := m.s.Client(t)
		clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "25h"})
		if n := countRows(t, m, `SELECT COUNT(*) FROM invoices WHERE kind = 'management_fee'`); n != 0 {
			t.Fatalf("%d fee invoices without a means of payment", n)
		}
		m.admin.Must(201, "POST", acc+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
		clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "25h"})
		clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "25h"})
		if n := countRows(t, m, `SELECT COUNT(*) FROM invoices WHERE kind = 'management_fee'`); n != 1 {
			t.Fatalf("%d fee invoices, want 1", n)
		}
		var total int64
		if err := m.s.App.DB.QueryRow(t.Context(), `SELECT total FROM invoices WHERE kind = 'management_fee'`).Scan(&total); err != nil {
			t.Fatal(err)
		}
		if want := (int64(amount(o["subtotal"]))*1000 + 5000) / 10000; total != want {
			t.Fatalf("fee %d, want %d", total, want)
		}
		wantBalancedLedger(t, ops)
	})
}

// The management fee is a percentage of the work's price, not of the
// buyer's fees (the audit found 10% charged on 351.66 that held 18.33 of
// fees), and it goes back, with a credit note, when that work is refunded.
func TestManagementFeeIsOnThePriceNetOfRefunds(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		acc := "/api/v1/accounts/" + m.ac
		pid := m.managedProject(t)
		o := m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": pid})
		m.advance(t, "25h")
		fees := func(table string) (n int, total float64) {
			rows := items(m.admin.Must(200, "GET", acc+"/"+table, nil))
			for _, it := range rows {
				if d := it.(map[string]any); d["ref"] == pid {
					n, total = n+1, total+amount(d["total"])
				}
			}
			return n, total
		}
		// 10% of 300.00, not of the 316.50 paid with the buyer's fees.
		if n, total := fees("invoices"); n != 1 || total != 3000 {
			t.Fatalf("fee invoices: %d for %v, want one of 3000", n, total)
		}
		// The order is cancelled and refunded: the fee goes back the next
		// day, with a credit note correcting the fee's invoice.
		m.seller.Must(201, "POST", "/api/v1/orders/"+o["id"].(string)+"/cancellation", map[string]any{"reason": "Cannot do it"})
		m.admin.Must(200, "POST", "/api/v1/orders/"+o["id"].(string)+"/cancellation/accept", nil)
		before := m.balance(t)
		m.advance(t, "25h")
		if n, total := fees("credit-notes"); n != 1 || total != 3000 {
			t.Fatalf("fee credit notes: %d for %v, want one of 3000", n, total)
		}
		if got := m.balance(t); got != before+3000 {
			t.Fatalf("balance %v after the fee came back, want %v", got, before+3000)
		}
		m.advance(t, "25h") // nothing more, either way
		if n, _ := fees("invoices"); n != 1 {
			t.Fatalf("%d fee invoices", n)
		}
		if n, _ := fees("credit-notes"); n != 1 {
			t.Fatalf("%d fee credit notes", n)
		}
		m.balanced(t)
		reconcile(t, m.s.App.DB)
	})
}

// managedProject is a project of the account with an operator as its
// project manager: its orders owe the management fee.
func (m resolutionMarket) managedProject(t *testing.T) string {
	t.Helper()
	opsID := m.ops.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
	pid := m.admin.Must(201, "POST", "/api/v1/accounts/"+m.ac+"/projects", map[string]any{"name": "Rebrand", "type": "branding",
		"budget": map[string]any{"amount": 500000, "currency": "USD"}})["id"].(string)
	m.admin.Must(200, "POST", "/api/v1/projects/"+pid+"/project-manager-request", nil)
	m.ops.Must(200, "POST", "/api/v1/projects/"+pid+"/project-manager", map[string]any{"user_id": opsID})
	return pid
}
