package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/accounts"
	"atelier/internal/app"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/orders/resolutions"
	"atelier/internal/page"
	"atelier/internal/users"
)

// shop is a market for the order tests: Acme (USD) with Alice as admin
// (with a card) and Bob as a member, and Fanny selling a logo service
// (Basic 25.00, Standard 40.00, up to 5).
type shop struct {
	a            *app.App
	ts           *httptest.Server
	admin, bob   users.User
	fanny        users.User
	acc          accounts.Account
	service      catalog.Listing
	alice, buyer *browser // Alice's and Bob's browsers
	seller       *browser // Fanny's
}

func newShop(t *testing.T, engine db.Engine) *shop {
	t.Helper()
	a, srv := setup(t, engine)
	admin, bob, acc := team(t, a)
	fanny := signUp(t, a, "Fanny Freelance", "fanny@example.com")
	l := logoService(t, a, fanny, seller(t, a, fanny, "Fanny Studio"))
	if _, err := a.Billing.AddCard(context.Background(), admin, acc.ID, "tok_visa"); err != nil {
		t.Fatal(err)
	}
	s := &shop{a: a, ts: srv, admin: admin, bob: bob, fanny: fanny, acc: acc, service: l,
		alice: newBrowser(t, srv), buyer: newBrowser(t, srv), seller: newBrowser(t, srv)}
	s.alice.signIn("alice@example.com", "correct horse")
	s.buyer.signIn("bob@example.com", "correct horse")
	s.seller.signIn("fanny@example.com", "correct horse")
	return s
}

// approvalAbove sets the account's policy: an order above threshold waits
// for the admin's approval.
func (s *shop) approvalAbove(t *testing.T, threshold money.Money) {
	t.Helper()
	if _, err := s.a.Accounts.SetPolicies(context.Background(), s.admin, s.acc.ID, accounts.Policies{OrderApprovalThreshold: &threshold}); err != nil {
		t.Fatal(err)
	}
}

// orderForm reads the service page's order form as a browser would send
// it: its key and the account it selects, with the choices given.
func (b *browser) orderForm(serviceID string, choices url.Values) url.Values {
	b.t.Helper()
	status, body, _ := b.do("GET", "/services/"+serviceID, nil)
	if status != http.StatusOK {
		b.t.Fatalf("GET service: status %d", status)
	}
	if !strings.Contains(body, `action="/services/`+serviceID+`/orders"`) {
		b.t.Fatalf("no order form on the service page:\n%s", body)
	}
	key := formKey.FindStringSubmatch(body)
	acc := regexp.MustCompile(`<option value="(acc_[^"]+)" selected>`).FindStringSubmatch(body)
	if key == nil || acc == nil {
		b.t.Fatalf("the order form has no key or no account selected:\n%s", body)
	}
	v := url.Values{"idempotency_key": {key[1]}, "account_id": {acc[1]}, "package": {"1"}, "quantity": {"1"}}
	for k, x := range choices {
		v[k] = x
	}
	return v
}

var orderLocation = regexp.MustCompile(`^/orders/(ord_[A-Za-z0-9]+)$`)

// place posts the order form and returns the new order's id.
func (b *browser) place(serviceID string, form url.Values) string {
	b.t.Helper()
	status, body, h := b.do("POST", "/services/"+serviceID+"/orders", form)
	m := orderLocation.FindStringSubmatch(h.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		b.t.Fatalf("place: status %d, location %q\n%s", status, h.Get("Location"), body)
	}
	return m[1]
}

