package api_test

import (
	"encoding/base64"
	"mime"
	"sync"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// market is a seller with a service and a business account with an admin
// (with a card) and a member, on one running Atelier.
type market struct {
	s                       *apptest.Server
	seller, admin, member   *apptest.Client
	freelancer, service, ac string
}

func newMarket(t *testing.T, e db.Engine) market {
	s := apptest.Start(t, e)
	m := market{s: s}
	m.seller, _ = s.SignUp(t, "seller@studio.test", "Sam Seller")
	m.admin, _ = s.SignUp(t, "admin@acme.test", "Ada Admin")
	m.member, _ = s.SignUp(t, "member@acme.test", "Max Member")
	m.freelancer = m.seller.Must(201, "POST", "/api/v1/freelancers", map[string]any{"display_name": "Sam Studio", "country": "FR",
		"hourly_rate": map[string]any{"amount": 8000, "currency": "USD"}})["id"].(string)
	m.service = m.seller.Must(201, "POST", "/api/v1/services", map[string]any{"freelancer_id": m.freelancer,
		"title": "Brand identity for your startup", "description": "Logo, palette, type.", "category": "graphics-design", "max_quantity": 3,
		"packages": []map[string]any{
			{"name": "Basic", "price": map[string]any{"amount": 30000, "currency": "USD"}, "delivery_days": 5, "revisions": 1},
			{"name": "Premium", "price": map[string]any{"amount": 90000, "currency": "USD"}, "delivery_days": 10, "revisions": 3},
		}})["id"].(string)
	m.ac = m.admin.Must(201, "POST", "/api/v1/accounts", map[string]any{"name": "Acme"})["id"].(string)
	m.member.Join(m.admin, m.ac)
	m.admin.Must(201, "POST", "/api/v1/accounts/"+m.ac+"/payment-methods", map[string]any{"type": "card", "token": "tok_visa"})
	// An American company, billed without VAT (outside the EU): the
	// amounts of most tests are VAT-free; vat_test.go taxes the others.
	m.admin.Must(200, "PUT", "/api/v1/accounts/"+m.ac+"/billing-info", map[string]any{"country": "US"})
	return m
}

func amount(v any) float64 { return v.(map[string]any)["amount"].(float64) }

func TestOrderLifecycleOverHTTP(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"order_approval_threshold": map[string]any{"amount": 50000, "currency": "USD"}})

		// Bad input is refused and stores nothing.
		wantError(t, m.member.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "quantity": 4}), 422, "quantity_invalid", "quantity")
		wantError(t, m.member.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "quantity": -1}), 422, "quantity_invalid", "quantity")
		wantError(t, m.member.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Gold", "quantity": 1}), 422, "package_unknown", "package")
		wantError(t, m.member.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": "svc_nope", "package": "Basic"}), 422, "service_not_found", "service_id")
		wantError(t, m.seller.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"}), 422, "account_not_found", "account_id")

		// 2 × Basic = 600.00 + 5.5% fee: above the threshold, it waits, uncharged.
		o := m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "quantity": 2, "requirements": "Our brief"})
		id := o["id"].(string)
		if o["status"] != "pending_approval" || amount(o["subtotal"]) != 60000 || amount(o["total"]) != 63300 || o["quantity"].(float64) != 2 {
			t.Fatalf("placed %v", o)
		}
		if n := len(m.admin.Must(200, "GET", acc+"/invoices", nil)["items"].([]any)); n != 0 {
			t.Fatalf("a waiting order was invoiced (%d)", n)
		}
		wantError(t, m.seller.Do("GET", "/api/v1/orders/"+id, nil), 404, "order_not_found", "")
		wantError(t, m.member.Do("POST", "/api/v1/orders/"+id+"/approve", nil), 403, "role_not_allowed", "")
		queue := m.admin.Must(200, "GET", acc+"/pending-approvals", nil)["items"].([]any)
		if len(queue) != 1 {
			t.Fatalf("approval queue %v", queue)
		}
		o = m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/approve", nil)
		if o["status"] != "active" || o["due_at"] == nil || o["paid_with"] != "visa •••• 4242" {
			t.Fatalf("approved %v", o)
		}
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+id+"/approve", nil), 409, "order_not_pending_approval", "")

		// Transitions are checked.
		wantError(t, m.member.Do("POST", "/api/v1/orders/"+id+"/accept", nil), 409, "order_not_delivered", "")
		wantError(t, m.member.Do("POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "done"}), 403, "wrong_side", "")
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "x", "files": []map[string]any{
			{"name": "virus.exe", "content_type": "application/x-msdownload", "data": base64.StdEncoding.EncodeToString([]byte("MZ"))}}}), 422, "file_type_not_allowed", "files")
		file := map[string]any{"name": `logo "v2" é.png`, "content_type": "image/png", "data": base64.StdEncoding.EncodeToString([]byte("\x89PNG fake"))}
		m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "First draft", "files": []any{file}})
		m.member.Must(200, "POST", "/api/v1/orders/"+id+"/revisions", map[string]any{"message": "Bolder, please"})
		o = m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "Second draft"})
		if o["status"] != "delivered" || o["revisions_used"].(float64) != 1 {
			t.Fatalf("redelivered %v", o)
		}
		wantError(t, m.member.Do("POST", "/api/v1/orders/"+id+"/revisions", map[string]any{"message": "again"}), 409, "no_revisions_left", "")
		m.member.Must(201, "POST", "/api/v1/orders/"+id+"/messages", map[string]any{"body": "Looking at it"})
		timeline := m.seller.Must(200, "GET", "/api/v1/orders/"+id+"/timeline", nil)["items"].([]any)
		var fileID string
		kinds := ""
		for _, ev := range timeline {
			ev := ev.(map[string]any)
			kinds += ev["kind"].(string) + " "
			if fs := ev["files"].([]any); len(fs) > 0 {
				fileID = fs[0].(map[string]any)["id"].(string)
			}
		}
		if kinds != "placed approved started delivery revision delivery message " || fileID == "" {
			t.Fatalf("timeline: %s (file %q)", kinds, fileID)
		}
		f := m.member.Do("GET", "/api/v1/orders/"+id+"/files/"+fileID, nil)
		if f.Status != 200 || string(f.Raw) != "\x89PNG fake" || f.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("file download %d %q, Cache-Control %q", f.Status, f.Raw, f.Header.Get("Cache-Control"))
		}
		// The name is quoted and encoded whatever it holds.
		if _, params, err := mime.ParseMediaType(f.Header.Get("Content-Disposition")); err != nil || params["filename"] != `logo "v2" é.png` {
			t.Fatalf("Content-Disposition %q: %v %v", f.Header.Get("Content-Disposition"), params, err)
		}

		// Nobody answers: three days later the order completes by itself.
		m.s.Client(t).Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "73h"})
		o = m.member.Must(200, "GET", "/api/v1/orders/"+id, nil)
		if o["status"] != "completed" {
			t.Fatalf("after 3 days: %v", o["status"])
		}
		earnings := m.seller.Must(200, "GET", "/api/v1/freelancers/"+m.freelancer+"/earnings", nil)
		if amount(earnings["pending"]) != 48000 {
			t.Fatalf("earnings %v", earnings)
		}
		if rw := m.member.Must(200, "GET", acc+"/rewards", nil); amount(rw["credit"]) != 600 || amount(rw["spend_12m"]) != 63300 {
			t.Fatalf("rewards after completion %v", rw)
		}

		// Reviews: hidden from the other side until both wrote.
		wantError(t, m.member.Do("POST", "/api/v1/orders/"+id+"/reviews", map[string]any{"rating": 6}), 422, "rating_invalid", "rating")
		m.member.Must(201, "POST", "/api/v1/orders/"+id+"/reviews", map[string]any{"rating": 5, "text": "Great"})
		wantError(t, m.member.Do("POST", "/api/v1/orders/"+id+"/reviews", map[string]any{"rating": 4}), 409, "already_reviewed", "")
		if n := len(m.seller.Must(200, "GET", "/api/v1/orders/"+id+"/reviews", nil)["items"].([]any)); n != 0 {
			t.Fatalf("the freelancer sees the client's review before writing: %d", n)
		}
		m.seller.Must(201, "POST", "/api/v1/orders/"+id+"/reviews", map[string]any{"rating": 4, "text": "Clear brief"})
		if n := len(m.seller.Must(200, "GET", "/api/v1/orders/"+id+"/reviews", nil)["items"].([]any)); n != 2 {
			t.Fatalf("reviews after both wrote: %d", n)
		}
		svc := m.member.Must(200, "GET", "/api/v1/services/"+m.service, nil)
		if svc["rating"].(float64) != 5 || svc["reviews_count"].(float64) != 1 {
			t.Fatalf("service rating %v (%v)", svc["rating"], svc["reviews_count"])
		}

		// The ledger balances after all of it.
		wantBalancedLedger(t, operator(t, m))
	})
}

