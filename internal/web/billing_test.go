package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"atelier/internal/accounts"
	"atelier/internal/app"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

// team opens a USD account for Alice (admin) with Bob as a plain member.
func team(t *testing.T, a *app.App) (admin, member users.User, acc accounts.Account) {
	t.Helper()
	ctx := context.Background()
	admin = signUp(t, a, "Alice Admin", "alice@example.com")
	member = signUp(t, a, "Bob Member", "bob@example.com")
	acc, err := a.Accounts.Create(ctx, admin, "Acme", "USD")
	if err != nil {
		t.Fatal(err)
	}
	addMember(t, a, admin, acc, member)
	return admin, member, acc
}

// addMember makes u a member of the account: the admin invites, u accepts.
func addMember(t *testing.T, a *app.App, admin users.User, acc accounts.Account, u users.User) {
	t.Helper()
	ctx := context.Background()
	inv, err := a.Accounts.Invite(ctx, admin, acc.ID, u.Email, accounts.Member)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.AcceptInvitation(ctx, u, inv.ID); err != nil {
		t.Fatal(err)
	}
}

var formKey = regexp.MustCompile(`name="idempotency_key" value="([0-9a-f]{32})"`)

// depositForm reads the deposit form of the billing page as a browser
// would submit it: its key, and the card it selects.
func (b *browser) depositForm(accountID string) url.Values {
	b.t.Helper()
	status, body, _ := b.do("GET", "/accounts/"+accountID+"/billing", nil)
	if status != http.StatusOK {
		b.t.Fatalf("GET billing: status %d", status)
	}
	key := formKey.FindStringSubmatch(body)
	if key == nil {
		b.t.Fatalf("no idempotency key in the deposit form:\n%s", body)
	}
	selected := regexp.MustCompile(`<option value="(pm_[^"]+)" selected>`).FindStringSubmatch(body)
	if selected == nil {
		b.t.Fatalf("no card selected in the deposit form:\n%s", body)
	}
	return url.Values{"idempotency_key": {key[1]}, "payment_method_id": {selected[1]}}
}

func balance(t *testing.T, a *app.App, u users.User, accountID string) billing.AccountBalance {
	t.Helper()
	bal, err := a.Billing.Balance(context.Background(), u, accountID)
	if err != nil {
		t.Fatal(err)
	}
	return bal
}

func TestMemberGets403OnBillingAndStranger404(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, engine)
		admin, _, acc := team(t, a)
		signUp(t, a, "Mallory", "mallory@example.com")
		card, err := a.Billing.AddCard(ctx, admin, acc.ID, "tok_visa")
		if err != nil {
			t.Fatal(err)
		}
		base := "/accounts/" + acc.ID

		bob := newBrowser(t, srv)
		bob.signIn("bob@example.com", "correct horse")
		status, body, _ := bob.do("GET", base, nil)
		if status != http.StatusOK || strings.Contains(body, `href="`+base+`/billing"`) || !strings.Contains(body, `href="`+base+`/rewards"`) {
			t.Errorf("a member's account page: status %d, or a billing tab, or no rewards tab", status)
		}
		status, body, _ = bob.do("GET", base+"/billing", nil)
		if status != http.StatusForbidden || !strings.Contains(body, i18n.T("en", "error.role_not_allowed")) {
			t.Errorf("GET billing as a member: status %d, want 403 saying why", status)
		}
		if strings.Contains(body, "4242") {
			t.Error("the 403 page shows the account's card")
		}
		for path, form := range map[string]url.Values{
			base + "/billing/deposits":                      {"amount": {"250.00"}, "payment_method_id": {card.ID}, "idempotency_key": {"0123456789abcdef0123456789abcdef"}},
			base + "/billing/cards":                         {"token": {"tok_mastercard"}},
			base + "/billing/cards/" + card.ID + "/default": {},
			base + "/billing/cards/" + card.ID + "/remove":  {},
			base + "/billing/info":                          {"company": {"Bob's Company"}},
		} {
			if status, _, _ := bob.do("POST", path, form); status != http.StatusForbidden {
				t.Errorf("POST %s as a member: status %d, want 403", path, status)
			}
		}
		if status, _, _ := bob.do("GET", base+"/invoices", nil); status != http.StatusForbidden {
			t.Errorf("GET invoices as a member: status %d, want 403", status)
		}
		if bal := balance(t, a, admin, acc.ID); bal.Available.Amount != 0 {
			t.Errorf("a member's posts deposited %v", bal.Available)
		}
		methods, _ := a.Billing.PaymentMethods(ctx, admin, acc.ID)
		if len(methods) != 1 || methods[0].ID != card.ID || !methods[0].Default {
			t.Errorf("a member's posts changed the cards: %+v", methods)
		}
		if info, _ := a.Billing.BillingInfo(ctx, admin, acc.ID); info.Company != "" {
			t.Errorf("a member's post changed the billing info: %+v", info)
		}

		mallory := newBrowser(t, srv)
		mallory.signIn("mallory@example.com", "correct horse")
		for _, p := range []string{base + "/billing", base + "/invoices", base + "/rewards"} {
			status, body, _ := mallory.do("GET", p, nil)
			if status != http.StatusNotFound || strings.Contains(body, "Acme") {
				t.Errorf("GET %s as a stranger: status %d, want 404 without the account's name", p, status)
			}
		}
		if status, _, _ := mallory.do("POST", base+"/billing/cards", url.Values{"token": {"tok_visa"}}); status != http.StatusNotFound {
			t.Errorf("POST a card as a stranger: status %d, want 404", status)
		}
	})
}

