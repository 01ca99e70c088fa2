package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/invoicedoc/pdftext"
	"atelier/internal/money"
)

// VAT follows the buyer, and every document says the same: for each kind
// of buyer, an order's invoice and the credit note of its cancellation
// carry the same rate, VAT, total and mention in the API, in the PDF (in
// English and French) and in the invoices CSV, and the order and the
// balance agree with them. A French customer with a French VAT number owes
// French VAT (the audit found 0% and "VAT not applicable").
func TestVATOnEveryCaseInAPIPDFAndCSV(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		// Basic: 300.00 + 16.50 of fees = 316.50 before VAT.
		for _, c := range []struct {
			name, country, vatID string
			rate                 float64
			vat, total           float64
			mention              string
			pdfVAT               [2]string // the VAT row's label in English and French
		}{
			{"a French business with a VAT number", "FR", "FR12345678901", 2000, 6330, 37980, "", [2]string{"VAT 20%", "TVA 20 %"}},
			{"a French business without", "FR", "", 2000, 6330, 37980, "", [2]string{"VAT 20%", "TVA 20 %"}},
			{"a buyer of unknown country", "", "", 2000, 6330, 37980, "", [2]string{"VAT 20%", "TVA 20 %"}},
			{"a German business with a VAT number", "DE", "DE123456789", 0, 0, 31650, "invoice.vat_reverse_charge", [2]string{"VAT", "TVA"}},
			{"a German buyer without", "DE", "", 2000, 6330, 37980, "", [2]string{"VAT 20%", "TVA 20 %"}},
			{"an American business", "US", "", 0, 0, 31650, "invoice.vat_outside_eu", [2]string{"VAT", "TVA"}},
		} {
			ac := m.admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Buyer " + c.name})["id"].(string)
			acc := "/api/v1/accounts/" + ac
			m.admin.Must(201, "POST", acc+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
			m.admin.Must(200, "PUT", acc+"/billing-info", map[string]any{"company": "Buyer " + c.name, "country": c.country, "vat_id": c.vatID})
			o := m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": ac, "service_id": m.service, "package": "Basic"})
			id := o["id"].(string)
			if amount(o["total"]) != 31650 {
				t.Fatalf("%s: the order's total before VAT %v", c.name, o["total"])
			}
			if v, _ := o["vat"].(map[string]any); (c.vat == 0) != (v == nil) || (v != nil && amount(v) != c.vat) {
				t.Errorf("%s: the order's VAT %v, want %v", c.name, o["vat"], c.vat)
			}
			inv := items(m.admin.Must(200, "GET", acc+"/invoices", nil))[0].(map[string]any)
			m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/cancellation", map[string]any{"reason": "I fell ill"})
			m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/cancellation/accept", nil)
			cn := items(m.admin.Must(200, "GET", acc+"/credit-notes", nil))[0].(map[string]any)
			if b := m.admin.Must(200, "GET", acc+"/balance", nil); amount(b["available"]) != c.total {
				t.Errorf("%s: the cancellation brought back %v, want all %v paid", c.name, b["available"], c.total)
			}
			csvRows := invoicesCSV(t, m.admin.Do("GET", acc+"/invoices.csv", nil).Raw)
			for _, d := range []struct {
				kind, path string
				doc        map[string]any
				sign       string
			}{{"invoice", "/api/v1/invoices/", inv, ""}, {"credit note", "/api/v1/credit-notes/", cn, "-"}} {
				what := c.name + ", " + d.kind + " " + d.doc["number"].(string)
				mention, _ := d.doc["vat_mention"].(string)
				if d.doc["vat_rate"] != c.rate || amount(d.doc["vat"]) != c.vat || amount(d.doc["total"]) != c.total || mention != c.mention {
					t.Errorf("%s in the API: rate %v, VAT %v, total %v, %q", what, d.doc["vat_rate"], d.doc["vat"], d.doc["total"], mention)
				}
				for i, lang := range []string{"en", "fr"} {
					pdf := m.admin.Do("GET", d.path+d.doc["id"].(string)+"/pdf", nil, "Accept-Language", lang)
					text := strings.Join(strings.Fields(pdftext.Text(t, pdf.Raw)), " ")
					pdfMoney := func(minor float64) string {
						return strings.Join(strings.Fields(pdftext.Plain(money.New(int64(minor), "USD").Format(lang))), " ")
					}
					want := []string{c.pdfVAT[i] + " " + pdfMoney(c.vat), pdfMoney(c.total)}
					if c.mention != "" {
						want = append(want, strings.Join(strings.Fields(pdftext.Plain(i18n.T(lang, c.mention))), " "))
					}
					for _, w := range want {
						if !strings.Contains(text, w) {
							t.Errorf("%s: the %s PDF lacks %q:\n%s", what, lang, w, text)
						}
					}
					if c.mention == "" && strings.Contains(text, pdftext.Plain(i18n.T(lang, "invoice.vat_not_applicable"))) {
						t.Errorf("%s: the %s PDF says VAT is not applicable", what, lang)
					}
				}
				row := csvRows[d.doc["number"].(string)]
				signed := func(minor float64) string {
					if minor == 0 {
						return money2(0)
					}
					return d.sign + money2(minor)
				}
				wantRow := []string{signed(c.vat), signed(c.total), strings.TrimSuffix(money2(c.rate), ".00"), c.country, c.vatID}
				if row == nil || row[6] != wantRow[0] || row[7] != wantRow[1] || row[9] != wantRow[2] || row[10] != wantRow[3] || row[11] != wantRow[4] {
					t.Errorf("%s in the CSV: %q, want VAT, total, rate, country, VAT number %q", what, row, wantRow)
				}
			}
		}
		reconcile(t, m.s.App.DB)
		wantBalancedLedger(t, operator(t, m))
		var held int64
		if err := m.s.App.DB.QueryRow(t.Context(), `SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
			WHERE a.kind = 'vat'`).Scan(&held); err != nil || held != 0 {
			t.Fatalf("VAT still held after every order was refunded: %d (%v)", held, err)
		}
	})
}