func countOrders(t *testing.T, a *app.App) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM orders`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestServicePageOrderFormPlacesOrder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		s := newShop(t, engine)
		id := s.service.ID

		// The form shows the price breakdown of what is chosen: 2 × 40.00
		// = 80.00, the 5.5% service fee (4.40) and the 3.00 small-order fee.
		status, body, _ := s.alice.do("GET", "/services/"+id+"?package=2&quantity=2", nil)
		if status != http.StatusOK {
			t.Fatalf("GET service: %d", status)
		}
		for _, want := range []string{i18n.T("en", "service.order.title"), "2 × $40.00", "$80.00", i18n.T("en", "order.price.service_fee"),
			"$4.40", i18n.T("en", "order.price.small_order_fee"), "$3.00", "$87.40", `>Acme · USD</option>`,
			// Acme gave no billing country: French VAT, 20% of 87.40.
			i18n.T("en", "order.price.total_before_vat"), i18n.T("en", "invoicepage.vat", "rate", "20%"), `id="quote-vat">$17.48<`,
			i18n.T("en", "order.price.total_with_vat"), `id="total-with-vat">$104.88<`} {
			if !strings.Contains(body, want) {
				t.Errorf("the order form lacks %q", want)
			}
		}

		// A bad quantity is refused inline and places nothing.
		form := s.alice.orderForm(id, url.Values{"package": {"2"}, "quantity": {"9"}, "requirements": {"Our brief"}})
		status, body, _ = s.alice.do("POST", "/services/"+id+"/orders", form)
		want := `id="f-quantity-error">` + i18n.T("en", "error.quantity_invalid", "max", 5) + `<`
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, "Our brief") {
			t.Fatalf("quantity 9: status %d, no inline error or the requirements were lost", status)
		}
		if n := countOrders(t, s.a); n != 0 {
			t.Fatalf("%d orders after a refused form", n)
		}

		form.Set("quantity", "2")
		orderID := s.alice.place(id, form)
		status, body, _ = s.alice.do("GET", "/orders/"+orderID, nil)
		if status != http.StatusOK {
			t.Fatalf("GET order: %d", status)
		}
		for _, want := range []string{i18n.T("en", "flash.order_placed"), "Logo design for your startup", "Standard × 2",
			i18n.T("en", "order.status.active"), "Our brief", "$87.40", "Fanny Studio", i18n.T("en", "order.price.invoice"),
			`id="order-vat">` + i18n.T("en", "order.price.vat") + `</dt><dd>$17.48<`,
			i18n.T("en", "order.progress.days_left_other", "count", 5), i18n.T("en", "order.event.placed", "name", "Alice Admin")} {
			if !strings.Contains(body, want) {
				t.Errorf("the order page lacks %q", want)
			}
		}
		// Her orders list it.
		_, body, _ = s.alice.do("GET", "/orders", nil)
		if !strings.Contains(body, `href="/orders/`+orderID+`"`) {
			t.Error("my orders does not list the order")
		}
		// An American company is quoted without VAT, and told why.
		if _, err := s.a.Billing.SetBillingInfo(context.Background(), s.admin, s.acc.ID, billing.BillingInfo{Country: "US"}); err != nil {
			t.Fatal(err)
		}
		_, body, _ = s.alice.do("GET", "/services/"+id+"?package=2&quantity=2", nil)
		has(t, "the order form to an American company", body, i18n.T("en", "invoice.vat_outside_eu"))
		if !strings.Contains(body, `id="grand-total">$87.40<`) || strings.Contains(body, "quote-vat") {
			t.Error("an American company is quoted VAT, or not the total")
		}
	})
}

func TestMemberOrderAboveThresholdWaitsForAdmin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		s := newShop(t, engine)
		s.approvalAbove(t, money.New(5000, "USD"))
		_, body, _ := s.buyer.do("GET", "/services/"+s.service.ID, nil)
		if !strings.Contains(body, html.EscapeString(i18n.T("en", "service.order.approval_note", "account", "Acme", "amount", "$50.00"))) {
			t.Error("the order form does not tell the member about the approval threshold")
		}
		orderID := s.buyer.place(s.service.ID, s.buyer.orderForm(s.service.ID, url.Values{"package": {"2"}, "quantity": {"2"}}))
		_, body, _ = s.buyer.do("GET", "/orders/"+orderID, nil)
		for _, want := range []string{i18n.T("en", "flash.order_waits"), i18n.T("en", "order.notice.pending"), i18n.T("en", "order.status.pending_approval")} {
			if !strings.Contains(body, html.EscapeString(want)) {
				t.Errorf("the member's order page lacks %q", want)
			}
		}
		if strings.Contains(body, `action="/orders/`+orderID+`/approve"`) {
			t.Error("the member is offered to approve")
		}
		if status, _, _ := s.buyer.do("GET", "/accounts/"+s.acc.ID+"/approvals", nil); status != http.StatusForbidden {
			t.Errorf("a member's approval queue: %d, want 403", status)
		}
		// The freelancer does not know of it yet.
		if status, _, _ := s.seller.do("GET", "/orders/"+orderID, nil); status != http.StatusNotFound {
			t.Errorf("the freelancer sees a waiting order: %d", status)
		}

		// Alice sees the count on her dashboard and the account's tabs,
		// and the order in her queue.
		_, body, _ = s.alice.do("GET", "/", nil)
		if !strings.Contains(body, i18n.T("en", "dashboard.approvals_one", "account", "Acme")) {
			t.Error("the dashboard does not count the approval")
		}
		status, body, _ := s.alice.do("GET", "/accounts/"+s.acc.ID+"/approvals", nil)
		if status != http.StatusOK || !strings.Contains(body, `href="/orders/`+orderID+`"`) || !strings.Contains(body, "Bob Member") ||
			!strings.Contains(body, `<span class="count"`) {
			t.Fatalf("approval queue: status %d, or no order, buyer or count", status)
		}
		key := formKey.FindStringSubmatch(body)
		form := url.Values{"idempotency_key": {key[1]}, "queue": {s.acc.ID}}
		status, _, h := s.alice.do("POST", "/orders/"+orderID+"/approve", form)
		if status != http.StatusSeeOther || h.Get("Location") != "/accounts/"+s.acc.ID+"/approvals" {
			t.Fatalf("approve: %d %q", status, h.Get("Location"))
		}
		// The same form again approves nothing more.
		if status, _, _ := s.alice.do("POST", "/orders/"+orderID+"/approve", form); status != http.StatusSeeOther {
			t.Fatalf("approve again: %d", status)
		}
		o, err := s.a.Orders.Get(ctx, s.admin, orderID)
		if err != nil || o.Status != orders.Active {
			t.Fatalf("after approval: %+v %v", o, err)
		}
		invs, _ := s.a.Billing.Invoices(ctx, s.admin, s.acc.ID, page.Request{})
		if len(invs.Items) != 1 {
			t.Errorf("%d invoices after approving once twice", len(invs.Items))
		}
		_, body, _ = s.alice.do("GET", "/accounts/"+s.acc.ID+"/approvals", nil)
		if !strings.Contains(body, i18n.T("en", "flash.order_approve_repeated")) || !strings.Contains(body, i18n.T("en", "approvals.none")) {
			t.Error("the queue is not empty after approval")
		}
	})
}

func TestDoublePostedOrderFormPlacesOneOrder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		s := newShop(t, engine)
		form := s.alice.orderForm(s.service.ID, url.Values{"quantity": {"3"}})
		s.alice.place(s.service.ID, form)
		status, _, h := s.alice.do("POST", "/services/"+s.service.ID+"/orders", form)
		if status != http.StatusSeeOther || h.Get("Location") != "/orders" {
			t.Fatalf("second post: %d %q", status, h.Get("Location"))
		}
		_, body, _ := s.alice.do("GET", "/orders", nil)
		if !strings.Contains(body, i18n.T("en", "flash.order_repeated")) {
			t.Error("the repeat is not explained")
		}
		if n := countOrders(t, s.a); n != 1 {
			t.Fatalf("%d orders from one form", n)
		}
	})
}

// multipartPost sends a form with files, as a browser's file input does.
func (b *browser) multipartPost(path string, fields map[string]string, files map[string][]byte) (int, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="files"; filename="`+name+`"`)
		h.Set("Content-Type", "application/pdf")
		w, _ := mw.CreatePart(h)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(text)
}

