package api_test

import (
	"sync"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// resolutionMarket is a market whose admin has 1,000.00 on the balance,
// with an operator, and helpers to read money.
type resolutionMarket struct {
	market
	ops   *apptest.Client
	clock *apptest.Client
}

func newResolutionMarket(t *testing.T, e db.Engine) resolutionMarket {
	m := newMarket(t, e)
	m.admin.Must(201, "POST", "/api/v1/accounts/"+m.ac+"/deposits", map[string]any{"amount": usd(100000)})
	return resolutionMarket{market: m, ops: operator(t, m), clock: m.s.Client(t)}
}

func (m resolutionMarket) balance(t *testing.T) float64 {
	t.Helper()
	return amount(m.admin.Must(200, "GET", "/api/v1/accounts/"+m.ac+"/balance", nil)["available"])
}

func (m resolutionMarket) held(t *testing.T, order string) int64 {
	t.Helper()
	h, err := billing.Escrowed(t.Context(), m.s.App.DB, order, "USD")
	if err != nil {
		t.Fatal(err)
	}
	return h.Amount
}

func (m resolutionMarket) advance(t *testing.T, d string) {
	t.Helper()
	m.clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": d})
}

// balanced fails the test unless the ledger balances.
func (m resolutionMarket) balanced(t *testing.T) {
	t.Helper()
	wantBalancedLedger(t, m.ops)
	// No order gave back more than was paid for it (refunds of every kind).
	n := countRows(t, m.market, `SELECT COUNT(*) FROM (SELECT t.ref FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
		WHERE e.amount > 0 AND t.kind IN ('order_payment', 'refund', 'guarantee_refund') GROUP BY t.ref
		HAVING SUM(CASE WHEN t.kind = 'order_payment' THEN 0 ELSE e.amount END) > SUM(CASE WHEN t.kind = 'order_payment' THEN e.amount ELSE 0 END)) over`)
	if n != 0 {
		t.Fatalf("%d orders refunded more than was paid", n)
	}
	if paid := countRows(t, m.market, `SELECT COUNT(*) FROM ledger_transactions WHERE kind IN ('refund', 'guarantee_refund')`); paid == 0 {
		t.Fatal("no refund happened: the check above proves nothing")
	}
}

// order places a Basic order (300.00 + 16.50 fees) paid from the balance.
func (m resolutionMarket) order(t *testing.T) string {
	t.Helper()
	return m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})["id"].(string)
}

func kindCount(list []any) map[string]int {
	n := map[string]int{}
	for _, it := range list {
		n[it.(map[string]any)["kind"].(string)]++
	}
	return n
}