func TestAdminAddsCardAndDeposits(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		admin, _, acc := team(t, a)
		base := "/accounts/" + acc.ID
		alice := newBrowser(t, srv)
		alice.signIn("alice@example.com", "correct horse")

		status, body, _ := alice.do("GET", base+"/billing", nil)
		if status != http.StatusOK || !strings.Contains(body, i18n.T("en", "billing.deposit.no_card")) || !strings.Contains(body, "tok_chargeDeclined") {
			t.Fatalf("empty billing page: status %d, no 'add a card first' or no test tokens", status)
		}
		status, body, _ = alice.do("POST", base+"/billing/cards", url.Values{"token": {"tok_nope"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-token-error">`+i18n.T("en", "error.card_token_invalid")) {
			t.Fatalf("bad token: status %d, no inline error", status)
		}
		status, _, h := alice.do("POST", base+"/billing/cards", url.Values{"token": {"tok_visa"}})
		if status != http.StatusSeeOther || h.Get("Location") != base+"/billing" {
			t.Fatalf("add card: status %d, location %q", status, h.Get("Location"))
		}
		form := alice.depositForm(acc.ID)
		form.Set("amount", "250.00")
		status, _, h = alice.do("POST", base+"/billing/deposits", form)
		if status != http.StatusSeeOther || h.Get("Location") != base+"/billing" {
			t.Fatalf("deposit: status %d, location %q", status, h.Get("Location"))
		}
		_, body, _ = alice.do("GET", base+"/billing", nil)
		for _, want := range []string{
			i18n.T("en", "flash.deposit_made", "amount", "$250.00"),
			`<p class="stat-value" id="balance">$250.00</p>`,
			"Visa •••• 4242", i18n.T("en", "billing.cards.default"),
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the billing page after the deposit lacks %q", want)
			}
		}
		if bal := balance(t, a, admin, acc.ID); bal.Available != money.New(25000, "USD") || bal.Credits.Amount != 0 {
			t.Errorf("balance %+v, want 250.00 USD and no credit", bal)
		}

		// The deposit has its invoice, listed and shown.
		invs, err := a.Billing.Invoices(context.Background(), admin, acc.ID, page.Request{})
		if err != nil || len(invs.Items) != 1 {
			t.Fatalf("invoices %+v, %v", invs.Items, err)
		}
		inv := invs.Items[0]
		_, body, _ = alice.do("GET", base+"/invoices", nil)
		for _, want := range []string{inv.Number, `href="/invoices/` + inv.ID + `/pdf"`, `href="` + base + `/invoices.csv"`, "$250.00", i18n.T("en", "invoice.kind.deposit")} {
			if !strings.Contains(body, want) {
				t.Errorf("the invoices page lacks %q", want)
			}
		}
		status, body, _ = alice.do("GET", "/invoices/"+inv.ID, nil)
		if status != http.StatusOK {
			t.Fatalf("invoice page: status %d", status)
		}
		for _, want := range []string{inv.Number, "Atelier Marketplace SAS", "FR00123456789", "Acme", "Deposit to the account balance", "$250.00", "Visa •••• 4242"} {
			if !strings.Contains(body, want) {
				t.Errorf("the invoice page lacks %q", want)
			}
		}

		// Billing info saved, and a bad country refused inline.
		status, body, _ = alice.do("POST", base+"/billing/info", url.Values{"company": {"Acme Inc."}, "country": {"USA"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-country-error">`+i18n.T("en", "error.country_invalid")) ||
			!strings.Contains(body, `value="Acme Inc."`) {
			t.Fatalf("bad country: status %d, no inline error or the company typed is lost", status)
		}
		status, _, _ = alice.do("POST", base+"/billing/info", url.Values{"company": {"Acme Inc."}, "address": {"1 Main St\nSpringfield"}, "country": {"us"}, "vat_id": {""}, "email": {"ap@acme.test"}})
		if status != http.StatusSeeOther {
			t.Fatalf("save billing info: status %d", status)
		}
		if info, _ := a.Billing.BillingInfo(context.Background(), admin, acc.ID); info.Company != "Acme Inc." || info.Country != "US" || info.Email != "ap@acme.test" {
			t.Errorf("billing info %+v", info)
		}
	})
}

// A deposit form sent twice — a double click, a reload — deposits once,
// whether the second post comes after the first or at the same time.
func TestDoubleSubmittedDepositDepositsOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, engine)
		admin, _, acc := team(t, a)
		if _, err := a.Billing.AddCard(ctx, admin, acc.ID, "tok_visa"); err != nil {
			t.Fatal(err)
		}
		base := "/accounts/" + acc.ID
		alice := newBrowser(t, srv)
		alice.signIn("alice@example.com", "correct horse")

		form := alice.depositForm(acc.ID)
		form.Set("amount", "250.00")
		for i := range 2 {
			status, _, h := alice.do("POST", base+"/billing/deposits", form)
			if status != http.StatusSeeOther || h.Get("Location") != base+"/billing" {
				t.Fatalf("post %d: status %d, location %q", i+1, status, h.Get("Location"))
			}
		}
		_, body, _ := alice.do("GET", base+"/billing", nil)
		if !strings.Contains(body, i18n.T("en", "flash.deposit_repeated")) {
			t.Error("the second post does not say the deposit was already made")
		}
		if bal := balance(t, a, admin, acc.ID); bal.Available.Amount != 25000 {
			t.Fatalf("balance %v after the same form twice, want 250.00", bal.Available)
		}

		// The same form again, eight times at once: one more deposit.
		form = alice.depositForm(acc.ID)
		form.Set("amount", "100.00")
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", alice.base+base+"/billing/deposits", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if res, err := alice.c.Do(req); err == nil {
					statuses[i] = res.StatusCode
					res.Body.Close()
				}
			}()
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusSeeOther && s != http.StatusConflict {
				t.Errorf("concurrent post %d: status %d, want 303 or 409", i, s)
			}
		}
		if bal := balance(t, a, admin, acc.ID); bal.Available.Amount != 35000 {
			t.Errorf("balance %v after one form posted eight times at once, want 350.00", bal.Available)
		}
		deps, err := a.Billing.Deposits(ctx, admin, acc.ID, page.Request{})
		if err != nil || len(deps.Items) != 2 {
			t.Errorf("%d deposits, want 2 (%v)", len(deps.Items), err)
		}
	})
}

