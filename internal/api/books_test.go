package api_test

import (
	"fmt"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// A year of mixed activity on the test clock — deposits and deposit
// refunds, orders paid from the balance and by card, completed, cancelled
// by agreement, partially refunded, claimed under the guarantee, money sent
// back to the cards — and the books reconcile for every account: invoices
// less credit notes are what the ledger charged less what it gave back;
// numbers have no gaps; the ledger balances.
func TestAYearOfBooksReconciles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		m := newResolutionMarket(t, e)
		m.makePro(t)
		acc := "/api/v1/accounts/" + m.ac
		place := func() string {
			return m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})["id"].(string)
		}
		deliver := func(id string) {
			m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Done"})
		}
		for month := range 12 {
			// Sessions last 30 days: everyone signs in again each month.
			m.admin.SignInAgain()
			m.seller.SignInAgain()
			m.ops.Token = m.ops.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ops@x.test", "password": "correct horse"})["token"].(string)
			switch month % 4 {
			case 0: // a deposit; part of it back to its card
				dep := m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": usd(50000 + 1999*month)})["id"].(string)
				m.admin.Must(200, "POST", acc+"/deposits/"+dep+"/refund", map[string]any{"amount": usd(1999)})
			case 1: // completed, then claimed under the guarantee and granted
				id := place()
				deliver(id)
				m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/accept", nil)
				c := m.admin.Must(201, "POST", "/api/v1/orders/"+id+"/guarantee-claim", map[string]any{"reason": "Not what we asked"})
				m.ops.Must(200, "POST", "/api/v1/guarantee-claims/"+c["id"].(string)+"/approve", map[string]any{"note": "Granted"})
			case 2: // a partial refund, then completed
				id := place()
				res := "/api/v1/orders/" + id + "/resolutions"
				r := m.seller.Must(201, "POST", res, map[string]any{"kind": "partial_refund", "amount": usd(1000 + month), "message": "A discount"})
				m.admin.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil)
				deliver(id)
				m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/accept", nil)
			case 3: // cancelled by agreement; some of the balance back to the cards
				id := place()
				m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/cancellation", map[string]any{"reason": fmt.Sprint("Month ", month)})
				m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/cancellation/accept", nil)
				m.admin.Must(200, "POST", acc+"/balance/refund", map[string]any{"amount": usd(5000)})
			}
			m.advance(t, "30d")
		}
		m.ops.Token = m.ops.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ops@x.test", "password": "correct horse"})["token"].(string)
		if n := countRows(t, m.market, `SELECT COUNT(*) FROM credit_notes WHERE account_id = ?`, m.ac); n < 12 {
			t.Fatalf("only %d credit notes in a year of refunds", n)
		}
		m.balanced(t)
		reconcile(t, m.s.App.DB)
	})
}