func TestOrderLimitsBalanceAndCancellation(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		acc := "/api/v1/accounts/" + m.ac
		me := m.member.Must(200, "GET", "/api/v1/me", nil)["id"].(string)
		// A monthly limit without the approval policy: refused, clearly.
		m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"member_limits": map[string]any{me: map[string]any{"amount": 50000, "currency": "USD"}}})
		wantError(t, m.member.Do("POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "quantity": 2}),
			422, "monthly_limit_exceeded", "quantity")
		// The admin's own orders never wait; paid from the balance when it covers them.
		m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": map[string]any{"amount": 100000, "currency": "USD"}})
		key := "order-once"
		body := map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic", "quantity": 1}
		first := m.admin.Do("POST", "/api/v1/orders", body, "Idempotency-Key", key)
		again := m.admin.Do("POST", "/api/v1/orders", body, "Idempotency-Key", key)
		if first.Status != 201 || again.Status != 201 || first.Body["id"] != again.Body["id"] || first.Body["paid_with"] != "balance" {
			t.Fatalf("idempotent order: %d %v / %d %v", first.Status, first.Body, again.Status, again.Body["id"])
		}
		if bal := m.member.Must(200, "GET", acc+"/balance", nil); amount(bal["available"]) != 100000-31650 {
			t.Fatalf("balance after one order paid twice? %v", bal)
		}
		id := first.Body["id"].(string)
		// Cancelling alone is only for very late orders.
		wantError(t, m.admin.Do("POST", "/api/v1/orders/"+id+"/cancel", map[string]any{"reason": "changed our mind"}), 409, "cancellation_needs_agreement", "")
		m.s.Client(t).Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "5d"})
		if o := m.admin.Must(200, "GET", "/api/v1/orders/"+id, nil); o["late"] != true || o["very_late"] != false {
			t.Fatalf("5 days in: %v %v", o["late"], o["very_late"])
		}
		m.s.Client(t).Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": "25h"})
		o := m.admin.Must(200, "POST", "/api/v1/orders/"+id+"/cancel", map[string]any{"reason": "too late"})
		if o["status"] != "cancelled" {
			t.Fatalf("cancel very late: %v", o["status"])
		}
		if bal := m.member.Must(200, "GET", acc+"/balance", nil); amount(bal["available"]) != 100000 {
			t.Fatalf("balance after the full refund %v", bal)
		}
		wantError(t, m.seller.Do("POST", "/api/v1/orders/"+id+"/deliveries", map[string]any{"message": "late"}), 409, "order_not_active", "")
	})
}

