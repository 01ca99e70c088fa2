package api_test

import (
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/billing"
	"atelier/internal/db/dbtest"
	"atelier/internal/users"
)

func usd(n int) map[string]any { return map[string]any{"amount": n, "currency": "USD"} }

func milestonesOffer(account string, amounts ...int) map[string]any {
	var ms []map[string]any
	for i, a := range amounts {
		ms = append(ms, map[string]any{"title": "Stage " + string(rune('A'+i)), "amount": usd(a), "delivery_days": 5})
	}
	return map[string]any{"account_id": account, "kind": "milestones", "title": "Website in stages", "description": "Design, build, launch",
		"revisions": 1, "milestones": ms}
}

func operator(t *testing.T, m market) *apptest.Client {
	t.Helper()
	if _, err := m.s.App.Users.CreateOperator(t.Context(), users.NewUser{Email: "ops@x.test", Password: "correct horse", Name: "Ops"}); err != nil {
		t.Fatal(err)
	}
	ops := m.s.Client(t)
	ops.Token = ops.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ops@x.test", "password": "correct horse"})["token"].(string)
	return ops
}

func countRows(t *testing.T, m market, q string, args ...any) int {
	t.Helper()
	var n int
	if err := m.s.App.DB.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func milestone(o map[string]any, i int) map[string]any {
	return o["milestones"].([]any)[i].(map[string]any)
}

// A fixed-price offer accepted becomes an active order, paid at once, and
// runs like a service order.
func TestFixedOfferBecomesAnOrder(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		outsider, _ := m.s.SignUp(t, "eve@other.test", "Eve")
		of := m.seller.Must(201, "POST", "/api/v1/offers", map[string]any{"account_id": m.ac, "kind": "fixed", "title": "Landing page",
			"description": "One page, responsive", "price": usd(40000), "delivery_days": 4, "revisions": 1})
		id := of["id"].(string)
		if of["status"] != "pending" || amount(of["total"]) != 42200 || of["expires_at"] == nil {
			t.Fatalf("offer %v", of)
		}
		if got := m.member.Must(200, "GET", "/api/v1/offers/"+id, nil); got["side"] != "client" || amount(got["fees"]) != 2200 {
			t.Fatalf("the member sees %v", got)
		}
		if items := m.member.Must(200, "GET", "/api/v1/accounts/"+m.ac+"/offers?status=pending", nil)["items"].([]any); len(items) != 1 {
			t.Fatalf("account offers %v", items)
		}
		if items := m.seller.Must(200, "GET", "/api/v1/freelancers/"+m.freelancer+"/offers", nil)["items"].([]any); len(items) != 1 {
			t.Fatalf("sent offers %v", items)
		}
		wantError(t, outsider.Do("GET", "/api/v1/offers/"+id, nil), 404, "offer_not_found", "")
		wantError(t, outsider.Do("POST", "/api/v1/offers/"+id+"/accept", nil), 404, "offer_not_found", "")
		wantError(t, m.seller.Do("POST", "/api/v1/offers/"+id+"/accept", nil), 403, "wrong_side", "")

		first := m.member.Do("POST", "/api/v1/offers/"+id+"/accept", map[string]any{}, "Idempotency-Key", "accept-1")
		again := m.member.Do("POST", "/api/v1/offers/"+id+"/accept", map[string]any{}, "Idempotency-Key", "accept-1")
		if first.Status != 201 || again.Status != 201 || first.Body["id"] != again.Body["id"] {
			t.Fatalf("accept: %d %v / %d %v", first.Status, first.Body, again.Status, again.Body)
		}
		o := first.Body
		oid := o["id"].(string)
		if o["status"] != "active" || o["kind"] != "fixed" || o["offer_id"] != id || amount(o["total"]) != 42200 || o["paid_with"] != "visa •••• 4242" || o["due_at"] == nil {
			t.Fatalf("order %v", o)
		}
		wantError(t, m.member.Do("POST", "/api/v1/offers/"+id+"/accept", map[string]any{}), 409, "offer_not_pending", "")
		if got := m.seller.Must(200, "GET", "/api/v1/offers/"+id, nil); got["status"] != "accepted" || got["order_id"] != oid {
			t.Fatalf("offer after acceptance %v", got)
		}
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+oid+"/milestones/x/deliver", map[string]any{"message": "x"}), 404, "milestone_not_found", "")
		m.seller.Must(201, "POST", "/api/v1/orders/"+oid+"/deliveries", map[string]any{"message": "Here it is"})
		if o = m.member.Must(200, "POST", "/api/v1/orders/"+oid+"/accept", nil); o["status"] != "completed" {
			t.Fatalf("accepted delivery %v", o["status"])
		}
		if earnings := m.seller.Must(200, "GET", "/api/v1/freelancers/"+m.freelancer+"/earnings", nil); amount(earnings["pending"]) != 32000 {
			t.Fatalf("earnings %v", earnings)
		}
		m.member.Must(201, "POST", "/api/v1/orders/"+oid+"/reviews", map[string]any{"rating": 5, "text": "Great"})
		m.seller.Must(201, "POST", "/api/v1/orders/"+oid+"/reviews", map[string]any{"rating": 5, "text": "Clear"})
		wantBalancedLedger(t, operator(t, m))
	})
}