// Mutual cancellation: either side asks with a reason; the other accepts
// or declines; the requester withdraws; declining and withdrawing leave the
// order as it was; accepting cancels it and refunds what escrow holds.
// Strangers get 404, the wrong side 403, a double request and a closed
// order 409, and bad input 422 that changes nothing.
func TestMutualCancellation(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		outsider, _ := m.s.SignUp(t, "eve@other.test", "Eve")
		id := m.order(t)
		path := "/api/v1/orders/" + id + "/cancellation"
		if m.balance(t) != 100000-31650 || m.held(t, id) != 31650 {
			t.Fatalf("before: balance %v, escrow %d", m.balance(t), m.held(t, id))
		}

		// Refused, and nothing changes.
		wantError(t, m.seller.Do("POST", path, map[string]any{"reason": "  "}), 422, "required", "reason")
		wantError(t, m.seller.Do("POST", path, "not an object"), 400, "malformed_json", "")
		wantError(t, outsider.Do("POST", path, map[string]any{"reason": "mine now"}), 404, "order_not_found", "")
		wantError(t, m.member.Do("POST", path, map[string]any{"reason": "not my order"}), 404, "order_not_found", "")
		wantError(t, m.seller.Do("POST", path+"/accept", nil), 409, "cancellation_not_open", "")
		if o := m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil); o["cancellation"] != nil || o["status"] != "active" {
			t.Fatalf("refused requests changed the order: %v", o)
		}

		// The freelancer asks; the client sees who, why and the days left.
		o := m.seller.Must(201, "POST", path, map[string]any{"reason": "I fell ill"})
		c, _ := o["cancellation"].(map[string]any)
		if c == nil || c["requested_by"] != "freelancer" || c["reason"] != "I fell ill" || c["days_left"].(float64) != 2 || c["deadline"] == nil {
			t.Fatalf("requested: %v", o["cancellation"])
		}
		if o = m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil); o["status"] != "active" || o["progress"].(map[string]any)["days_left"].(float64) != 2 {
			t.Fatalf("the client sees %v", o)
		}
		if notes := kindCount(m.admin.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["request_cancel"] != 1 {
			t.Fatalf("the client was not told: %v", notes)
		}
		wantError(t, m.seller.Do("POST", path, map[string]any{"reason": "again"}), 409, "cancellation_already_requested", "")
		wantError(t, m.admin.Do("POST", path, map[string]any{"reason": "me too"}), 409, "cancellation_already_requested", "")
		wantError(t, m.seller.Do("POST", path+"/accept", nil), 403, "answer_is_other_side", "")
		wantError(t, m.admin.Do("POST", path+"/withdraw", nil), 403, "withdraw_is_requester", "")
		wantError(t, outsider.Do("POST", path+"/accept", nil), 404, "order_not_found", "")
		// The order is on hold meanwhile.
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "done"}), 409, "cancellation_pending", "")
		m.admin.Must(201, "POST", "/api/v1/orders/"+id+"/messages", map[string]any{"body": "Get well soon"})

		// Declined: as it was.
		o = m.admin.Must(200, "POST", path+"/decline", nil)
		if o["cancellation"] != nil || o["status"] != "active" || m.held(t, id) != 31650 {
			t.Fatalf("declined: %v", o)
		}
		wantError(t, m.admin.Do("POST", path+"/decline", nil), 409, "cancellation_not_open", "")
		if notes := kindCount(m.seller.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["request_declined"] != 1 {
			t.Fatalf("the freelancer was not told: %v", notes)
		}

		// The client asks, then withdraws: as it was.
		o = m.admin.Must(201, "POST", path, map[string]any{"reason": "Budget cut"})
		if o["cancellation"].(map[string]any)["requested_by"] != "client" {
			t.Fatalf("client's request %v", o["cancellation"])
		}
		o = m.admin.Must(200, "POST", path+"/withdraw", nil)
		if o["cancellation"] != nil || o["status"] != "active" {
			t.Fatalf("withdrawn %v", o)
		}

		// The client asks again and the freelancer accepts: cancelled, all refunded.
		m.admin.Must(201, "POST", path, map[string]any{"reason": "Budget cut, really"})
		o = m.seller.Must(200, "POST", path+"/accept", nil)
		if o["status"] != "cancelled" || o["cancellation"] != nil || o["reason"] != "Budget cut, really" {
			t.Fatalf("accepted %v", o)
		}
		if m.balance(t) != 100000 || m.held(t, id) != 0 {
			t.Fatalf("after the refund: balance %v, escrow %d", m.balance(t), m.held(t, id))
		}
		if notes := kindCount(m.admin.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["order_cancelled"] != 1 {
			t.Fatalf("the client was not told of the cancellation: %v", notes)
		}
		wantError(t, m.seller.Do("POST", path+"/accept", nil), 409, "cancellation_not_open", "")
		wantError(t, m.seller.Do("POST", path, map[string]any{"reason": "again"}), 409, "order_closed", "")
		requests := m.seller.Must(200, "GET", "/api/v1/orders/"+id+"/resolutions", nil)["items"].([]any)
		statuses := ""
		for _, r := range requests {
			statuses += r.(map[string]any)["status"].(string) + " "
		}
		if statuses != "declined withdrawn accepted " {
			t.Fatalf("requests: %s", statuses)
		}

		// A completed order cannot be cancelled; one waiting for approval is
		// withdrawn alone, not by agreement.
		done := m.order(t)
		m.seller.Must(201, "POST", "/api/v1/orders/"+done+"/deliveries", map[string]any{"message": "Here"})
		m.admin.Must(200, "POST", "/api/v1/orders/"+done+"/accept", nil)
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+done+"/cancellation", map[string]any{"reason": "regret"}), 409, "order_closed", "")
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+done+"/cancellation", map[string]any{"reason": "regret"}), 409, "order_closed", "")
		m.admin.Must(200, "PUT", "/api/v1/accounts/"+m.ac+"/policies", map[string]any{"order_approval_threshold": usd(1000)})
		waiting := m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})["id"].(string)
		wantError(t, m.member.Do("POST", "/api/v1/orders/"+waiting+"/cancellation", map[string]any{"reason": "no"}), 409, "order_not_started", "")
		m.balanced(t)
	})
}