func TestOnlyTheFreelancerDeliversAndTheClientDownloads(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		s := newShop(t, engine)
		orderID := s.alice.place(s.service.ID, s.alice.orderForm(s.service.ID, nil))
		deliver := `action="/orders/` + orderID + `/deliver"`

		_, body, _ := s.alice.do("GET", "/orders/"+orderID, nil)
		if strings.Contains(body, deliver) {
			t.Error("the client sees the deliver form")
		}
		status, body := s.alice.multipartPost("/orders/"+orderID+"/deliver", map[string]string{"message": "Here"}, nil)
		if status != http.StatusForbidden || !strings.Contains(body, i18n.T("en", "error.wrong_side", "side", "freelancer")) {
			t.Fatalf("the client delivering: %d, want 403 saying why", status)
		}

		_, body, _ = s.seller.do("GET", "/orders/"+orderID, nil)
		if !strings.Contains(body, deliver) || strings.Contains(body, i18n.T("en", "order.price.invoice")) {
			t.Fatal("the freelancer has no deliver form, or sees the client's invoice")
		}
		// An empty message is refused inline.
		status, body = s.seller.multipartPost("/orders/"+orderID+"/deliver", map[string]string{"form": "deliver", "message": " "}, nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-deliver-message-error">`+i18n.T("en", "error.required")) {
			t.Fatalf("empty delivery: %d, no inline error", status)
		}
		pdf := []byte("%PDF-1.4 the logo concepts")
		status, body = s.seller.multipartPost("/orders/"+orderID+"/deliver", map[string]string{"form": "deliver", "message": "Three concepts, as promised."},
			map[string][]byte{"concepts.pdf": pdf})
		if status != http.StatusSeeOther {
			t.Fatalf("deliver: %d\n%s", status, body)
		}

		_, body, _ = s.alice.do("GET", "/orders/"+orderID, nil)
		link := regexp.MustCompile(`href="(/orders/` + orderID + `/files/ofl_[^"]+)"`).FindStringSubmatch(body)
		for _, want := range []string{i18n.T("en", "order.status.delivered"), "Three concepts, as promised.", "concepts.pdf",
			i18n.T("en", "order.answer.accept"), i18n.T("en", "order.revision.left_one")} {
			if !strings.Contains(body, want) {
				t.Errorf("the client's page after delivery lacks %q", want)
			}
		}
		if link == nil {
			t.Fatal("no download link")
		}
		status, got, h := s.alice.do("GET", link[1], nil)
		if status != http.StatusOK || got != string(pdf) || h.Get("Content-Type") != "application/pdf" ||
			!strings.Contains(h.Get("Content-Disposition"), `filename=concepts.pdf`) {
			t.Fatalf("download: %d %q %q %q", status, got, h.Get("Content-Type"), h.Get("Content-Disposition"))
		}
		// A stranger cannot download it.
		signUp(t, s.a, "Mallory", "mallory@example.com")
		m := newBrowser(t, s.ts)
		m.signIn("mallory@example.com", "correct horse")
		if status, _, _ := m.do("GET", link[1], nil); status != http.StatusNotFound {
			t.Errorf("a stranger's download: %d", status)
		}
	})
}

