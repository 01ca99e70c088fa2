package api_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// The audit's reproduction, and its siblings: a member cannot spend past
// the account's policies by accepting a freelancer's price raise, by
// asking for one, or by raising an hourly contract's weekly limit. Each
// waits in the admin's queue with nothing charged; the admin approves
// (charged then, in the admin's name) or rejects (nothing changes).
func TestSpendingGateHoldsEveryRaise(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		h := newHourlyMarket(t, e, func(m market, offer string) map[string]any {
			return m.member.Must(201, "POST", "/api/v1/offers/"+offer+"/accept", map[string]any{})
		})
		acc := "/api/v1/accounts/" + h.ac
		invoices := func() int { return countRows(t, h.market, `SELECT COUNT(*) FROM invoices WHERE account_id = ?`, h.ac) }
		place := func() string {
			o := h.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": h.ac, "service_id": h.service, "package": "Basic"})
			if o["status"] != "active" {
				t.Fatalf("placed %v", o["status"])
			}
			return o["id"].(string)
		}
		raised, rejected, asked := place(), place(), place()
		h.admin.Must(200, "PUT", acc+"/policies", map[string]any{"order_approval_threshold": usd(50000)})
		before := invoices()

		// The freelancer asks 50,000.00 for a 300.00 order; the member
		// accepts: it waits for the admin, nothing charged.
		res := "/api/v1/orders/" + raised + "/resolutions"
		r := h.seller.Must(201, "POST", res, map[string]any{"kind": "change_scope", "price": usd(5000000), "message": "Much more work"})
		o := h.member.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil)
		if amount(o["total"]) != 31650 || invoices() != before {
			t.Fatalf("a member's acceptance above the threshold charged: total %v, %d invoices", o["total"], invoices()-before)
		}
		if got := h.member.Must(200, "GET", res, nil)["items"].([]any)[0].(map[string]any); got["status"] != "open" || got["awaiting_approval"] != true {
			t.Fatalf("the request after the member's acceptance: %v", got)
		}
		wantError(t, h.member.Do("GET", acc+"/spend-approvals", nil), 403, "role_not_allowed", "")
		queue := h.admin.Must(200, "GET", acc+"/spend-approvals?status=pending", nil)["items"].([]any)
		if len(queue) != 1 {
			t.Fatalf("queue %v", queue)
		}
		wait := queue[0].(map[string]any)
		// The raise's charge: 49,700.00 more and its fees.
		if wait["kind"] != "scope_change" || wait["order_id"] != raised || amount(wait["amount"]) != 5275000-31650 || wait["requested_by_name"] != "Max Member" {
			t.Fatalf("waiting %v", wait)
		}
		if n := countRows(t, h.market, `SELECT COUNT(*) FROM audit_log WHERE account_id = ? AND action = 'spend.approval_requested'`, h.ac); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
		wantError(t, h.member.Do("POST", "/api/v1/spend-approvals/"+wait["id"].(string)+"/approve", nil), 403, "role_not_allowed", "")
		// Without a card the approval cannot charge: it keeps waiting.
		card := h.admin.Must(200, "GET", acc+"/payment-methods", nil)["items"].([]any)[0].(map[string]any)["id"].(string)
		h.admin.Must(204, "DELETE", acc+"/payment-methods/"+card, nil)
		if r := h.admin.Do("POST", "/api/v1/spend-approvals/"+wait["id"].(string)+"/approve", nil); r.Status != 409 {
			t.Fatalf("approve without a card: %d %s", r.Status, r.Raw)
		}
		if n := len(h.admin.Must(200, "GET", acc+"/spend-approvals?status=pending", nil)["items"].([]any)); n != 1 || invoices() != before {
			t.Fatalf("after a failed approval: %d waiting, %d invoices", n, invoices()-before)
		}
		h.admin.Must(201, "POST", acc+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
		wantError(t, h.seller.Do("POST", "/api/v1/spend-approvals/"+wait["id"].(string)+"/approve", nil), 404, "approval_not_found", "")
		ok := h.admin.Must(200, "POST", "/api/v1/spend-approvals/"+wait["id"].(string)+"/approve", nil)
		if ok["status"] != "approved" || invoices() != before+1 {
			t.Fatalf("approved %v, %d invoices", ok, invoices()-before)
		}
		if o := h.member.Must(200, "GET", "/api/v1/orders/"+raised, nil); amount(o["total"]) != 5275000 {
			t.Fatalf("after approval the order costs %v", o["total"])
		}
		wantError(t, h.admin.Do("POST", "/api/v1/spend-approvals/"+wait["id"].(string)+"/approve", nil), 409, "approval_not_pending", "")

		// Rejected: nothing charged, the request still open for the member.
		res = "/api/v1/orders/" + rejected + "/resolutions"
		r = h.seller.Must(201, "POST", res, map[string]any{"kind": "change_scope", "price": usd(90000), "message": "More"})
		h.member.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil)
		no := h.admin.Must(200, "GET", acc+"/spend-approvals?status=pending", nil)["items"].([]any)[0].(map[string]any)
		wantError(t, h.admin.Do("POST", "/api/v1/spend-approvals/"+no["id"].(string)+"/reject", map[string]any{"reason": " "}), 422, "required", "reason")
		if got := h.admin.Must(200, "POST", "/api/v1/spend-approvals/"+no["id"].(string)+"/reject", map[string]any{"reason": "Not this quarter"}); got["status"] != "rejected" || got["reason"] != "Not this quarter" {
			t.Fatalf("rejected %v", got)
		}
		if invoices() != before+1 {
			t.Fatal("a rejected raise was charged")
		}
		h.member.Must(200, "POST", res+"/"+r["id"].(string)+"/decline", nil)

		// The member asks to pay more themself: it waits from the start;
		// the freelancer cannot accept it before the admin approves.
		res = "/api/v1/orders/" + asked + "/resolutions"
		r = h.member.Must(201, "POST", res, map[string]any{"kind": "change_scope", "price": usd(80000), "message": "Add the stationery"})
		if r["awaiting_approval"] != true {
			t.Fatalf("asked %v", r)
		}
		wantError(t, h.seller.Do("POST", res+"/"+r["id"].(string)+"/accept", nil), 409, "awaiting_approval", "")
		mine := h.admin.Must(200, "GET", acc+"/spend-approvals?status=pending", nil)["items"].([]any)[0].(map[string]any)
		h.admin.Must(200, "POST", "/api/v1/spend-approvals/"+mine["id"].(string)+"/approve", nil)
		if invoices() != before+1 {
			t.Fatal("charged before the freelancer accepted")
		}
		if o := h.seller.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil); amount(o["total"]) != 84400 || invoices() != before+2 {
			t.Fatalf("accepted after approval: %v, %d invoices", o["total"], invoices()-before)
		}

		// A weekly limit raise is a week at the new limit: 20 h × 80.00
		// and fees, above the threshold: it waits, the limit unchanged.
		hr := h.member.Must(200, "POST", h.path("/hourly/limit"), map[string]any{"weekly_limit_hours": 20})["hourly"].(map[string]any)
		if hr["weekly_limit_hours"].(float64) != 10 || hr["limit_awaiting_approval"].(float64) != 20 {
			t.Fatalf("after the member's raise %v", hr)
		}
		limit := h.admin.Must(200, "GET", acc+"/spend-approvals?status=pending", nil)["items"].([]any)[0].(map[string]any)
		if limit["kind"] != "hourly_limit" || limit["limit_hours"].(float64) != 20 || amount(limit["amount"]) != 168800 {
			t.Fatalf("waiting limit %v", limit)
		}
		h.admin.Must(200, "POST", "/api/v1/spend-approvals/"+limit["id"].(string)+"/approve", nil)
		if hr = h.hourly(t); hr["weekly_limit_hours"].(float64) != 20 || hr["limit_awaiting_approval"].(float64) != 0 {
			t.Fatalf("after approval %v", hr)
		}
		// A cut needs nobody.
		if hr = h.member.Must(200, "POST", h.path("/hourly/limit"), map[string]any{"weekly_limit_hours": 5})["hourly"].(map[string]any); hr["next_week_limit_hours"].(float64) != 5 {
			t.Fatalf("after a cut %v", hr)
		}
		if n := len(h.admin.Must(200, "GET", acc+"/spend-approvals?status=approved", nil)["items"].([]any)); n != 3 {
			t.Fatalf("%d approved", n)
		}
		ledgerBalanced(t, h.market)
	})
}