// An admin's double click: two approvals of one order at once charge it
// once, by card and by balance alike.
func TestConcurrentApprovalsChargeOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		for _, withBalance := range []bool{false, true} {
			m := newMarket(t, e)
			acc := "/api/v1/accounts/" + m.ac
			m.admin.Must(200, "PUT", acc+"/policies", map[string]any{"order_approval_threshold": map[string]any{"amount": 1000, "currency": "USD"}})
			if withBalance {
				m.admin.Must(201, "POST", acc+"/deposits", map[string]any{"amount": map[string]any{"amount": 100000, "currency": "USD"}})
			}
			id := m.member.Must(201, "POST", "/api/v1/orders", map[string]any{"account_id": m.ac, "service_id": m.service, "package": "Basic"})["id"].(string)
			var wg sync.WaitGroup
			statuses := make([]int, 4)
			for i := range statuses {
				wg.Add(1)
				go func() { defer wg.Done(); statuses[i] = m.admin.Do("POST", "/api/v1/orders/"+id+"/approve", nil).Status }()
			}
			wg.Wait()
			ok := 0
			for _, s := range statuses {
				if s == 200 {
					ok++
				} else if s != 409 {
					t.Fatalf("approval answered %d (%v)", s, statuses)
				}
			}
			invoices := m.admin.Must(200, "GET", acc+"/invoices", nil)["items"].([]any)
			orderInvoices := 0
			for _, inv := range invoices {
				if inv.(map[string]any)["kind"] == "order" {
					orderInvoices++
				}
			}
			if ok != 1 || orderInvoices != 1 {
				t.Fatalf("balance=%v: %d approvals succeeded, %d order invoices (%v)", withBalance, ok, orderInvoices, statuses)
			}
			if withBalance {
				if bal := m.member.Must(200, "GET", acc+"/balance", nil); amount(bal["available"]) != 100000-31650 {
					t.Fatalf("balance after approvals %v", bal)
				}
			}
		}
	})
}