func TestDeclinedCardShowsInlineErrorAndBalanceStays(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, engine)
		admin, _, acc := team(t, a)
		if _, err := a.Billing.AddCard(ctx, admin, acc.ID, "tok_visa"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Billing.Deposit(ctx, admin, acc.ID, money.New(10000, "USD"), "", "first"); err != nil {
			t.Fatal(err)
		}
		declined, err := a.Billing.AddCard(ctx, admin, acc.ID, "tok_chargeDeclined")
		if err != nil {
			t.Fatal(err)
		}
		base := "/accounts/" + acc.ID
		alice := newBrowser(t, srv)
		alice.signIn("alice@example.com", "correct horse")
		form := alice.depositForm(acc.ID)
		form.Set("amount", "50.00")
		form.Set("payment_method_id", declined.ID)
		status, body, _ := alice.do("POST", base+"/billing/deposits", form)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("declined deposit: status %d, want 422", status)
		}
		want := `<p class="field-error" id="f-payment-method-id-error">` + i18n.T("en", "error.card_declined") + `</p>`
		if !strings.Contains(body, want) {
			t.Errorf("no inline %q on the card select:\n%s", want, body)
		}
		if !strings.Contains(body, `value="50.00"`) || !strings.Contains(body, `<option value="`+declined.ID+`" selected>`) {
			t.Error("the amount or the card chosen was not kept")
		}
		if k := formKey.FindStringSubmatch(body); k == nil || k[1] == form.Get("idempotency_key") {
			t.Error("the form shown again does not carry a fresh key")
		}
		if !strings.Contains(body, `<p class="stat-value" id="balance">$100.00</p>`) {
			t.Error("the page does not show the balance unchanged")
		}
		if bal := balance(t, a, admin, acc.ID); bal.Available.Amount != 10000 {
			t.Errorf("balance %v after a declined deposit, want 100.00", bal.Available)
		}

		// An empty or unreadable amount is refused inline; nothing moves.
		for _, amount := range []string{"", "12,5x", "0"} {
			form := alice.depositForm(acc.ID)
			form.Set("amount", amount)
			status, body, _ := alice.do("POST", base+"/billing/deposits", form)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-amount-error"`) {
				t.Errorf("amount %q: status %d, no inline error", amount, status)
			}
		}
		if bal := balance(t, a, admin, acc.ID); bal.Available.Amount != 10000 {
			t.Errorf("balance %v after refused deposits", bal.Available)
		}
	})
}