// A member's monthly limit counts what they committed besides orders: a
// raise they accepted under the threshold counts, and the next one past
// the limit is refused (approval off).
func TestMonthlyLimitCountsRaises(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		id := m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})["id"].(string)
		m.admin.Must(200, "PUT", "/api/v1/accounts/"+m.ac+"/policies", map[string]any{"member_monthly_limit": usd(60000)})
		res := "/api/v1/orders/" + id + "/resolutions"
		r := m.seller.Must(201, "POST", res, map[string]any{"kind": "change_scope", "price": usd(50000), "message": "Bigger"})
		// 316.50 + 211.00 = 527.50: within 600.00.
		if o := m.member.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil); amount(o["total"]) != 52750 {
			t.Fatalf("raise within the limit: %v", o["total"])
		}
		r = m.seller.Must(201, "POST", res, map[string]any{"kind": "change_scope", "price": usd(60000), "message": "Bigger still"})
		wantError(t, m.member.Do("POST", res+"/"+r["id"].(string)+"/accept", nil), 422, "monthly_limit_exceeded", "")
		// Asking for a raise past the limit is refused on its price.
		m.member.Must(200, "POST", res+"/"+r["id"].(string)+"/decline", nil)
		wantError(t, m.member.Do("POST", res, map[string]any{"kind": "change_scope", "price": usd(70000), "message": "More"}), 422, "monthly_limit_exceeded", "price")
	})
}