// A 3-milestone offer accepted above the approval threshold waits for the
// admin; then each milestone is charged when it starts, released when
// approved, and the client stops after the second: the third is never
// charged, and the order's escrow ends empty.
func TestMilestoneOfferRunsAndStops(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"order_approval_threshold": usd(50000)})
		of := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 30000, 20000, 10000))
		// Fees per milestone: 1650 + 1100 + 550.
		if amount(of["price"]) != 60000 || amount(of["total"]) != 63300 || len(of["milestones"].([]any)) != 3 {
			t.Fatalf("offer %v", of)
		}
		o := m.member.Must(201, "POST", "/api/v1/offers/"+of["id"].(string)+"/accept", map[string]any{})
		id := o["id"].(string)
		if o["status"] != "pending_approval" || o["kind"] != "milestones" || amount(o["total"]) != 63300 || milestone(o, 0)["status"] != "pending" {
			t.Fatalf("accepted above the threshold %v", o)
		}
		invoices := func() int { return len(m.admin.Must(200, "GET", acc+"/invoices", nil)["items"].([]any)) }
		if invoices() != 0 {
			t.Fatal("a waiting milestone order was charged")
		}
		o = m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/approve", nil)
		m1, m2, m3 := milestone(o, 0), milestone(o, 1), milestone(o, 2)
		if o["status"] != "active" || m1["status"] != "active" || m1["charged"] != true || m2["charged"] != false || m1["paid_with"] != "visa •••• 4242" || invoices() != 1 {
			t.Fatalf("approved %v", o)
		}
		held := func() int64 {
			h, err := billing.Escrowed(t.Context(), m.s.App.DB, id, "USD")
			if err != nil {
				t.Fatal(err)
			}
			return h.Amount
		}
		if held() != 31650 {
			t.Fatalf("escrow after milestone 1 started: %d", held())
		}
		ms := "/api/v1/orders/" + id + "/milestones/"
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "all"}), 409, "order_has_milestones", "")
		wantError(t, m.seller.Do("POST", ms+m2["id"].(string)+"/deliver", map[string]any{"message": "early"}), 409, "milestone_not_active", "")
		wantError(t, m.member.Do("POST", ms+m1["id"].(string)+"/deliver", map[string]any{"message": "me"}), 403, "wrong_side", "")
		o = m.seller.Must(200, "POST", ms+m1["id"].(string)+"/deliver", map[string]any{"message": "Designs"})
		if o["status"] != "delivered" || milestone(o, 0)["status"] != "delivered" || milestone(o, 0)["auto_approve_at"] == nil {
			t.Fatalf("delivered %v", o)
		}
		wantError(t, m.member.Do("POST", ms+m2["id"].(string)+"/approve", map[string]any{}), 409, "milestone_not_delivered", "")
		o = m.member.Must(200, "POST", ms+m1["id"].(string)+"/approve", map[string]any{})
		if o["status"] != "active" || milestone(o, 0)["status"] != "approved" || milestone(o, 1)["status"] != "active" || invoices() != 2 || held() != 21100 {
			t.Fatalf("after approving milestone 1: %v (escrow %d)", o, held())
		}
		wantError(t, m.member.Do("POST", "/api/v1/orders/"+id+"/stop", nil), 409, "milestone_in_progress", "")
		m.seller.Must(200, "POST", ms+m2["id"].(string)+"/deliver", map[string]any{"message": "Build"})
		m.member.Must(200, "POST", ms+m2["id"].(string)+"/revision", map[string]any{"message": "Fix the menu"})
		wantError(t, m.member.Do("POST", ms+m2["id"].(string)+"/revision", map[string]any{"message": "again"}), 409, "milestone_not_delivered", "")
		m.seller.Must(200, "POST", ms+m2["id"].(string)+"/deliver", map[string]any{"message": "Build, fixed"})
		o = m.member.Must(200, "POST", "/api/v1/orders/"+id+"/stop", nil)
		if o["status"] != "completed" || milestone(o, 1)["status"] != "approved" || milestone(o, 2)["status"] != "stopped" || milestone(o, 2)["charged"] != false {
			t.Fatalf("stopped %v", o)
		}
		if amount(o["subtotal"]) != 50000 || amount(o["total"]) != 52750 || invoices() != 2 || held() != 0 {
			t.Fatalf("after the stop: %v (escrow %d, %d invoices)", o, held(), invoices())
		}
		wantError(t, m.seller.Do("POST", ms+m3["id"].(string)+"/deliver", map[string]any{"message": "late"}), 409, "milestone_not_active", "")
		if earnings := m.seller.Must(200, "GET", "/api/v1/freelancers/"+m.freelancer+"/earnings", nil); amount(earnings["pending"]) != 40000 {
			t.Fatalf("earnings %v", earnings)
		}
		if rw := m.admin.Must(200, "GET", acc+"/rewards", nil); amount(rw["credit"]) != 500 || amount(rw["spend_12m"]) != 52750 {
			t.Fatalf("rewards %v", rw)
		}
		wantBalancedLedger(t, operator(t, m))
	})
}