// The 2-day timer: an unanswered request is accepted, the order cancelled
// and refunded; a withdrawn request's timer never cancels; while the
// request is open the review window is paused and given back after.
func TestCancellationTimer(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		auto, withdrawn, delivered := m.order(t), m.order(t), m.order(t)
		m.seller.Must(201, "POST", "/api/v1/orders/"+delivered+"/deliveries", map[string]any{"message": "Here"}) // completes at +72h
		m.advance(t, "48h")

		m.seller.Must(201, "POST", "/api/v1/orders/"+auto+"/cancellation", map[string]any{"reason": "Out of time"})
		m.seller.Must(201, "POST", "/api/v1/orders/"+withdrawn+"/cancellation", map[string]any{"reason": "Maybe"})
		m.seller.Must(200, "POST", "/api/v1/orders/"+withdrawn+"/cancellation/withdraw", nil)
		m.admin.Must(201, "POST", "/api/v1/orders/"+delivered+"/cancellation", map[string]any{"reason": "Not what we asked"})
		before := m.balance(t)

		m.advance(t, "25h") // +73h: past the delivered order's review window, which is paused
		o := m.admin.Must(200, "GET", "/api/v1/orders/"+auto, nil)
		if o["status"] != "active" || o["cancellation"].(map[string]any)["days_left"].(float64) != 1 {
			t.Fatalf("after a day: %v %v", o["status"], o["cancellation"])
		}
		if o = m.admin.Must(200, "GET", "/api/v1/orders/"+delivered, nil); o["status"] != "delivered" {
			t.Fatalf("a held delivery completed: %v", o["status"])
		}
		// The freelancer declines at +73h: the 24h of review left come back.
		m.seller.Must(200, "POST", "/api/v1/orders/"+delivered+"/cancellation/decline", nil)
		m.advance(t, "23h") // +96h: 2 days after the requests
		if o = m.admin.Must(200, "GET", "/api/v1/orders/"+auto, nil); o["status"] != "cancelled" || o["cancellation"] != nil {
			t.Fatalf("after 2 days: %v %v", o["status"], o["cancellation"])
		}
		if got := m.balance(t); got != before+31650 || m.held(t, auto) != 0 {
			t.Fatalf("balance %v, want %v (escrow %d)", got, before+31650, m.held(t, auto))
		}
		if o = m.seller.Must(200, "GET", "/api/v1/orders/"+withdrawn, nil); o["status"] != "active" || m.held(t, withdrawn) != 31650 {
			t.Fatalf("the withdrawn request cancelled: %v", o["status"])
		}
		if o = m.admin.Must(200, "GET", "/api/v1/orders/"+delivered, nil); o["status"] != "delivered" {
			t.Fatalf("the review window was not given back: %v", o["status"])
		}
		m.advance(t, "2h")
		if o = m.admin.Must(200, "GET", "/api/v1/orders/"+delivered, nil); o["status"] != "completed" {
			t.Fatalf("after the review window: %v", o["status"])
		}
		timeline := kindCount(m.seller.Must(200, "GET", "/api/v1/orders/"+auto+"/timeline", nil)["items"].([]any))
		if timeline["request_cancel"] != 1 || timeline["request_accepted"] != 1 || timeline["cancelled"] != 1 {
			t.Fatalf("timeline %v", timeline)
		}
		for _, who := range []*apptest.Client{m.admin, m.seller} {
			if notes := kindCount(who.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["order_cancelled"] != 1 {
				t.Fatalf("not told of the automatic cancellation: %v", notes)
			}
		}
		m.advance(t, "10d")
		if o = m.seller.Must(200, "GET", "/api/v1/orders/"+withdrawn, nil); o["status"] != "active" {
			t.Fatalf("the withdrawn request cancelled later: %v", o["status"])
		}
		m.balanced(t)
	})
}

// A milestone order cancelled by agreement: the running milestone's charge
// (what escrow holds) is refunded; the approved milestone stays paid to the
// freelancer; the next ones never run.
func TestMilestoneOrderCancellation(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		of := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 20000, 30000, 10000))
		o := m.admin.Must(201, "POST", "/api/v1/offers/"+of["id"].(string)+"/accept", nil)
		id := o["id"].(string)
		ms := "/api/v1/orders/" + id + "/milestones/"
		m.seller.Must(200, "POST", ms+milestone(o, 0)["id"].(string)+"/deliver", map[string]any{"message": "A"})
		o = m.admin.Must(200, "POST", ms+milestone(o, 0)["id"].(string)+"/approve", map[string]any{})
		m.seller.Must(200, "POST", ms+milestone(o, 1)["id"].(string)+"/deliver", map[string]any{"message": "B"})
		before := m.balance(t) // 20000+1100 and 30000+1650 were paid
		if m.held(t, id) != 31650 {
			t.Fatalf("escrow %d", m.held(t, id))
		}
		m.admin.Must(201, "POST", "/api/v1/orders/"+id+"/cancellation", map[string]any{"reason": "Stage B is off"})
		wantError(t, m.admin.Do("POST", ms+milestone(o, 1)["id"].(string)+"/approve", map[string]any{}), 409, "cancellation_pending", "")
		o = m.seller.Must(200, "POST", "/api/v1/orders/"+id+"/cancellation/accept", nil)
		if o["status"] != "cancelled" || milestone(o, 0)["status"] != "approved" || milestone(o, 1)["status"] != "stopped" || milestone(o, 2)["status"] != "stopped" {
			t.Fatalf("cancelled %v", o)
		}
		if m.balance(t) != before+31650 || m.held(t, id) != 0 {
			t.Fatalf("balance %v (before %v), escrow %d", m.balance(t), before, m.held(t, id))
		}
		if earnings := m.seller.Must(200, "GET", "/api/v1/freelancers/"+m.freelancer+"/earnings", nil); amount(earnings["pending"]) != 16000 {
			t.Fatalf("earnings %v", earnings)
		}
		m.balanced(t)
	})
}