// Every kind of ledger movement is listed here with what gates it: a new
// kind that takes money from a business account fails this test until it
// goes through the spending gate (orders.gate) or is shown not to be a
// member's commitment.
func TestEveryChargeToAnAccountPassesTheGate(t *testing.T) {
	t.Parallel()
	known := map[string]string{
		"order_payment":         "gated: an order (orders.open), a price raise (AcceptRequest, OpenRequest), a week within a gated limit",
		"deposit":               "not a commitment: billing managers and the admin fund the balance (ManageBilling)",
		"reward":                "money to the account",
		"deposit_refund":        "money to the account's card",
		"deposit_refund_failed": "money back to the balance",
		"refund":                "money to the account",
		"guarantee_refund":      "money to the account",
		"fee_refund":            "money to the account",
		"balance_payout":        "the account's own balance back to its card (admin, billing managers)",
		"balance_payout_failed": "money back to the balance",
		"release":               "escrow to the freelancer: already committed",
		"clearance":             "inside the freelancer's earnings",
		"withdrawal":            "the freelancer's own money",
		"withdrawal_failed":     "the freelancer's own money",
		"management_fee":        "the platform's fee on gated spend, billed daily (projects.BillManagementFees), set by the admin's manager",
	}
	post := regexp.MustCompile(`ledger\.Post\(ctx, tx, "([a-z_]+)"`)
	kindField := regexp.MustCompile(`Kind:\s+"([a-z_]+)",\s+Ref:`)
	found := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".go" || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range append(post.FindAllSubmatch(src, -1), kindField.FindAllSubmatch(src, -1)...) {
			found[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for k := range found {
		kinds = append(kinds, k)
		if _, ok := known[k]; !ok {
			t.Errorf("ledger kind %q is new: does it take money from a business account? Put it through orders.gate, then list it here", k)
		}
	}
	slices.Sort(kinds)
	if !found["order_payment"] || !found["deposit"] {
		t.Fatalf("the scan found only %v", kinds)
	}
}

// Orders a member sends at the same instant take turns at the gate: they
// cannot each pass a monthly limit that together they exceed. With approval
// off, one is placed and the others are refused; with approval on, one is
// placed and the others wait for the admin — and no card is left charged
// for an order that waits.
func TestOrdersSentAtOnceTakeTurnsAtTheGate(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		member := caller{base: m.s.URL, token: m.member.Token, c: &http.Client{}}
		burst := func() map[string]int {
			const n = 6
			var wg sync.WaitGroup
			var mu sync.Mutex
			got := map[string]int{}
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, out := member.do("POST", "/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})
					key := fmt.Sprint(status)
					if status == 201 {
						key = out["status"].(string)
					} else if e, ok := out["error"].(map[string]any); ok {
						key = e["code"].(string)
					}
					mu.Lock()
					got[key]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			return got
		}
		// A Basic order is 300.00 and fees: one fits under 500.00, two do not.
		m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"member_monthly_limit": map[string]any{"amount": 50000, "currency": "USD"}})
		if got := burst(); got["active"] != 1 || got["monthly_limit_exceeded"] != 5 {
			t.Fatalf("six orders at once under a limit for one, approval off: %v", got)
		}
		m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"member_monthly_limit": map[string]any{"amount": 100000, "currency": "USD"},
			"order_approval_threshold": map[string]any{"amount": 200000, "currency": "USD"}})
		if got := burst(); got["active"] != 2 || got["pending_approval"] != 4 {
			t.Fatalf("six orders at once under a limit for two more, approval on: %v", got)
		}
		// Money: three orders paid, each invoiced once; the ledger balances.
		if n := countRows(t, m, `SELECT COUNT(*) FROM invoices WHERE account_id = ?`, m.ac); n != 3 {
			t.Fatalf("%d invoices for three paid orders", n)
		}
		wantBalancedLedger(t, operator(t, m))
	})
}