// The management fee bears VAT like an order (the audit found it at 0% for
// a French customer), and its credit note gives the VAT back.
func TestManagementFeeBearsVAT(t *testing.T) {
	dbtest.EachWith(t, newResolutionMarket, func(t *testing.T, m resolutionMarket) {
		acc := "/api/v1/accounts/" + m.ac
		m.admin.Must(200, "PUT", acc+"/billing-info", map[string]any{"company": "Acme SAS", "country": "FR", "vat_id": "FR12345678901"})
		pid := m.managedProject(t)
		o := m.admin.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "project_id": pid})
		m.advance(t, "25h")
		doc := func(table string) map[string]any {
			for _, it := range items(m.admin.Must(200, "GET", acc+"/"+table, nil)) {
				if d := it.(map[string]any); d["ref"] == pid {
					return d
				}
			}
			t.Fatalf("no %s for the project", table)
			return nil
		}
		// 10% of 300.00 is 30.00, and 20% VAT on it.
		if fee := doc("invoices"); fee["vat_rate"] != 2000.0 || amount(fee["vat"]) != 600 || amount(fee["total"]) != 3600 {
			t.Fatalf("the fee's invoice: rate %v, VAT %v, total %v", fee["vat_rate"], fee["vat"], fee["total"])
		}
		m.seller.Must(201, "POST", "/api/v1/orders/"+o["id"].(string)+"/cancellation", map[string]any{"reason": "Cannot do it"})
		m.admin.Must(200, "POST", "/api/v1/orders/"+o["id"].(string)+"/cancellation/accept", nil)
		m.advance(t, "25h")
		if cn := doc("credit-notes"); cn["vat_rate"] != 2000.0 || amount(cn["vat"]) != 600 || amount(cn["total"]) != 3600 {
			t.Fatalf("the fee's credit note: rate %v, VAT %v, total %v", cn["vat_rate"], cn["vat"], cn["total"])
		}
		// Everything paid came back: the deposit is whole again.
		if b := m.balance(t); b != 100000 {
			t.Fatalf("balance %v after the order and its fee were refunded, want the 1,000.00 deposited", b)
		}
		m.balanced(t)
		reconcile(t, m.s.App.DB)
	})
}

// invoicesCSV reads the invoices CSV into its rows by document number.
func invoicesCSV(t *testing.T, raw []byte) map[string][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV: %v\n%s", err, raw)
	}
	out := map[string][]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r
	}
	return out
}

// money2 writes minor units as the CSV does: 6330 → "63.30".
func money2(minor float64) string {
	n := int64(minor)
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}
