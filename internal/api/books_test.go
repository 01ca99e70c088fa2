package api_test

import (
	"fmt"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db/dbtest"
)

// A year of mixed activity on the test clock, for an account in dollars and
// one in euros — deposits and deposit refunds, orders paid from the balance
// and by card, completed, cancelled by agreement, partially refunded,
// claimed under the guarantee, money sent back to the cards — and the books
// reconcile for every account: invoices less credit notes are what the
// ledger charged less what it gave back; the VAT collected is the VAT
// invoiced less the VAT credited; numbers have no gaps; the ledger
// balances.
func TestAYearOfBooksReconciles(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		m.makePro(t)
		signIn := func(c *apptest.Client, email string) {
			c.Token = c.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": email, "password": "correct horse"})["token"].(string)
		}

		// The euro side: a Pro studio selling in euros, and a French account
		// in euros with its card, whose charges bear 20% VAT.
		eurSeller, _ := m.s.SignUp(t, "studio@paris.test", "Studio Paris")
		eurFreelancer := eurSeller.Must(201, "POST", "/api/v1/freelancers", map[string]any{"display_name": "Studio Paris", "country": "FR",
			"hourly_rate": map[string]any{"amount": 7000, "currency": "EUR"}})["id"].(string)
		eurService := eurSeller.Must(201, "POST", "/api/v1/services", map[string]any{"freelancer_id": eurFreelancer,
			"title": "Identité visuelle pour votre marque", "description": "Logo, palette, typographie.", "category": "graphics-design", "max_quantity": 3,
			"packages": []map[string]any{{"name": "Basic", "price": map[string]any{"amount": 25000, "currency": "EUR"}, "delivery_days": 5, "revisions": 1}}})["id"].(string)
		app := eurSeller.Must(201, "POST", "/api/v1/freelancers/"+eurFreelancer+"/pro-application", map[string]any{"message": "Portfolio."})
		m.ops.Must(200, "POST", "/api/v1/pro-applications/"+app["id"].(string)+"/approve", nil)
		eurAccount := m.admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme Europe", "currency": "EUR"})["id"].(string)
		m.admin.Must(201, "POST", "/api/v1/accounts/"+eurAccount+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
		m.admin.Must(200, "PUT", "/api/v1/accounts/"+eurAccount+"/billing-info", map[string]any{"company": "Acme Europe SAS", "country": "FR", "vat_id": "FR12345678901"})

		type side struct {
			account, service, currency string
			seller                     *apptest.Client
		}
		sides := []side{{m.ac, m.service, "USD", m.seller}, {eurAccount, eurService, "EUR", eurSeller}}
		cash := func(amount int, currency string) map[string]any {
			return map[string]any{"amount": amount, "currency": currency}
		}
		for month := range 12 {
			// Sessions last 30 days: everyone signs in again each month.
			m.admin.SignInAgain()
			m.seller.SignInAgain()
			eurSeller.SignInAgain()
			signIn(m.ops, "ops@x.test")
			for _, sd := range sides {
				acc := "/api/v1/accounts/" + sd.account
				place := func() string {
					return m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": sd.account, "service_id": sd.service, "package": "Basic"})["id"].(string)
				}
				deliver := func(id string) {
					sd.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Done"})
				}
				switch month % 4 {
				case 0: // a deposit; part of it back to its card
					dep := m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": cash(50000+1999*month, sd.currency)})["id"].(string)
					m.admin.Must(200, "POST", acc+"/deposits/"+dep+"/refund", map[string]any{"amount": cash(1999, sd.currency)})
				case 1: // completed, then claimed under the guarantee and granted
					id := place()
					deliver(id)
					m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/accept", nil)
					c := m.admin.Must(201, "POST", "/api/v1/orders/"+id+"/guarantee-claim", map[string]any{"reason": "Not what we asked"})
					m.ops.Must(200, "POST", "/api/v1/guarantee-claims/"+c["id"].(string)+"/approve", map[string]any{"note": "Granted"})
				case 2: // a partial refund, then completed
					id := place()
					res := "/api/v1/orders/" + id + "/resolutions"
					r := sd.seller.Must(201, "POST", res, map[string]any{"kind": "partial_refund", "amount": cash(1000+month, sd.currency), "message": "A discount"})
					m.admin.Must(200, "POST", res+"/"+r["id"].(string)+"/accept", nil)
					deliver(id)
					m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/accept", nil)
				case 3: // cancelled by agreement; some of the balance back to the cards
					id := place()
					sd.seller.Must(201, "POST", "/api/v1/orders/"+id+"/cancellation", map[string]any{"reason": fmt.Sprint("Month ", month)})
					m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/cancellation/accept", nil)
					m.admin.Must(200, "POST", acc+"/balance/refund", map[string]any{"amount": cash(5000, sd.currency)})
				}
			}
			m.advance(t, "30d")
		}
		signIn(m.ops, "ops@x.test")
		for _, sd := range sides {
			if n := countRows(t, m.market, `SELECT COUNT(*) FROM credit_notes WHERE account_id = ?`, sd.account); n < 12 {
				t.Fatalf("%s: only %d credit notes in a year of refunds", sd.currency, n)
			}
		}
		if n := countRows(t, m.market, `SELECT COUNT(*) FROM credit_note_lines WHERE vat > 0`); n < 6 {
			t.Fatalf("only %d credit note lines gave VAT back in a year of the French account's refunds", n)
		}
		m.balanced(t)
		reconcile(t, m.s.App.DB)
	})
}
