package api_test

import (
	"testing"

	"atelier/internal/db/dbtest"
)

// Every computed total is capped at one hundred million (money.MaxAmount):
// a package at the cap times a quantity is refused, nothing charged, on an
// order and on a project manager's proposal alike.
func TestComputedTotalsAreCapped(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		top := map[string]any{"amount": 100_000_000_00, "currency": "USD"}
		svc := m.seller.Must(201, "POST", "/api/v1/services", map[string]any{"freelancer_id": m.freelancer,
			"title": "A very large engagement", "description": "Everything.", "category": "graphics-design", "max_quantity": 100,
			"packages": []map[string]any{{"name": "Basic", "price": top, "delivery_days": 5, "revisions": 1}}})["id"].(string)
		wantError(t, m.admin.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": svc, "package": "Basic", "quantity": 100}),
			422, "amount_too_large", "quantity")
		wantError(t, m.admin.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": svc, "package": "Basic", "quantity": 2}),
			422, "amount_too_large", "quantity")
		if n := countRows(t, m, `SELECT COUNT(*) FROM orders`); n != 0 {
			t.Fatalf("%d orders past the cap", n)
		}
		if n := countRows(t, m, `SELECT COUNT(*) FROM ledger_transactions`); n != 0 {
			t.Fatalf("%d ledger transactions for refused orders", n)
		}
	})
}
