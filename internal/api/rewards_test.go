package api_test

import (
	"testing"

	"atelier/internal/db/dbtest"
)

// No level gaming: an order held in escrow does not lift the rewards level
// (the audit held a 5,000.00 order to reach Platinum, earned 5% on orders
// completed meanwhile, then cancelled it and kept the credits). Paid money
// counts for the level once it is released; every release earns the
// level's reward alike, an operator's partial decision included.
func TestEscrowDoesNotLiftTheRewardsLevel(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		acc := "/api/v1/accounts/" + m.ac
		m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": usd(500_000)})
		rewards := func() map[string]any { return m.admin.Must(200, "GET", acc+"/rewards", nil) }
		order := func(pkg string, quantity int) string {
			return m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": pkg, "quantity": quantity})["id"].(string)
		}
		// What the account earned in rewards (credits also pay orders, so
		// the credit balance alone does not say).
		earned := func() int {
			return countRows(t, m.market, `SELECT COALESCE(SUM(e.amount), 0) FROM ledger_transactions lt
				JOIN ledger_entries e ON e.transaction_id = lt.id AND e.account_id = ?
				WHERE lt.kind = 'reward' AND lt.ref IN (SELECT id FROM orders WHERE account_id = ?)`, "credit:"+m.ac+":USD", m.ac)
		}
		complete := func(id string) {
			m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Done"})
			m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/accept", nil)
		}

		// 2,848.50 held in escrow: would be Gold (from 1,000.00) if it counted.
		big := order("Premium", 3)
		if rw := rewards(); rw["level"] != "silver" || amount(rw["spend_12m"]) != 0 {
			t.Fatalf("with an order in escrow: %v", rw)
		}
		small := order("Basic", 1)
		complete(small)
		rw := rewards()
		if rw["level"] != "silver" || earned() != 300 || amount(rw["spend_12m"]) != 31650 {
			t.Fatalf("a 300.00 order completed at Silver earns 1%% (earned %d): %v", earned(), rw)
		}
		// Cancelled, the big order never counted and leaves nothing to
		// claw back.
		m.seller.Must(201, "POST", "/api/v1/orders/"+big+"/cancellation", map[string]any{"reason": "Too much"})
		m.admin.Must(200, "POST", "/api/v1/orders/"+big+"/cancellation/accept", nil)
		if rw := rewards(); rw["level"] != "silver" || earned() != 300 || amount(rw["spend_12m"]) != 31650 {
			t.Fatalf("after the cancellation: %v", rw)
		}
		// Completed, an order counts: 4 × 900.00 reaches Gold, and that
		// order earns at the level it reached.
		complete(order("Premium", 3))
		if rw := rewards(); rw["level"] != "gold" || earned() != 300+8100 {
			t.Fatalf("after a 2,700.00 order completed (earned %d): %v", earned(), rw)
		}
		// An operator's partial decision releases part of an order: that
		// part earns its reward like any release.
		disputed := order("Basic", 1)
		m.admin.Must(201, "POST", "/api/v1/orders/"+disputed+"/resolutions", map[string]any{"kind": "escalate", "message": "Not what we asked"})
		esc := m.ops.Must(200, "GET", "/api/v1/resolutions?status=open", nil)["items"].([]any)[0].(map[string]any)
		m.ops.Must(200, "POST", "/api/v1/resolutions/"+esc["id"].(string)+"/decide", map[string]any{"outcome": "cancel_partial",
			"note": "Half the work was done.", "amount": usd(15825)})
		if got := earned(); got != 300+8100+450 {
			t.Fatalf("a partial decision releasing 150.00 at Gold: earned %d", got)
		}
		m.balanced(t)
		reconcile(t, m.s.App.DB)
	})
}