// makePro gives the market's freelancer the Pro badge.
func (m resolutionMarket) makePro(t *testing.T) {
	t.Helper()
	app := m.seller.Must(201, "POST", "/api/v1/freelancers/"+m.freelancer+"/pro-application", map[string]any{"message": "Portfolio attached."})
	m.ops.Must(200, "POST", "/api/v1/pro-applications/"+app["id"].(string)+"/approve", nil)
}

// completed places an order and has it delivered and accepted.
func (m resolutionMarket) completed(t *testing.T) string {
	t.Helper()
	id := m.order(t)
	m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Here"})
	m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/accept", nil)
	return id
}

// The satisfaction guarantee: a Pro freelancer's fixed-price or milestone
// order, one claim within 14 days of completion; an operator grants it
// (the client's balance gets back 100% of what it paid, from the guarantee
// fund, and the freelancer keeps the earnings) or rejects it.
func TestSatisfactionGuarantee(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		outsider, _ := m.s.SignUp(t, "eve@other.test", "Eve")
		notPro := m.completed(t)
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+notPro+"/guarantee-claim", map[string]any{"reason": "Bad"}), 409, "guarantee_pro_only", "")

		m.makePro(t)
		running := m.order(t)
		id := m.completed(t)
		earnings := func() float64 {
			return amount(m.seller.Must(200, "GET", "/api/v1/freelancers/"+m.freelancer+"/earnings", nil)["pending"])
		}
		earned := earnings()
		claim := "/api/v1/orders/" + id + "/guarantee-claim"
		if o := m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil); o["guarantee_claimable"] != true {
			t.Fatalf("a completed Pro order is not claimable: %v", o["guarantee_claimable"])
		}
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+running+"/guarantee-claim", map[string]any{"reason": "Bad"}), 409, "order_not_completed", "")
		wantError(t, m.admin.Do("POST", claim, map[string]any{"reason": " "}), 422, "required", "reason")
		wantError(t, outsider.Do("POST", claim, map[string]any{"reason": "Bad"}), 404, "order_not_found", "")
		wantError(t, m.seller.Do("POST", claim, map[string]any{"reason": "Bad"}), 403, "wrong_side", "")
		wantError(t, m.admin.Do("GET", claim, nil), 404, "claim_not_found", "")

		c := m.admin.Must(201, "POST", claim, map[string]any{"reason": "The logo is not what the brief asked"})
		if c["status"] != "pending" || amount(c["amount"]) != 31650 {
			t.Fatalf("claim %v", c)
		}
		wantError(t, m.admin.Do("POST", claim, map[string]any{"reason": "Again"}), 409, "guarantee_already_claimed", "")
		cid := c["id"].(string)
		wantError(t, m.admin.Do("POST", "/api/v1/guarantee-claims/"+cid+"/approve", nil), 403, "operator_only", "")
		wantError(t, m.admin.Do("GET", "/api/v1/guarantee-claims", nil), 403, "operator_only", "")
		if q := m.ops.Must(200, "GET", "/api/v1/guarantee-claims", nil)["items"].([]any); len(q) != 1 {
			t.Fatalf("queue %v", q)
		}
		if notes := kindCount(m.ops.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["guarantee_claimed"] != 1 {
			t.Fatalf("the operators were not told: %v", notes)
		}
		wantError(t, m.ops.Do("GET", "/api/v1/guarantee-claims?status=nope", nil), 422, "status_invalid", "status")
		wantError(t, m.ops.Do("POST", "/api/v1/guarantee-claims/gcl_nope/approve", nil), 404, "claim_not_found", "")
		before := m.balance(t)
		// A note sent twice, under its name and its older one, is refused,
		// not glued together ("The brief was clear.brief").
		wantError(t, m.ops.Do("POST", "/api/v1/guarantee-claims/"+cid+"/approve", map[string]any{"note": "The brief was clear.", "reason": "brief"}), 422, "note_and_reason", "reason")
		g := m.ops.Must(200, "POST", "/api/v1/guarantee-claims/"+cid+"/approve", map[string]any{"note": "The brief was clear."})
		if g["status"] != "granted" || g["note"] != "The brief was clear." {
			t.Fatalf("granted %v", g)
		}
		if got := m.balance(t); got != before+31650 {
			t.Fatalf("balance %v, want %v", got, before+31650)
		}
		if earnings() != earned {
			t.Fatalf("the freelancer's earnings changed: %v → %v", earned, earnings())
		}
		wantError(t, m.ops.Do("POST", "/api/v1/guarantee-claims/"+cid+"/approve", nil), 409, "claim_already_decided", "")
		wantError(t, m.ops.Do("POST", "/api/v1/guarantee-claims/"+cid+"/reject", map[string]any{"reason": "no"}), 409, "claim_already_decided", "")
		if got := m.admin.Must(200, "GET", claim, nil); got["status"] != "granted" {
			t.Fatalf("the client reads %v", got)
		}
		if notes := kindCount(m.admin.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["guarantee_granted"] != 1 {
			t.Fatalf("the client was not told: %v", notes)
		}

		// A milestone order: what was paid (the approved milestone) is
		// claimable; this claim is rejected with a reason, and no money moves.
		of := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 20000, 30000))
		mo := m.admin.Must(201, "POST", "/api/v1/offers/"+of["id"].(string)+"/accept", nil)
		mid := mo["id"].(string)
		m.seller.Must(200, "POST", "/api/v1/orders/"+mid+"/milestones/"+milestone(mo, 0)["id"].(string)+"/deliver", map[string]any{"message": "A"})
		m.admin.Must(200, "POST", "/api/v1/orders/"+mid+"/milestones/"+milestone(mo, 0)["id"].(string)+"/approve", map[string]any{"stop": true})
		mc := m.admin.Must(201, "POST", "/api/v1/orders/"+mid+"/guarantee-claim", map[string]any{"reason": "Stage A fell short"})
		if amount(mc["amount"]) != 21100 {
			t.Fatalf("milestone claim %v", mc)
		}
		before = m.balance(t)
		wantError(t, m.ops.Do("POST", "/api/v1/guarantee-claims/"+mc["id"].(string)+"/reject", map[string]any{"reason": ""}), 422, "required", "reason")
		if r := m.ops.Must(200, "POST", "/api/v1/guarantee-claims/"+mc["id"].(string)+"/reject", map[string]any{"reason": "Delivered as agreed"}); r["status"] != "rejected" {
			t.Fatalf("rejected %v", r)
		}
		if m.balance(t) != before {
			t.Fatal("a rejected claim moved money")
		}

		// An hourly contract is neither covered nor taken by the resolution
		// center yet: it has its own weekly disputes and end.
		hof := m.seller.Must(201, "POST", "/api/v1/offers", map[string]any{"account_id": m.ac, "kind": "hourly", "title": "Support",
			"hourly_rate": usd(5000), "weekly_limit_hours": 10})
		hourly := m.admin.Must(201, "POST", "/api/v1/offers/"+hof["id"].(string)+"/accept", map[string]any{})["id"].(string)
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+hourly+"/cancellation", map[string]any{"reason": "x"}), 409, "hourly_not_in_resolution_center", "")
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+hourly+"/resolutions", map[string]any{"kind": "escalate", "message": "x"}), 409, "hourly_not_in_resolution_center", "")
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+hourly+"/guarantee-claim", map[string]any{"reason": "x"}), 409, "guarantee_not_hourly", "")

		// Past 14 days after completion, no claim.
		late := m.completed(t)
		m.advance(t, "337h")
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+late+"/guarantee-claim", map[string]any{"reason": "Late"}), 409, "guarantee_window_over", "")
		m.balanced(t)
	})
}