func TestRewardsPageShowsLevelAndProgress(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, engine)
		_, _, acc := team(t, a)
		// The account paid 250.00 for orders: a quarter of the way to Gold.
		if err := a.DB.InTx(ctx, func(tx *db.Tx) error {
			return a.Billing.RecordSpend(ctx, tx, acc.ID, "ord_test", money.New(25000, "USD"))
		}); err != nil {
			t.Fatal(err)
		}
		bob := newBrowser(t, srv)
		bob.signIn("bob@example.com", "correct horse")
		status, body, _ := bob.do("GET", "/accounts/"+acc.ID+"/rewards", nil)
		if status != http.StatusOK {
			t.Fatalf("rewards page as a member: status %d", status)
		}
		for _, want := range []string{
			`id="level">Silver<`, `id="spend">$250.00<`, `aria-valuenow="25"`, `style="width: 25%"`,
			i18n.T("en", "rewards.to_go", "amount", "$750.00", "level", "Gold"), `id="rate">1%<`, `id="credit">$0.00<`,
			"$1,000.00", "$5,000.00", "3%", "5%", "$10,000.00", "$30,000.00", "10%", i18n.T("en", "rewards.program.not_spend"),
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the rewards page lacks %q", want)
			}
		}
	})
}

func TestInvoicePageIsForBillingPeopleOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, srv := setup(t, db.SQLite)
	admin, _, acc := team(t, a)
	signUp(t, a, "Mallory", "mallory@example.com")
	if _, err := a.Billing.AddCard(ctx, admin, acc.ID, "tok_visa"); err != nil {
		t.Fatal(err)
	}
	dep, err := a.Billing.Deposit(ctx, admin, acc.ID, money.New(5000, "USD"), "", "k")
	if err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]int{"bob@example.com": http.StatusForbidden, "mallory@example.com": http.StatusNotFound} {
		b := newBrowser(t, srv)
		b.signIn(who, "correct horse")
		status, body, _ := b.do("GET", "/invoices/"+dep.InvoiceID, nil)
		if status != want || strings.Contains(body, "ATL-") {
			t.Errorf("%s: status %d, want %d without the invoice", who, status, want)
		}
	}
}

func TestWithdrawWithoutEarningsIsRefusedInline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, srv := setup(t, db.SQLite)
	u := signUp(t, a, "Fiona Freelancer", "fiona@example.com")
	if _, err := a.Catalog.CreateFreelancer(ctx, u, catalog.Profile{DisplayName: "Fiona", Country: "FR", HourlyRate: money.New(6000, "EUR")}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn("fiona@example.com", "correct horse")
	status, body, _ := b.do("GET", "/sell", nil)
	if status != http.StatusOK || !strings.Contains(body, `id="earnings-available">€0.00<`) || !formKey.MatchString(body) {
		t.Fatalf("seller dashboard: status %d, no earnings or no withdraw form", status)
	}
	key := formKey.FindStringSubmatch(body)[1]
	status, body, _ = b.do("POST", "/sell/withdraw", url.Values{"amount": {"10.00"}, "idempotency_key": {key}})
	if status != http.StatusConflict || !strings.Contains(body, `id="f-amount-error">`+i18n.T("en", "error.insufficient_funds")) {
		t.Fatalf("withdrawing with nothing available: status %d, no inline error", status)
	}
	if !strings.Contains(body, `value="10.00"`) {
		t.Error("the amount typed was not kept")
	}
}