// The spending gate on the pages: Bob, a member, accepts Fanny's raise
// above the threshold; his order page says it waits, Alice's queue shows
// it with its amount, and her approval charges it (once per form).
func TestRaiseAboveThresholdWaitsInTheQueue(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		s := newShop(t, engine)
		orderID := s.buyer.place(s.service.ID, s.buyer.orderForm(s.service.ID, url.Values{"package": {"1"}, "quantity": {"1"}}))
		s.approvalAbove(t, money.New(50000, "USD"))
		req, _, err := s.a.Resolutions.OpenRequest(ctx, s.fanny, orderID, resolutions.NewRequest{Kind: orders.RequestChangeScope,
			Price: &money.Money{Amount: 200000, Currency: "USD"}, Message: "A whole brand book"})
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := s.buyer.do("GET", "/orders/"+orderID, nil)
		key := formKey.FindStringSubmatch(body)
		status, _, h := s.buyer.do("POST", "/orders/"+orderID+"/resolutions/"+req.ID+"/accept", url.Values{"idempotency_key": {key[1]}})
		if status != http.StatusSeeOther {
			t.Fatalf("accept: %d", status)
		}
		_, body, _ = s.buyer.do("GET", h.Get("Location"), nil)
		for _, want := range []string{i18n.T("en", "flash.spend_awaiting_approval"), i18n.T("en", "resolution.request.awaiting_approval")} {
			if !strings.Contains(body, html.EscapeString(want)) {
				t.Errorf("Bob's order page lacks %q", want)
			}
		}
		invoices := func() int {
			invs, err := s.a.Billing.Invoices(ctx, s.admin, s.acc.ID, page.Request{})
			if err != nil {
				t.Fatal(err)
			}
			return len(invs.Items)
		}
		if invoices() != 1 {
			t.Fatalf("%d invoices before the approval", invoices())
		}
		for _, lang := range []string{"en", "fr"} {
			s.alice.do("POST", "/lang", url.Values{"lang": {lang}})
			status, body, _ = s.alice.do("GET", "/accounts/"+s.acc.ID+"/approvals", nil)
			if status != http.StatusOK || !strings.Contains(body, i18n.T(lang, "approvals.spend.title")) || !strings.Contains(body, "Bob Member") ||
				!strings.Contains(body, `action="/spend-approvals/`) {
				t.Fatalf("%s queue: status %d, or no raise", lang, status)
			}
		}
		s.alice.do("POST", "/lang", url.Values{"lang": {"en"}})
		id := regexp.MustCompile(`action="/spend-approvals/(apv_[0-9a-f]+)/approve"`).FindStringSubmatch(body)[1]
		// A rejection needs a reason, said next to its field.
		status, body, _ = s.alice.do("POST", "/spend-approvals/"+id+"/reject", url.Values{"queue": {s.acc.ID}, "reason": {" "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-reason-`+id+`-error"`) {
			t.Fatalf("reject without a reason: %d", status)
		}
		form := url.Values{"idempotency_key": {formKey.FindStringSubmatch(body)[1]}, "queue": {s.acc.ID}}
		for range 2 {
			if status, _, h = s.alice.do("POST", "/spend-approvals/"+id+"/approve", form); status != http.StatusSeeOther || h.Get("Location") != "/accounts/"+s.acc.ID+"/approvals" {
				t.Fatalf("approve: %d %q", status, h.Get("Location"))
			}
		}
		if invoices() != 2 {
			t.Fatalf("%d invoices after approving once twice", invoices())
		}
		if o, err := s.a.Orders.Get(ctx, s.admin, orderID); err != nil || o.Subtotal.Amount != 200000 {
			t.Fatalf("after approval: %v %v", o.Subtotal, err)
		}
	})
}