func (m resolutionMarket) requests(t *testing.T, who *apptest.Client, order string) []map[string]any {
	t.Helper()
	var list []map[string]any
	for _, r := range who.Must(200, "GET", "/api/v1/orders/"+order+"/resolutions", nil)["items"].([]any) {
		list = append(list, r.(map[string]any))
	}
	return list
}

// The resolution center between the sides: more time (withdrawn after 4
// days unanswered), a new scope and price (a raise charged, a cut
// refunded), a partial refund; accept, decline, withdraw; bad input 422
// that stores nothing.
func TestResolutionRequests(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		outsider, _ := m.s.SignUp(t, "eve@other.test", "Eve")
		id := m.order(t)
		res := "/api/v1/orders/" + id + "/resolutions"
		o := m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil)
		due := o["due_at"].(string)

		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "bribe", "message": "x"}), 422, "request_kind_invalid", "kind")
		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "extend_delivery", "days": 0, "message": "x"}), 422, "extend_days_invalid", "days")
		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "extend_delivery", "days": 31, "message": "x"}), 422, "extend_days_invalid", "days")
		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "extend_delivery", "days": 2}), 422, "required", "message")
		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "change_scope", "price": usd(30000), "message": "x"}), 422, "price_unchanged", "price")
		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "change_scope", "price": map[string]any{"amount": 40000, "currency": "EUR"}, "message": "x"}), 422, "currency_mismatch", "price")
		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "partial_refund", "amount": usd(31650), "message": "x"}), 422, "refund_too_large", "amount")
		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "partial_refund", "amount": usd(-5), "message": "x"}), 422, "amount_not_positive", "amount")
		wantError(t, outsider.Do("POST", res, map[string]any{"kind": "escalate", "message": "x"}), 404, "order_not_found", "")
		wantError(t, outsider.Do("GET", res, nil), 404, "order_not_found", "")
		if n := len(m.requests(t, m.admin, id)); n != 0 {
			t.Fatalf("refused requests were stored: %d", n)
		}

		// More time: accepted, the due date moves.
		r := m.seller.Must(201, "POST", res, map[string]any{"kind": "extend_delivery", "days": 3, "message": "The render farm is down"})
		if r["status"] != "open" || r["days_left"].(float64) != 4 || r["side"] != "freelancer" {
			t.Fatalf("request %v", r)
		}
		wantError(t, m.admin.Do("POST", res, map[string]any{"kind": "partial_refund", "amount": usd(100), "message": "x"}), 409, "request_already_open", "")
		wantError(t, m.seller.Do("POST", res+"/"+r["id"].(string)+"/accept", nil), 403, "answer_is_other_side", "")
		wantError(t, m.admin.Do("POST", res+"/orq_nope/accept", nil), 404, "request_not_found", "")
		o = m.admin.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil)
		if o["due_at"] == due || o["delivery_days"].(float64) != 8 {
			t.Fatalf("extended: due %v (was %v), %v days", o["due_at"], due, o["delivery_days"])
		}
		wantError(t, m.admin.Do("POST", res+"/"+r["id"].(string)+"/accept", nil), 409, "request_not_open", "")

		// More time again, unanswered: withdrawn after 4 days, the requester told.
		m.seller.Must(201, "POST", res, map[string]any{"kind": "extend_delivery", "days": 2, "message": "Still down"})
		m.advance(t, "95h")
		if got := m.requests(t, m.seller, id); got[1]["status"] != "open" {
			t.Fatalf("withdrawn early: %v", got[1])
		}
		m.advance(t, "2h")
		if got := m.requests(t, m.seller, id); got[1]["status"] != "withdrawn" {
			t.Fatalf("after 4 days: %v", got[1])
		}
		if notes := kindCount(m.seller.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["request_expired"] != 1 {
			t.Fatalf("the freelancer was not told: %v", notes)
		}

		// A raise: the difference (price and fees) is charged from the balance, with an invoice.
		balance, invoices := m.balance(t), len(m.admin.Must(200, "GET", "/api/v1/accounts/"+m.ac+"/invoices", nil)["items"].([]any))
		r = m.seller.Must(201, "POST", res, map[string]any{"kind": "change_scope", "price": usd(40000), "message": "A fourth concept"})
		first := m.admin.Do("POST", res+"/"+r["id"].(string)+"/accept", nil, "Idempotency-Key", "raise-1")
		again := m.admin.Do("POST", res+"/"+r["id"].(string)+"/accept", nil, "Idempotency-Key", "raise-1")
		if first.Status != 200 || again.Status != 200 || amount(first.Body["total"]) != 42200 || amount(first.Body["subtotal"]) != 40000 {
			t.Fatalf("raise: %d %v / %d", first.Status, first.Body, again.Status)
		}
		if m.balance(t) != balance-10550 || m.held(t, id) != 42200 {
			t.Fatalf("after the raise: balance %v (was %v), escrow %d", m.balance(t), balance, m.held(t, id))
		}
		if n := len(m.admin.Must(200, "GET", "/api/v1/accounts/"+m.ac+"/invoices", nil)["items"].([]any)); n != invoices+1 {
			t.Fatalf("invoices %d, want %d", n, invoices+1)
		}

		// A cut: the difference comes back.
		r = m.admin.Must(201, "POST", res, map[string]any{"kind": "change_scope", "price": usd(20000), "message": "Only two concepts"})
		wantError(t, m.seller.Do("POST", res+"/"+r["id"].(string)+"/withdraw", nil), 403, "withdraw_is_requester", "")
		m.seller.Must(200, "POST", res+"/"+r["id"].(string)+"/decline", nil)
		r = m.admin.Must(201, "POST", res, map[string]any{"kind": "change_scope", "price": usd(20000), "message": "Two concepts, please"})
		o = m.seller.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil)
		if amount(o["total"]) != 21100 || m.held(t, id) != 21100 || m.balance(t) != balance-10550+21100 {
			t.Fatalf("after the cut: total %v, escrow %d, balance %v", o["total"], m.held(t, id), m.balance(t))
		}

		// A partial refund: 50.00 back; the order goes on at the lower price.
		r = m.seller.Must(201, "POST", res, map[string]any{"kind": "partial_refund", "amount": usd(5000), "message": "Sorry for the delay"})
		o = m.admin.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil)
		if amount(o["total"]) != 16100 || amount(o["fees"]) != 839 || amount(o["subtotal"]) != 15261 || m.held(t, id) != 16100 {
			t.Fatalf("after the partial refund: %v %v %v, escrow %d", o["subtotal"], o["fees"], o["total"], m.held(t, id))
		}
		m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Two concepts"})
		m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/accept", nil)
		if m.held(t, id) != 0 {
			t.Fatalf("escrow after completion %d", m.held(t, id))
		}
		if earned := amount(m.seller.Must(200, "GET", "/api/v1/freelancers/"+m.freelancer+"/earnings", nil)["pending"]); earned != 15261-3052 {
			t.Fatalf("earnings %v", earned)
		}
		wantError(t, m.seller.Do("POST", res, map[string]any{"kind": "extend_delivery", "days": 2, "message": "x"}), 409, "order_closed", "")

		// A milestone order's scope changes through a new offer.
		of := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 20000, 30000))
		mo := m.admin.Must(201, "POST", "/api/v1/offers/"+of["id"].(string)+"/accept", nil)
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+mo["id"].(string)+"/resolutions", map[string]any{"kind": "change_scope", "price": usd(1000), "message": "x"}),
			409, "order_has_milestones", "")
		// A partial refund on a milestone order comes out of the running milestone.
		r = m.seller.Must(201, "POST", "/api/v1/orders/"+mo["id"].(string)+"/resolutions", map[string]any{"kind": "partial_refund", "amount": usd(1100), "message": "A discount"})
		before := m.balance(t)
		o = m.admin.Must(200, "POST", "/api/v1/orders/"+mo["id"].(string)+"/resolutions/"+r["id"].(string)+"/accept", nil)
		if m.balance(t) != before+1100 || m.held(t, mo["id"].(string)) != 20000 || amount(milestone(o, 0)["total"]) != 20000 {
			t.Fatalf("milestone refund: balance %v (was %v), escrow %d, milestone %v", m.balance(t), before, m.held(t, mo["id"].(string)), milestone(o, 0))
		}
		m.balanced(t)
	})
}