func TestInvoiceDownloads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, srv := setup(t, db.SQLite)
	admin, _, acc := team(t, a)
	if _, err := a.Billing.AddCard(ctx, admin, acc.ID, "tok_visa"); err != nil {
		t.Fatal(err)
	}
	// A deposit is not a sale: its invoice says why there is no VAT, the
	// page as the PDF does (it used to say "reverse charge" for all).
	if _, err := a.Billing.SetBillingInfo(ctx, admin, acc.ID, billing.BillingInfo{Company: "Acme Inc.", Country: "US"}); err != nil {
		t.Fatal(err)
	}
	dep, err := a.Billing.Deposit(ctx, admin, acc.ID, money.New(5000, "USD"), "", "k")
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn("alice@example.com", "correct horse")
	_, invPage, _ := b.do("GET", "/invoices/"+dep.InvoiceID, nil)
	has(t, "the invoice page", invPage, i18n.T("en", "invoice.vat_prepayment"))
	if strings.Contains(invPage, "reverse charge") {
		t.Error("an invoice to a US business says reverse charge")
	}
	status, body, h := b.do("GET", "/invoices/"+dep.InvoiceID+"/pdf", nil)
	if status != 200 || !strings.HasPrefix(body, "%PDF-") || h.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("PDF: %d %.20q, Cache-Control %q", status, body, h.Get("Cache-Control"))
	}
	status, body, h = b.do("GET", "/accounts/"+acc.ID+"/invoices.csv", nil)
	if status != 200 || !strings.Contains(body, "ATL-000001") || h.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("CSV: %d %s, Cache-Control %q", status, body, h.Get("Cache-Control"))
	}
	member := newBrowser(t, srv)
	member.signIn("bob@example.com", "correct horse")
	if status, _, _ := member.do("GET", "/invoices/"+dep.InvoiceID+"/pdf", nil); status != http.StatusForbidden {
		t.Fatalf("member PDF: %d", status)
	}

	// A refund issues a credit note: listed under the invoices, shown as a
	// document naming the invoice it corrects, downloaded as PDF, and
	// negative in the CSV.
	if _, err := a.Billing.RefundDeposit(ctx, admin, acc.ID, dep.ID, money.New(2000, "USD")); err != nil {
		t.Fatal(err)
	}
	notes, err := a.Billing.CreditNotes(ctx, admin, acc.ID, page.Request{})
	if err != nil || len(notes.Items) != 1 {
		t.Fatalf("credit notes %v %v", notes, err)
	}
	cn := notes.Items[0].ID
	_, body, _ = b.do("GET", "/accounts/"+acc.ID+"/invoices", nil)
	has(t, "the invoices page", body, "Credit notes", "AV-000001", "ATL-000001")
	if !strings.Contains(body, `href="/credit-notes/`+cn+`"`) {
		t.Error("the invoices page has no link to the credit note")
	}
	_, body, _ = b.do("GET", "/credit-notes/"+cn, nil)
	has(t, "the credit note", body, "AV-000001", "Corrects invoice", "ATL-000001", "Refunded to the card that paid", "$20.00")
	status, body, h = b.do("GET", "/credit-notes/"+cn+"/pdf", nil)
	if status != 200 || !strings.HasPrefix(body, "%PDF-") || h.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("credit note PDF: %d %.20q", status, body)
	}
	if _, body, _ = b.do("GET", "/accounts/"+acc.ID+"/invoices.csv", nil); !strings.Contains(body, "AV-000001") || !strings.Contains(body, "-20.00") {
		t.Fatalf("CSV with the credit note:\n%s", body)
	}
	if status, _, _ := member.do("GET", "/credit-notes/"+cn+"/pdf", nil); status != http.StatusForbidden {
		t.Fatalf("member credit note PDF: %d", status)
	}

	// The rest of the balance goes back to the card from the billing page;
	// too much is refused on the form's field, and changes nothing.
	_, body, _ = b.do("GET", "/accounts/"+acc.ID+"/billing", nil)
	has(t, "the billing page", body, "Send money back to your cards")
	status, body, _ = b.do("POST", "/accounts/"+acc.ID+"/billing/balance-refund", url.Values{"refund_amount": {"31.00"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-refund-amount-error"`) {
		t.Fatalf("too much back: %d", status)
	}
	status, _, h = b.do("POST", "/accounts/"+acc.ID+"/billing/balance-refund", url.Values{"refund_amount": {"30.00"}})
	if status != http.StatusSeeOther {
		t.Fatalf("the balance back: %d %s", status, h.Get("Location"))
	}
	if bal, _ := a.Billing.Balance(ctx, admin, acc.ID); bal.Available.Amount != 0 {
		t.Fatalf("balance after sending it all back: %v", bal.Available)
	}
	if status, _, _ := member.do("POST", "/accounts/"+acc.ID+"/billing/balance-refund", url.Values{"refund_amount": {"1.00"}}); status != http.StatusForbidden {
		t.Fatalf("a member sends the balance back: %d", status)
	}
}
