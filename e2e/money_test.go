package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"atelier/internal/db"
	"atelier/internal/money"
)

// The money story of PRODUCT.md §3–4 in a browser: the admin of a business
// account saves a card and her billing details, deposits 12,000.00 (which
// earns a 600.00 credit), finds the deposit's invoice, and reads where the
// account stands in the rewards program; a member sees the rewards but not
// the billing.
func TestAdminDepositsAndMemberSeesRewards(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		ctx := context.Background()

		// Alice runs Acme Studio (in US dollars); Bob is a member. Orders
		// are not in the web UI yet: the account's past order payments are
		// recorded as spend directly.
		a := srv.App
		alice, bob := srv.signUp(t, "Alice Martin", "alice@example.com"), srv.signUp(t, "Bob Dupont", "bob@example.com")
		acc, err := a.Accounts.Create(ctx, alice, "Acme Studio", "USD")
		if err != nil {
			t.Fatal(err)
		}
		srv.join(t, alice, acc.ID, bob)
		if err := a.DB.InTx(ctx, func(tx *db.Tx) error {
			return a.Billing.RecordSpend(ctx, tx, acc.ID, "ord_earlier", money.New(35000, "USD"))
		}); err != nil {
			t.Fatal(err)
		}
		accountURL := "/accounts/" + acc.ID

		// Alice opens the Billing tab: no card yet.
		al := srv.signedIn(t, browser, "Alice", "alice@example.com")
		al.open(accountURL)
		al.click(`.tabs a[href$="/billing"]`)
		al.sees("$0.00", "Add a card to make a deposit.", "tok_visa", "tok_chargeDeclined")

		// She saves two test cards; the first is the default.
		al.fill("#f-token", "tok_visa")
		al.click(`form[action$="/billing/cards"] button[type="submit"]`)
		al.sees("Visa •••• 4242 added.", "Expires 12/34", "Default")
		al.fill("#f-token", "tok_mastercard")
		al.click(`form[action$="/billing/cards"] button[type="submit"]`)
		al.sees("Mastercard •••• 4444 added.")
		if n := al.count(`form[action$="/default"]`); n != 1 {
			t.Fatalf("%d 'make default' buttons, want 1 (for the Mastercard)", n)
		}

		// Her billing details, for the invoices.
		al.fill("#f-company", "Acme Studio Inc.")
		al.typeIn("#f-address", "500 Howard Street\nSan Francisco, CA 94105")
		al.fill("#f-country", "us")
		al.fill("#f-email", "accounts@acme.example")
		al.click(`form[action$="/billing/info"] button[type="submit"]`)
		al.sees("Billing details saved.")

		// A first, small deposit with the Mastercard: no reward.
		al.fill("#f-amount", "2500")
		al.choose("#f-payment-method-id", al.attr(`#f-payment-method-id option:not(:checked)`, "value"))
		al.click(`form[action$="/billing/deposits"] button[type="submit"]`)
		al.sees("Deposit of $2,500.00 made. The invoice is ready.")

		// Then 12,000.00 with the default card: 5% comes back.
		if card := al.within(`#f-payment-method-id option:checked`); !strings.Contains(card, "Visa •••• 4242") {
			t.Fatalf("the deposit form selects %q, want the default Visa", card)
		}
		al.fill("#f-amount", "12,000.00")
		al.click(`form[action$="/billing/deposits"] button[type="submit"]`)
		al.sees("Deposit of $12,000.00 made: you earned $600.00 of reward credit.")
		if got := al.within("#balance"); got != "$14,500.00" {
			t.Fatalf("balance reads %q", got)
		}
		if got := al.within("#credits"); got != "$600.00" {
			t.Fatalf("credits read %q", got)
		}
		if row := al.within("tbody tr"); !strings.Contains(row, "$12,000.00") || !strings.Contains(row, "+$600.00") || !strings.Contains(row, "Visa •••• 4242") {
			t.Fatalf("the deposit row reads %q", row)
		}
		if shoot {
			al.screenshot("billing")
		}

		// The deposit's invoice, in the list and on its own page.
		al.click(`.subnav a[href$="/invoices"]`)
		al.sees("Invoices", "Export CSV")
		row := al.within("tbody tr")
		for _, want := range []string{"ATL-", "Deposit", "$12,000.00", "Visa •••• 4242", "PDF"} {
			if !strings.Contains(row, want) {
				t.Fatalf("the invoice row reads %q, want %q in it", row, want)
			}
		}
		if n := al.count(`a[href$="/pdf"]`) + al.count(`a[href$="/invoices.csv"]`); n != 3 {
			t.Fatalf("%d PDF and CSV links, want 3 (two invoices, one export)", n)
		}
		if shoot {
			al.screenshot("invoices")
		}
		al.click(`tbody tr a[href^="/invoices/"]`)
		al.sees("Atelier Marketplace SAS", "BILLED TO", "Acme Studio Inc.", "500 Howard Street", "accounts@acme.example",
			"Deposit to the account balance", "Subtotal", "Total", "$12,000.00", "Paid with", "Visa •••• 4242", "Download PDF")
		if shoot {
			al.screenshot("invoice")
		}

		// The rewards: Silver, 350.00 spent, 650.00 to go to Gold, and the
		// deposit's credit (a deposit is not spend).
		al.click(`.tabs a[href$="/rewards"]`)
		al.sees("Silver", "$350.00", "Progress to Gold", "35%", "$650.00 to go to reach Gold.", "$600.00", "1%",
			"A deposit is not spend")
		if shoot {
			al.screenshot("rewards")
		}
		al.click(`.langswitch button[value="fr"]`)
		al.sees("Récompenses", "Argent", "Or", "Platine", "Encore 650,00\u00a0$ pour atteindre le niveau Or.")
		al.click(`.langswitch button[value="en"]`)

		// Bob, a member, sees the rewards but has no billing tab, and the
		// billing page refuses him.
		bb := srv.signedIn(t, browser, "Bob", "bob@example.com")
		bb.open(accountURL)
		if n := bb.count(`.tabs a[href$="/billing"]`); n != 0 {
			t.Fatal("a member sees the billing tab")
		}
		bb.click(`.tabs a[href$="/rewards"]`)
		bb.sees("Silver", "$650.00 to go to reach Gold.", "$600.00")
		bb.open(accountURL + "/billing")
		bb.sees("Not allowed", "Your role in this account does not allow this.")
		bb.seesNot("4242")
		if status := bb.post(accountURL+"/billing/cards", map[string]string{"token": "tok_visa"}); status != http.StatusForbidden {
			t.Fatalf("a member adding a card gets %d, want 403", status)
		}
	})
}

// attr reads an attribute of the first element css selects.
func (p *person) attr(css, name string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string]("document.querySelector("+jsString(css)+").getAttribute("+jsString(name)+")"))
	if err != nil {
		p.t.Fatalf("%s: read %s of %s: %v", p.name, name, css, err)
	}
	return v
}