// Escalations: a side asks the platform; an operator reads the order's
// evidence and decides — extend, complete, cancel with a full or a partial
// refund; the order is held (and its review window paused) meanwhile.
func TestEscalations(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		escalate := func(who *apptest.Client, order, msg string) string {
			t.Helper()
			return who.Must(201, "POST", "/api/v1/orders/"+order+"/resolutions", map[string]any{"kind": "escalate", "message": msg})["id"].(string)
		}
		earnings := func() float64 {
			return amount(m.seller.Must(200, "GET", "/api/v1/freelancers/"+m.freelancer+"/earnings", nil)["pending"])
		}

		extended := m.order(t)
		m.admin.Must(201, "POST", "/api/v1/orders/"+extended+"/messages", map[string]any{"body": "Any news?"})
		esc := escalate(m.admin, extended, "No news for days")
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+extended+"/resolutions", map[string]any{"kind": "escalate", "message": "again"}), 409, "escalation_already_open", "")
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+extended+"/resolutions/"+esc+"/accept", nil), 409, "escalation_for_operator", "")
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+extended+"/deliveries", map[string]any{"message": "x"}), 409, "escalation_pending", "")
		// The sides may still agree on something meanwhile.
		m.seller.Must(201, "POST", "/api/v1/orders/"+extended+"/resolutions", map[string]any{"kind": "extend_delivery", "days": 1, "message": "One more day"})
		wantError(t, m.admin.Do("GET", "/api/v1/resolutions", nil), 403, "operator_only", "")
		wantError(t, m.admin.Do("GET", "/api/v1/resolutions/"+esc, nil), 403, "operator_only", "")
		if q := m.ops.Must(200, "GET", "/api/v1/resolutions", nil)["items"].([]any); len(q) != 1 {
			t.Fatalf("queue %v", q)
		}
		if notes := kindCount(m.ops.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["escalation_opened"] != 1 {
			t.Fatalf("the operators were not told: %v", notes)
		}
		ev := m.ops.Must(200, "GET", "/api/v1/resolutions/"+esc, nil)
		if k := kindCount(ev["evidence"].([]any)); k["message"] != 1 || k["request_escalate"] != 1 || k["request_extend_delivery"] != 1 || amount(ev["held"]) != 31650 {
			t.Fatalf("evidence %v", ev)
		}
		wantError(t, m.ops.Do("GET", "/api/v1/resolutions/orq_nope", nil), 404, "escalation_not_found", "")
		decide := "/api/v1/resolutions/" + esc + "/decide"
		wantError(t, m.ops.Do("POST", decide, map[string]any{"outcome": "flip_a_coin", "note": "x"}), 422, "outcome_invalid", "outcome")
		wantError(t, m.ops.Do("POST", decide, map[string]any{"outcome": "extend", "days": 2}), 422, "required", "note")
		wantError(t, m.ops.Do("POST", decide, map[string]any{"outcome": "extend", "days": 0, "note": "x"}), 422, "extend_days_invalid", "days")
		wantError(t, m.ops.Do("POST", decide, map[string]any{"outcome": "cancel_partial", "amount": usd(40000), "note": "x"}), 422, "refund_too_large", "amount")
		wantError(t, m.admin.Do("POST", decide, map[string]any{"outcome": "extend", "days": 2, "note": "x"}), 403, "operator_only", "")
		d := m.ops.Must(200, "POST", decide, map[string]any{"outcome": "extend", "days": 2, "note": "Two more days, then deliver."})
		if d["request"].(map[string]any)["status"] != "decided" || d["order"].(map[string]any)["status"] != "active" {
			t.Fatalf("decided %v", d)
		}
		wantError(t, m.ops.Do("POST", decide, map[string]any{"outcome": "complete", "note": "x"}), 409, "escalation_not_open", "")
		for _, who := range []*apptest.Client{m.admin, m.seller} {
			if notes := kindCount(who.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any)); notes["escalation_decided"] != 1 {
				t.Fatalf("not told of the decision: %v", notes)
			}
		}

		// Complete: the escrow is released to the freelancer.
		completed := m.order(t)
		esc = escalate(m.seller, completed, "The client does not answer")
		before := earnings()
		d = m.ops.Must(200, "POST", "/api/v1/resolutions/"+esc+"/decide", map[string]any{"outcome": "complete", "note": "The work was done."})
		if d["order"].(map[string]any)["status"] != "completed" || m.held(t, completed) != 0 || earnings() != before+24000 {
			t.Fatalf("complete: %v, escrow %d, earnings %v", d["order"].(map[string]any)["status"], m.held(t, completed), earnings())
		}

		// Cancel with a full refund.
		full := m.order(t)
		esc = escalate(m.admin, full, "Nothing was delivered")
		balance := m.balance(t)
		d = m.ops.Must(200, "POST", "/api/v1/resolutions/"+esc+"/decide", map[string]any{"outcome": "cancel_full", "note": "Nothing was delivered."})
		if d["order"].(map[string]any)["status"] != "cancelled" || m.balance(t) != balance+31650 || m.held(t, full) != 0 {
			t.Fatalf("cancel_full: %v, balance %v", d["order"].(map[string]any)["status"], m.balance(t))
		}

		// A delivered order's review window waits for the decision; then a
		// partial refund: 100.00 back, the rest paid to the freelancer.
		partial := m.order(t)
		m.seller.Must(201, "POST", "/api/v1/orders/"+partial+"/deliveries", map[string]any{"message": "Half of it"})
		esc = escalate(m.admin, partial, "Half of it is missing")
		m.advance(t, "4d")
		if o := m.admin.Must(200, "GET", "/api/v1/orders/"+partial, nil); o["status"] != "delivered" {
			t.Fatalf("a held delivery completed: %v", o["status"])
		}
		balance, before = m.balance(t), earnings()
		d = m.ops.Must(200, "POST", "/api/v1/resolutions/"+esc+"/decide", map[string]any{"outcome": "cancel_partial", "amount": usd(10000), "note": "Half was delivered."})
		if d["order"].(map[string]any)["status"] != "cancelled" || m.balance(t) != balance+10000 || m.held(t, partial) != 0 || earnings() != before+16417 {
			t.Fatalf("cancel_partial: %v, balance %v (+%v), earnings +%v", d["order"].(map[string]any)["status"], m.balance(t), m.balance(t)-balance, earnings()-before)
		}

		// A milestone order: complete approves the running milestone and stops there.
		of := m.seller.Must(201, "POST", "/api/v1/offers", milestonesOffer(m.ac, 20000, 30000))
		mo := m.admin.Must(201, "POST", "/api/v1/offers/"+of["id"].(string)+"/accept", nil)
		esc = escalate(m.seller, mo["id"].(string), "Stage A is done")
		d = m.ops.Must(200, "POST", "/api/v1/resolutions/"+esc+"/decide", map[string]any{"outcome": "complete", "note": "Stage A is done; stop there."})
		do := d["order"].(map[string]any)
		if do["status"] != "completed" || milestone(do, 0)["status"] != "approved" || milestone(do, 1)["status"] != "stopped" || m.held(t, mo["id"].(string)) != 0 {
			t.Fatalf("milestone complete: %v", do)
		}
		if q := m.ops.Must(200, "GET", "/api/v1/resolutions?status=decided", nil)["items"].([]any); len(q) != 5 {
			t.Fatalf("decided %d", len(q))
		}
		m.balanced(t)
	})
}