// A delivered milestone left 8 days without an answer is approved by
// itself, once, and the order stops there.
func TestMilestoneAutoApprovalFiresOnce(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": usd(100000)})
		of := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 20000, 20000))
		o := m.admin.Must(201, "POST", "/api/v1/offers/"+of["id"].(string)+"/accept", nil)
		id := o["id"].(string)
		if o["status"] != "active" || milestone(o, 0)["paid_with"] != "balance" {
			t.Fatalf("accepted %v", o)
		}
		m.seller.Must(200, "POST", "/api/v1/orders/"+id+"/milestones/"+milestone(o, 0)["id"].(string)+"/deliver", map[string]any{"message": "Stage A"})
		clock := m.s.Client(t)
		clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "191h"})
		if o = m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil); o["status"] != "delivered" {
			t.Fatalf("before 8 days: %v", o["status"])
		}
		clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "2h"})
		clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "9d"})
		o = m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil)
		if o["status"] != "completed" || milestone(o, 0)["status"] != "approved" || milestone(o, 1)["status"] != "stopped" || milestone(o, 1)["charged"] != false {
			t.Fatalf("after 8 days: %v", o)
		}
		approvals := 0
		for _, ev := range m.admin.Must(200, "GET", "/api/v1/orders/"+id+"/timeline", nil)["items"].([]any) {
			if ev.(map[string]any)["kind"] == "milestone_approved" {
				approvals++
			}
		}
		if n := countRows(t, m, `SELECT COUNT(*) FROM ledger_transactions WHERE ref = ? AND kind = 'release'`, id); approvals != 1 || n != 1 {
			t.Fatalf("auto-approval fired %d times, %d releases", approvals, n)
		}
		// 1,000.00 deposited, one milestone of 200.00 + 11.00 fees paid.
		if bal := m.admin.Must(200, "GET", acc+"/balance", nil); amount(bal["available"]) != 100000-21100 {
			t.Fatalf("balance %v", bal)
		}
		wantBalancedLedger(t, operator(t, m))
	})
}

