package api_test

import (
	"strings"
	"sync"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/users"
)

func TestMoneyOverHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, s *apptest.Server) {
		admin, _ := s.SignUp(t, "admin@acme.test", "Ada")
		member, _ := s.SignUp(t, "member@acme.test", "Max")
		outsider, _ := s.SignUp(t, "eve@other.test", "Eve")
		acc := admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme"})["id"].(string)
		member.Join(admin, acc)
		base := "/api/v1/accounts/" + acc

		wantError(t, member.Do("POST", base+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"}), 403, "role_not_allowed", "")
		wantError(t, outsider.Do("GET", base+"/payment-methods", nil), 404, "account_not_found", "")
		wantError(t, member.Do("GET", base+"/billing-info", nil), 403, "role_not_allowed", "")
		wantError(t, admin.Do("PUT", base+"/billing-info", map[string]any{"company": "Acme", "country": "France"}), 422, "country_invalid", "country")
		wantError(t, admin.Do("PUT", base+"/billing-info", map[string]any{"company": "Acme", "country": "FR", "vat_id": "FR123"}), 422, "vat_id_invalid", "vat_id")
		wantError(t, admin.Do("PUT", base+"/billing-info", map[string]any{"company": "Acme", "country": "FR", "vat_id": "DE123456789"}), 422, "vat_id_invalid", "vat_id")
		info := admin.Must(200, "PUT", base+"/billing-info", map[string]any{"company": "Acme SAS", "address": "1 rue X\n75001 Paris", "country": "FR", "vat_id": "fr 12 345.678-901", "email": "ap@acme.test"})
		if info["vat_id"] != "FR12345678901" {
			t.Fatalf("a VAT number is kept as it is printed: %v", info["vat_id"])
		}
		card := admin.Must(201, "POST", base+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
		bad := admin.Must(201, "POST", base+"/payment-methods", map[string]any{"type": "card", "token": "tok_chargeDeclined"})
		if card["default"] != true || card["last4"] != "4242" {
			t.Fatalf("card %v", card)
		}

		for _, c := range []struct {
			amount map[string]any
			code   string
		}{
			{map[string]any{"amount": 0, "currency": "USD"}, "amount_not_positive"},
			{map[string]any{"amount": -100, "currency": "USD"}, "amount_not_positive"},
			{map[string]any{"amount": 100, "currency": "EUR"}, "currency_mismatch"},
			{map[string]any{"amount": 1_000_000_000_001, "currency": "USD"}, "amount_too_large"},
		} {
			wantError(t, admin.Do("POST", base+"/deposits", map[string]any{"amount": c.amount}), 422, c.code, "amount")
		}
		wantError(t, admin.Do("POST", base+"/deposits", map[string]any{"amount": map[string]any{"amount": 5000, "currency": "USD"}, "payment_method_id": bad["id"]}),
			422, "card_declined", "payment_method_id")
		wantError(t, member.Do("POST", base+"/deposits", map[string]any{"amount": map[string]any{"amount": 5000, "currency": "USD"}}), 403, "role_not_allowed", "")

		// The same Idempotency-Key, sent five times at once and again later,
		// deposits once.
		body := map[string]any{"amount": map[string]any{"amount": 5000, "currency": "USD"}}
		var wg sync.WaitGroup
		statuses := make([]int, 5)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = admin.Do("POST", base+"/deposits", body, "Idempotency-Key", "dep-1").Status
			}()
		}
		wg.Wait()
		first := admin.Do("POST", base+"/deposits", body, "Idempotency-Key", "dep-1")
		if first.Status != 201 {
			t.Fatalf("replay: %d %s (concurrent: %v)", first.Status, first.Raw, statuses)
		}
		wantError(t, admin.Do("POST", base+"/deposits", map[string]any{"amount": map[string]any{"amount": 7000, "currency": "USD"}}, "Idempotency-Key", "dep-1"),
			422, "idempotency_key_reused", "Idempotency-Key")
		bal := member.Must(200, "GET", base+"/balance", nil)
		if bal["available"].(map[string]any)["amount"].(float64) != 5000 {
			t.Fatalf("balance after one idempotent deposit sent six times: %v (statuses %v)", bal, statuses)
		}
		invoices := admin.Must(200, "GET", base+"/invoices", nil)["items"].([]any)
		if len(invoices) != 1 {
			t.Fatalf("invoices %v", invoices)
		}
		one := invoices[0].(map[string]any)
		if one["number"] != "ATL-000001" || one["buyer"].(map[string]any)["name"] != "Acme SAS" {
			t.Fatalf("invoice %v", one)
		}
		wantError(t, member.Do("GET", "/api/v1/invoices/"+one["id"].(string), nil), 403, "role_not_allowed", "")
		pdf := admin.Do("GET", "/api/v1/invoices/"+one["id"].(string)+"/pdf", nil)
		if pdf.Status != 200 || !strings.HasPrefix(string(pdf.Raw), "%PDF-") || pdf.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("invoice PDF: %d %.40q, Cache-Control %q", pdf.Status, pdf.Raw, pdf.Header.Get("Cache-Control"))
		}
		csv := admin.Do("GET", base+"/invoices.csv", nil)
		if csv.Status != 200 || !strings.Contains(string(csv.Raw), "ATL-000001") || !strings.Contains(string(csv.Raw), "50.00") ||
			csv.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("invoices CSV: %d %s, Cache-Control %q", csv.Status, csv.Raw, csv.Header.Get("Cache-Control"))
		}
		wantError(t, member.Do("GET", base+"/invoices.csv", nil), 403, "role_not_allowed", "")
		wantError(t, outsider.Do("GET", "/api/v1/invoices/"+one["id"].(string), nil), 404, "invoice_not_found", "")
		rw := member.Must(200, "GET", base+"/rewards", nil)
		if rw["level"] != "silver" || rw["next_level"] != "gold" {
			t.Fatalf("rewards %v", rw)
		}
		wantError(t, admin.Do("GET", "/api/v1/ledger/check", nil), 403, "operator_only", "")
		if _, err := s.App.Users.CreateOperator(t.Context(), users.NewUser{Email: "ops@x.test", Password: "correct horse", Name: "Ops"}); err != nil {
			t.Fatal(err)
		}
		ops := s.Client(t)
		ops.Token = ops.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ops@x.test", "password": "correct horse"})["token"].(string)
		wantBalancedLedger(t, ops)
		admin.Must(204, "DELETE", base+"/payment-methods/"+card["id"].(string), nil)
		methods := admin.Must(200, "GET", base+"/payment-methods", nil)["items"].([]any)
		if len(methods) != 1 || methods[0].(map[string]any)["default"] != true {
			t.Fatalf("methods after removing the default %v", methods)
		}
	})
}
