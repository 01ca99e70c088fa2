package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db/dbtest"
)

// What a client sends is refused with a clear error or taken as sent: never
// replaced by a default, glued, dropped or read as "not sent" — and a
// refusal changes nothing.
func TestBadInputIsRefusedNeverChanged(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		orders := func() int { return countRows(t, m, `SELECT COUNT(*) FROM orders WHERE account_id = ?`, m.ac) }
		order := func(fields map[string]any) map[string]any {
			body := map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"}
			for k, v := range fields {
				if v == "<absent>" {
					delete(body, k)
				} else {
					body[k] = v
				}
			}
			return body
		}

		// A quantity of 0 is not one; an empty package is not the first.
		wantError(t, m.member.Do("POST", "/api/v1/orders", order(map[string]any{"quantity": 0})), 422, "quantity_invalid", "quantity")
		wantError(t, m.member.Do("POST", "/api/v1/orders", order(map[string]any{"package": ""})), 422, "required", "package")
		wantError(t, m.member.Do("POST", "/api/v1/orders", order(map[string]any{"package": "<absent>"})), 422, "required", "package")
		// null is a value, not "not sent".
		wantError(t, m.member.Do("POST", "/api/v1/orders", order(map[string]any{"quantity": nil})), 422, "field_null", "quantity")
		wantError(t, m.member.Do("POST", "/api/v1/orders", order(map[string]any{"package": nil})), 422, "field_null", "package")
		// A wrong type says what was expected in words, in the reader's
		// language, never as a Go type.
		r := m.member.Do("POST", "/api/v1/orders", order(map[string]any{"quantity": "two"}))
		wantError(t, r, 422, "field_type_invalid", "quantity")
		if msg := message(r); !strings.Contains(msg, "a whole number") || strings.Contains(msg, "int") {
			t.Fatalf("wrong-type message %q", msg)
		}
		r = m.member.Do("POST", "/api/v1/orders", order(map[string]any{"quantity": 1.5}), "Accept-Language", "fr")
		if msg := message(r); !strings.Contains(msg, "un nombre entier") {
			t.Fatalf("French wrong-type message %q", msg)
		}
		r = m.admin.Do("POST", acc+"/deposits", map[string]any{"amount": "100 USD"})
		if msg := message(r); r.Status != 422 || !strings.Contains(msg, `"amount"`) || strings.Contains(msg, "money.Money") {
			t.Fatalf("a deposit of a string: %d %q", r.Status, msg)
		}
		if n := orders(); n != 0 {
			t.Fatalf("refused orders left %d orders", n)
		}
		// Left out, the quantity is one unit.
		if o := m.member.Must(201, "POST", "/api/v1/orders", order(map[string]any{})); o["quantity"] != 1.0 {
			t.Fatalf("an order without a quantity is for %v", o["quantity"])
		}

		// A missing or null body is refused, and changes nothing: the
		// policies keep their threshold and invitation approval.
		m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"invitation_approval": true,
			"order_approval_threshold": map[string]any{"amount": 50000, "currency": "USD"}})
		m.admin.Must(200, "PUT", acc+"/billing-info", map[string]any{"company": "Acme SAS", "country": "FR"})
		m.member.Must(200, "PATCH", "/api/v1/me", map[string]any{"locale": "fr"})
		for _, rt := range []struct{ method, path string }{
			{"PUT", acc + "/policies"}, {"PUT", acc + "/billing-info"}, {"PATCH", "/api/v1/me"},
			{"PATCH", "/api/v1/me/notification-settings"}, {"POST", "/api/v1/me/notifications/read"},
			{"POST", acc + "/network/" + m.freelancer + "/rehire"}, {"PATCH", acc},
		} {
			for _, body := range []any{nil, json.RawMessage("null")} {
				who := m.admin
				if rt.path == "/api/v1/me" {
					who = m.member
				}
				wantError(t, who.Do(rt.method, rt.path, body), 400, "body_required", "")
			}
		}
		p := m.admin.Must(200, "GET", acc+"/policies", nil)
		if p["invitation_approval"] != true || p["order_approval_threshold"] == nil {
			t.Fatalf("a PUT without a body changed the policies: %v", p)
		}
		if b := m.admin.Must(200, "GET", acc+"/billing-info", nil); b["company"] != "Acme SAS" {
			t.Fatalf("a PUT without a body changed the billing info: %v", b)
		}
		// A PATCH changes what it names: {} keeps the language.
		if u := m.member.Must(200, "PATCH", "/api/v1/me", map[string]any{}); u["locale"] != "fr" {
			t.Fatalf("a PATCH without locale reset it: %v", u)
		}

		// Documented fields the route cannot change are refused by name.
		wantError(t, m.admin.Do("PATCH", acc, map[string]any{"name": "Acme Corp", "currency": "EUR"}), 422, "read_only", "currency")
		wantError(t, m.admin.Do("PATCH", acc, map[string]any{"name": "Acme Corp", "currency": strings.Repeat("X", 10000)}), 422, "read_only", "currency")
		if a := m.admin.Must(200, "GET", acc, nil); a["name"] != "Acme" || a["currency"] != "USD" {
			t.Fatalf("a refused edit changed the account: %v", a)
		}
		m.admin.Must(200, "PATCH", acc, map[string]any{"name": "Acme Corp", "currency": "USD"}) // its own: fine

		svc := "/api/v1/services/" + m.service
		listing := m.seller.Must(200, "GET", svc, nil)
		other := m.admin.Must(201, "POST", "/api/v1/freelancers", map[string]any{"display_name": "Ada Studio", "country": "FR",
			"hourly_rate": map[string]any{"amount": 5000, "currency": "USD"}})["id"].(string)
		put := map[string]any{"freelancer_id": other, "title": "Brand identity for your startup", "description": "Logo, palette, type.",
			"category": "graphics-design", "max_quantity": 3, "packages": listing["packages"]}
		wantError(t, m.seller.Do("PUT", svc, put), 422, "read_only", "freelancer_id")
		put["freelancer_id"] = m.freelancer
		m.seller.Must(200, "PUT", svc, put)

		offers := func() int { return countRows(t, m, `SELECT COUNT(*) FROM offers`) }
		fixed := map[string]any{"account_id": m.ac, "kind": "fixed", "title": "A landing page", "delivery_days": 5,
			"price": map[string]any{"amount": 40000, "currency": "USD"}, "weekly_limit_hours": -1}
		wantError(t, m.seller.Do("POST", "/api/v1/offers", fixed), 422, "read_only", "weekly_limit_hours")
		delete(fixed, "weekly_limit_hours")
		fixed["milestones"] = []map[string]any{{"title": "All", "amount": map[string]any{"amount": 40000, "currency": "USD"}, "delivery_days": 5}}
		wantError(t, m.seller.Do("POST", "/api/v1/offers", fixed), 422, "read_only", "milestones")
		if n := offers(); n != 0 {
			t.Fatalf("refused offers left %d", n)
		}

		// A known path with another method is a 405 naming the methods it
		// answers to; an unknown path stays a 404.
		r = m.admin.Do("DELETE", acc+"/policies", nil)
		wantError(t, r, 405, "method_not_allowed", "")
		if allow := r.Header.Get("Allow"); allow != "GET, HEAD, PUT" {
			t.Fatalf("Allow: %q", allow)
		}
		wantError(t, m.admin.Do("GET", "/api/v1/nowhere", nil), 404, "not_found", "")
		r = m.s.Client(t).Do("PUT", "/orders", nil)
		if r.Status != 405 || !strings.Contains(r.Header.Get("Allow"), "GET") {
			t.Fatalf("a page with a wrong method: %d, Allow %q", r.Status, r.Header.Get("Allow"))
		}
	})
}

// message is the sentence of an API error.
func message(r apptest.Response) string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}
