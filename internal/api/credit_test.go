package api_test

import (
	"strconv"
	"strings"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// Every refund to an account issues a credit note (« facture d'avoir ») in
// its own gap-free series, naming the invoice it corrects — a mutual
// cancellation, a partial refund, a deposit given back — readable as JSON,
// PDF and in the invoices CSV, where credit notes count negative so the
// account's documents add up to the money it was charged less what it got
// back.
func TestEveryRefundIssuesACreditNote(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		acc := "/api/v1/accounts/" + m.ac
		invoiceOf := func(ref string) string {
			for _, it := range m.admin.Must(200, "GET", acc+"/invoices", nil)["items"].([]any) {
				if inv := it.(map[string]any); inv["ref"] == ref {
					return inv["number"].(string)
				}
			}
			t.Fatalf("no invoice for %s", ref)
			return ""
		}
		notes := func() []any { return m.admin.Must(200, "GET", acc+"/credit-notes", nil)["items"].([]any) }
		if n := len(notes()); n != 0 {
			t.Fatalf("%d credit notes before any refund", n)
		}

		// A mutual cancellation refunds the whole order: AV-000001 corrects
		// its invoice.
		id := m.order(t)
		m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/cancellation", map[string]any{"reason": "I fell ill"})
		m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/cancellation/accept", nil)
		list := notes()
		if len(list) != 1 {
			t.Fatalf("credit notes after a cancellation: %v", list)
		}
		cn := list[0].(map[string]any)
		if cn["number"] != "AV-000001" || cn["kind"] != "credit_note" || cn["reason"] != "cancellation" || amount(cn["total"]) != 31650 ||
			len(cn["corrects"].([]any)) != 1 || cn["corrects"].([]any)[0] != invoiceOf(id) || cn["ref"] != id {
			t.Fatalf("the cancellation's credit note: %v", cn)
		}
		// The order says what went back; the freelancer's side also sees
		// the commission and the net of the price.
		if o := m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil); o["status"] != "cancelled" || amount(o["refunded"]) != 31650 || o["earnings"] != nil {
			t.Fatalf("the cancelled order to its client: refunded %v, earnings %v", o["refunded"], o["earnings"])
		}
		if e := m.seller.Must(200, "GET", "/api/v1/orders/"+id, nil)["earnings"]; e != nil {
			t.Fatalf("the freelancer's earnings on a cancelled order: %v", e)
		}
		running := m.order(t)
		if e, _ := m.seller.Must(200, "GET", "/api/v1/orders/"+running, nil)["earnings"].(map[string]any); e == nil ||
			amount(e["price"]) != 30000 || amount(e["commission"]) != 6000 || amount(e["net"]) != 24000 {
			t.Fatalf("the freelancer's earnings on the order: %v", e)
		}
		if got := m.admin.Must(200, "GET", "/api/v1/credit-notes/"+cn["id"].(string), nil); got["number"] != "AV-000001" {
			t.Fatalf("one credit note: %v", got)
		}
		for _, lang := range []string{"en", "fr"} {
			r := m.admin.Do("GET", "/api/v1/credit-notes/"+cn["id"].(string)+"/pdf", nil, "Accept-Language", lang)
			if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.Raw), "%PDF") {
				t.Fatalf("%s PDF: %d %s", lang, r.Status, r.Header.Get("Content-Type"))
			}
		}
		// Only the account's admin and billing managers read them.
		wantError(t, m.member.Do("GET", acc+"/credit-notes", nil), 403, "role_not_allowed", "")
		wantError(t, m.seller.Do("GET", "/api/v1/credit-notes/"+cn["id"].(string), nil), 404, "credit_note_not_found", "")

		// A deposit given back to its card: AV-000002 corrects the
		// deposit's invoice.
		dep := m.admin.Must(200, "GET", acc+"/deposits", nil)["items"].([]any)[0].(map[string]any)
		m.admin.Must(200, "POST", acc+"/deposits/"+dep["id"].(string)+"/refund", map[string]any{"amount": usd(20000)})
		list = notes()
		if len(list) != 2 {
			t.Fatalf("credit notes after a deposit refund: %d", len(list))
		}
		cn = list[0].(map[string]any)
		if cn["number"] != "AV-000002" || cn["reason"] != "deposit_refund" || amount(cn["total"]) != 20000 ||
			cn["corrects"].([]any)[0] != invoiceOf(dep["id"].(string)) {
			t.Fatalf("the deposit refund's credit note: %v", cn)
		}

		// The CSV: invoices, then credit notes, negative; the sum is what
		// was charged (a 1,000.00 deposit, two 316.50 orders) less what
		// came back (316.50, 200.00).
		csv := m.admin.Do("GET", acc+"/invoices.csv", nil)
		var sum float64
		rows := strings.Split(strings.TrimSpace(string(csv.Raw)), "\n")[1:]
		for _, row := range rows {
			cells := strings.Split(row, ",")
			var v float64
			for _, ch := range strings.TrimPrefix(cells[7], "-") {
				if ch != '.' {
					v = v*10 + float64(ch-'0')
				}
			}
			if strings.HasPrefix(cells[7], "-") {
				v = -v
			}
			sum += v
		}
		if len(rows) != 5 || sum != 100000+2*31650-31650-20000 || !strings.Contains(string(csv.Raw), "AV-000002") {
			t.Fatalf("invoices CSV (sum %v):\n%s", sum, csv.Raw)
		}
		m.balanced(t)
		reconcile(t, m.s.App.DB)
	})
}