// Uploads leave nothing on disk: a multipart post to a page that takes no
// files is refused before it is read (415), and an attachment accepted,
// or refused as too large, leaves no temporary file. (Not parallel: it
// points the process's temporary folder at its own.)
func TestUploadsLeaveNoTemporaryFiles(t *testing.T) {
	s := newShop(t, db.SQLite)
	orderID := s.buyer.place(s.service.ID, s.buyer.orderForm(s.service.ID, nil))
	tmp := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	leftovers := func(when string) {
		t.Helper()
		if names, _ := os.ReadDir(tmp); len(names) != 0 {
			t.Fatalf("%s: %d files left in the temporary folder (%s)", when, len(names), names[0].Name())
		}
	}
	big := bytes.Repeat([]byte("%PDF-1.4 "), 40<<20/9)
	anon := newBrowser(t, s.ts)
	if status, _ := anon.multipartPost("/lang", map[string]string{"lang": "fr"}, map[string][]byte{"big.pdf": big}); status != http.StatusUnsupportedMediaType {
		t.Fatalf("a 40 MB multipart post to /lang: %d, want 415", status)
	}
	leftovers("after /lang")
	if status, _ := s.buyer.multipartPost("/orders/"+orderID+"/messages", map[string]string{"body": "The brief"},
		map[string][]byte{"brief.pdf": big[:10<<20]}); status != http.StatusSeeOther {
		t.Fatalf("a 10 MB attachment: %d", status)
	}
	leftovers("after a 10 MB attachment")
	if status, _ := s.buyer.multipartPost("/orders/"+orderID+"/messages", map[string]string{"body": "Too big"},
		map[string][]byte{"huge.pdf": big[:25<<20]}); status != http.StatusUnprocessableEntity {
		t.Fatalf("a 25 MB attachment: %d", status)
	}
	leftovers("after a refused attachment")
	// A form without files is bounded too.
	if status, _, _ := s.buyer.do("POST", "/lang", url.Values{"lang": {"fr"}, "pad": {strings.Repeat("x", 2<<20)}}); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 2 MB form: %d, want 413", status)
	}
}