// Bad offers and bad acceptances get a clear error and change nothing: no
// offer stored, no ledger transaction, no invoice.
func TestBadOffersChangeNothing(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		outsider, _ := m.s.SignUp(t, "eve@other.test", "Eve")
		post := func(body map[string]any) apptest.Response { return m.seller.Do("POST", "/api/v1/offers", body) }
		wantError(t, post(milestonesOffer(m.ac, 0, 0)), 422, "amount_not_positive", "milestones.0.amount")
		wantError(t, post(milestonesOffer(m.ac, 30000)), 422, "milestones_too_few", "milestones")
		wantError(t, post(milestonesOffer(m.ac, 30000, -5)), 422, "amount_not_positive", "milestones.1.amount")
		wantError(t, post(milestonesOffer(m.ac, 30000, 10_000_000_001)), 422, "amount_too_large", "milestones.1.amount")
		wantError(t, post(milestonesOffer("acc_nope", 30000, 20000)), 422, "account_not_found", "account_id")
		wantError(t, post(map[string]any{"account_id": m.ac, "kind": "fixed", "title": "X", "price": map[string]any{"amount": 5000, "currency": "EUR"}, "delivery_days": 3}),
			422, "currency_mismatch", "price")
		wantError(t, post(map[string]any{"account_id": m.ac, "kind": "fixed", "title": "X", "price": usd(5000), "delivery_days": 0}), 422, "delivery_days_invalid", "delivery_days")
		wantError(t, post(map[string]any{"account_id": m.ac, "kind": "fixed", "title": " ", "price": usd(5000), "delivery_days": 3}), 422, "required", "title")
		wantError(t, post(map[string]any{"account_id": m.ac, "kind": "retainer", "title": "X"}), 422, "offer_kind_invalid", "kind")
		wantError(t, post(map[string]any{"account_id": m.ac, "kind": "hourly", "title": "X", "hourly_rate": usd(8000), "weekly_limit_hours": 10}), 403, "hourly_pro_only", "")
		wantError(t, m.member.Do("POST", "/api/v1/offers", milestonesOffer(m.ac, 30000, 20000)), 422, "freelancer_not_found", "freelancer_id")
		if n := countRows(t, m, `SELECT COUNT(*) FROM offers`); n != 0 {
			t.Fatalf("%d offers stored from bad input", n)
		}

		// Expired after 14 days: it cannot be accepted.
		late := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 30000, 20000))["id"].(string)
		declined := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 30000, 20000))["id"].(string)
		wantError(t, outsider.Do("POST", "/api/v1/offers/"+declined+"/decline", nil), 404, "offer_not_found", "")
		if d := m.member.Must(200, "POST", "/api/v1/offers/"+declined+"/decline", nil); d["status"] != "declined" {
			t.Fatalf("declined %v", d)
		}
		wantError(t, m.admin.Do("POST", "/api/v1/offers/"+declined+"/accept", nil), 409, "offer_not_pending", "")
		m.s.Client(t).Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "15d"})
		if got := m.member.Must(200, "GET", "/api/v1/offers/"+late, nil); got["status"] != "expired" {
			t.Fatalf("after 15 days: %v", got["status"])
		}
		wantError(t, m.admin.Do("POST", "/api/v1/offers/"+late+"/accept", nil, "Idempotency-Key", "late-1"), 409, "offer_expired", "")
		wantError(t, outsider.Do("POST", "/api/v1/offers/"+late+"/accept", nil), 404, "offer_not_found", "")
		notes := m.seller.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)
		expiredNotes := 0
		for _, n := range notes {
			if n.(map[string]any)["kind"] == "offer_expired" {
				expiredNotes++
			}
		}
		if expiredNotes != 1 {
			t.Fatalf("offer_expired notifications: %d", expiredNotes)
		}
		if n := countRows(t, m, `SELECT COUNT(*) FROM ledger_transactions`); n != 0 {
			t.Fatalf("%d ledger transactions after refused input", n)
		}
		if n := countRows(t, m, `SELECT COUNT(*) FROM invoices`); n != 0 {
			t.Fatalf("%d invoices after refused input", n)
		}
		if n := countRows(t, m, `SELECT COUNT(*) FROM orders`); n != 0 {
			t.Fatalf("%d orders after refused input", n)
		}
	})
}

// When the next milestone cannot be charged, the approval stands and the
// order waits in awaiting_payment until the client pays it.
func TestMilestoneChargeFailureWaitsForPayment(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		visa := m.admin.Must(200, "GET", acc+"/payment-methods", nil)["items"].([]any)[0].(map[string]any)["id"].(string)
		m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": usd(25000)})
		of := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 20000, 20000))
		o := m.admin.Must(201, "POST", "/api/v1/offers/"+of["id"].(string)+"/accept", nil)
		id := o["id"].(string)
		declined := m.admin.Must(201, "POST", acc+"/payment-methods", map[string]any{"type": "card", "token": "tok_chargeDeclined"})["id"].(string)
		m.admin.Must(200, "POST", acc+"/payment-methods/"+declined+"/default", nil)
		ms := "/api/v1/orders/" + id + "/milestones/"
		m.seller.Must(200, "POST", ms+milestone(o, 0)["id"].(string)+"/deliver", map[string]any{"message": "Stage A"})
		o = m.admin.Must(200, "POST", ms+milestone(o, 0)["id"].(string)+"/approve", map[string]any{})
		if o["status"] != "awaiting_payment" || milestone(o, 0)["status"] != "approved" || milestone(o, 1)["status"] != "pending" {
			t.Fatalf("after a failed charge: %v", o)
		}
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+id+"/milestones/pay", nil), 422, "card_declined", "payment_method_id")
		m.admin.Must(200, "POST", acc+"/payment-methods/"+visa+"/default", nil)
		o = m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/milestones/pay", nil)
		if o["status"] != "active" || milestone(o, 1)["status"] != "active" || milestone(o, 1)["paid_with"] != "visa •••• 4242" {
			t.Fatalf("after paying: %v", o)
		}
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+id+"/milestones/pay", nil), 409, "order_not_awaiting_payment", "")
		wantBalancedLedger(t, operator(t, m))
	})
}