// reconcile fails the test unless the books agree with the money, for every
// account: its invoices less its credit notes are what the ledger charged it
// (deposits, order payments, management fees) less what it gave back
// (refunds to the balance, guarantees, deposits back to the card, less those
// the card refused); and credit note numbers run 1..N.
func reconcile(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := t.Context()
	moved := func(kinds string) string {
		// The money a transaction moved: what entered accounts other than
		// reward credits (a deposit refund also takes back its share of the
		// deposit's reward: credit, not money).
		return `(SELECT COALESCE(SUM(e.amount), 0) FROM ledger_transactions lt JOIN ledger_entries e ON e.transaction_id = lt.id AND e.amount > 0
			JOIN ledger_accounts la ON la.id = e.account_id AND la.kind NOT IN ('rewards', 'credit')
			WHERE lt.kind IN (` + kinds + `) AND lt.ref IN (SELECT id FROM orders WHERE account_id = a.id
				UNION SELECT id FROM deposits WHERE account_id = a.id UNION SELECT id FROM projects WHERE account_id = a.id))`
	}
	rows, err := d.Query(ctx, `SELECT a.id,
		(SELECT COALESCE(SUM(total), 0) FROM invoices WHERE account_id = a.id),
		(SELECT COALESCE(SUM(total), 0) FROM credit_notes WHERE account_id = a.id),
		`+moved(`'deposit', 'order_payment', 'management_fee'`)+`,
		`+moved(`'refund', 'guarantee_refund', 'deposit_refund', 'fee_refund'`)+` - `+moved(`'deposit_refund_failed'`)+`
		FROM accounts a ORDER BY a.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var invoiced, credited, charged, refunded int64
		if err := rows.Scan(&id, &invoiced, &credited, &charged, &refunded); err != nil {
			t.Fatal(err)
		}
		if invoiced-credited != charged-refunded {
			t.Errorf("account %s: invoices %d − credit notes %d ≠ charged %d − refunded %d", id, invoiced, credited, charged, refunded)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// The VAT the platform holds is what its invoices charged less what
	// its credit notes gave back, in every currency.
	var held, invoicedVAT, creditedVAT int64
	if err := d.QueryRow(ctx, `SELECT
		(SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.kind = 'vat'),
		(SELECT COALESCE(SUM(vat), 0) FROM invoices), (SELECT COALESCE(SUM(vat), 0) FROM credit_note_lines)`).Scan(&held, &invoicedVAT, &creditedVAT); err != nil {
		t.Fatal(err)
	}
	if held != invoicedVAT-creditedVAT {
		t.Errorf("VAT held %d ≠ invoiced %d − credited %d", held, invoicedVAT, creditedVAT)
	}
	seqs, err := db.Strings(ctx, d, `SELECT seq FROM credit_notes ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for i, sq := range seqs {
		if sq != strconv.Itoa(i+1) {
			t.Fatalf("credit note numbers: %d-th is %s", i+1, sq)
		}
	}
}

// A deposit's reward is given back in proportion to what is refunded in all,
// rounded once: refunds in pieces give back what one refund of their sum
// would. Once the reward credit is spent, a refund says so.
func TestDepositRewardClawbackIsExact(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		dep := m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": usd(1_000_000)}) // earns 5%: 500.00
		refund := "/api/v1/accounts/" + m.ac + "/deposits/" + dep["id"].(string) + "/refund"
		credits := func() float64 { return amount(m.admin.Must(200, "GET", acc+"/balance", nil)["credits"]) }
		if c := credits(); c != 50000 {
			t.Fatalf("reward %v", c)
		}
		for i, c := range []struct {
			refund int
			left   float64
		}{
			{19, 49999},   // 0.0095 → 0.01
			{19, 49998},   // 0.019 in all → 0.02
			{1999, 49898}, // 1.0945 in all → 1.09 (0.9995 of it for this refund)
		} {
			m.admin.Must(200, "POST", refund, map[string]any{"amount": usd(c.refund)})
			if got := credits(); got != c.left {
				t.Fatalf("refund %d: credits %v, want %v", i, got, c.left)
			}
		}
		// The credit pays an order; then a refund would take back credit
		// that is gone.
		m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Premium"})
		if got := credits(); got != 0 {
			t.Fatalf("credits after an order: %v", got)
		}
		wantError(t, m.admin.Do("POST", refund, map[string]any{"amount": usd(10000)}), 409, "deposit_reward_spent", "")
		reconcile(t, m.s.App.DB)
	})
}