// A cancellation request racing the client's acceptance of the delivery:
// whichever wins, the order never ends up completed with a request open,
// and an open request always holds its order.
func TestCancellationRacingCompletion(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		m.admin.Must(201, "POST", "/api/v1/accounts/"+m.ac+"/deposits", map[string]any{"amount": usd(300000)})
		for range 6 {
			id := m.order(t)
			m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Here"})
			var wg sync.WaitGroup
			var req, acc int
			wg.Add(2)
			go func() {
				defer wg.Done()
				req = m.seller.Do("POST", "/api/v1/orders/"+id+"/cancellation", map[string]any{"reason": "Race"}).Status
			}()
			go func() { defer wg.Done(); acc = m.admin.Do("POST", "/api/v1/orders/"+id+"/accept", nil).Status }()
			wg.Wait()
			o := m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil)
			open := 0
			for _, r := range m.requests(t, m.admin, id) {
				if r["status"] == "open" {
					open++
				}
			}
			switch {
			case o["status"] == "completed" && (open != 0 || o["cancellation"] != nil):
				t.Fatalf("completed with an open request (request %d, accept %d)", req, acc)
			case o["status"] == "delivered" && (open != 1 || acc != 409 || req != 201):
				t.Fatalf("held without its request: %d open (request %d, accept %d)", open, req, acc)
			case acc == 200 && o["status"] != "completed":
				t.Fatalf("accepted but %v", o["status"])
			}
		}
		wantBalancedLedger(t, m.ops)
	})
}