// The balance goes back to the cards that paid it: newest charge first,
// never more than a charge, and from an order's charge never more than its
// refunds brought back. A deposit's part is a deposit refund with its credit
// note; an order's part needs none (its cancellation issued one).
func TestBalanceGoesBackToTheCards(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		back := acc + "/balance/refund"
		balance := func() float64 { return amount(m.admin.Must(200, "GET", acc+"/balance", nil)["available"]) }
		notes := func() int { return len(items(m.admin.Must(200, "GET", acc+"/credit-notes", nil))) }

		// Nothing came from a card yet.
		wantError(t, m.admin.Do("POST", back, map[string]any{"amount": usd(100)}), 422, "refund_exceeds_balance", "amount")
		// An order paid by card (316.50), cancelled: its money is in the
		// balance, with its credit note.
		id := m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})["id"].(string)
		m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/cancellation", map[string]any{"reason": "Cannot do it"})
		m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/cancellation/accept", nil)
		// Then a deposit of 200.00, the newest charge.
		dep := m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": usd(20000)})["id"].(string)
		if b := balance(); b != 51650 || notes() != 1 {
			t.Fatalf("balance %v, %d credit notes", b, notes())
		}
		wantError(t, m.member.Do("POST", back, map[string]any{"amount": usd(100)}), 403, "role_not_allowed", "")

		// 100.00: from the deposit, with a credit note.
		r := m.admin.Must(200, "POST", back, map[string]any{"amount": usd(10000)})
		if parts := r["parts"].([]any); len(parts) != 1 || parts[0].(map[string]any)["ref"] != dep || notes() != 2 {
			t.Fatalf("100.00 back: %v (%d credit notes)", r, notes())
		}
		// 400.00: the rest of the deposit, then 300.00 of the order's
		// charge (no second credit note for the order).
		r = m.admin.Must(200, "POST", back, map[string]any{"amount": usd(40000)})
		parts := r["parts"].([]any)
		if len(parts) != 2 || parts[0].(map[string]any)["ref"] != dep || amount(parts[0].(map[string]any)["amount"]) != 10000 ||
			parts[1].(map[string]any)["ref"] != id || amount(parts[1].(map[string]any)["amount"]) != 30000 || notes() != 3 {
			t.Fatalf("400.00 back: %v (%d credit notes)", r, notes())
		}
		if b := balance(); b != 1650 {
			t.Fatalf("balance %v", b)
		}
		wantError(t, m.admin.Do("POST", back, map[string]any{"amount": usd(2000)}), 422, "refund_exceeds_balance", "amount")
		m.admin.Must(200, "POST", back, map[string]any{"amount": usd(1650)})
		if b := balance(); b != 0 {
			t.Fatalf("balance %v", b)
		}
		reconcile(t, m.s.App.DB)
		wantBalancedLedger(t, operator(t, m))
	})
}
