package billing_test

import (
	"testing"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/ledger"
)

// Who pays which VAT: a French seller charges its rate at home, to an
// unknown country and to EU buyers without a VAT number; an EU business
// elsewhere with one reverse-charges it; outside the EU there is none; a
// seller outside the EU charges none at all.
func TestVATFollowsTheBuyer(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		acc, admin, _, _ := f.team(t, "a")
		usOnly := *f.bill
		usOnly.Config.Seller.Country = "US"
		for _, c := range []struct {
			name, country, vatID string
			seller               *billing.Service
			rate                 int
			mention              string
		}{
			{"no billing details", "", "", f.bill, 2000, ""},
			{"France with a VAT number", "FR", "FR12345678901", f.bill, 2000, ""},
			{"France without", "FR", "", f.bill, 2000, ""},
			{"Germany with a VAT number", "DE", "DE123456789", f.bill, 0, "invoice.vat_reverse_charge"},
			{"Greece, whose numbers start EL", "GR", "EL123456789", f.bill, 0, "invoice.vat_reverse_charge"},
			{"Germany without", "DE", "", f.bill, 2000, ""},
			{"the United States", "US", "", f.bill, 0, "invoice.vat_outside_eu"},
			{"Switzerland with a number of its own", "CH", "CHE-123.456.789 MWST", f.bill, 0, "invoice.vat_outside_eu"},
			{"a seller outside the EU, to France", "FR", "", &usOnly, 0, "invoice.vat_not_applicable"},
		} {
			if _, err := f.bill.SetBillingInfo(f.ctx, admin, acc.ID, billing.BillingInfo{Country: c.country, VATID: c.vatID}); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			tax, err := c.seller.TaxFor(f.ctx, f.db, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tax.Rate != c.rate || tax.Mention != c.mention || tax.Buyer.Name != "a Corp" {
				t.Errorf("%s: rate %d %q for %q, want %d %q", c.name, tax.Rate, tax.Mention, tax.Buyer.Name, c.rate, c.mention)
			}
		}
		for _, bad := range []struct{ country, id string }{{"FR", "FR123"}, {"FR", "DE123456789"}, {"DE", "DE12345678901234"}, {"IT", "IT1234567890!"}, {"BE", "BEABCDEFGHIJ"}} {
			if _, err := f.bill.SetBillingInfo(f.ctx, admin, acc.ID, billing.BillingInfo{Country: bad.country, VATID: bad.id}); err == nil {
				t.Errorf("%s %q was taken for a VAT number", bad.country, bad.id)
			}
		}
	})
}

// A refund gives back the VAT of what it refunds: refunded in pieces, an
// invoice's VAT comes back to the cent, no more (each piece is the rounding
// of all that was refunded less what came back before), and the VAT
// collected for it goes back to nothing.
func TestCreditNotesGiveBackTheVATExactly(t *testing.T) {
	dbtest.EachWith(t, setup, func(t *testing.T, f *fixture) {
		acc, _, _, _ := f.team(t, "a")
		tax, err := f.bill.TaxFor(f.ctx, f.db, acc.ID) // no billing details: 20%
		if err != nil {
			t.Fatal(err)
		}
		price, fees := usd(10_000), usd(550)
		vat := tax.On(usd(10_550))
		if vat.Amount != 2110 {
			t.Fatalf("VAT on 105.50: %v", vat)
		}
		if err := f.db.InTx(f.ctx, func(tx *db.Tx) error {
			if err := billing.PayIntoEscrow(f.ctx, tx, acc.ID, "ord_1", usd(10_550), vat, true); err != nil {
				return err
			}
			inv, err := f.bill.RecordOrderPayment(f.ctx, tx, billing.OrderCharge{AccountID: acc.ID, OrderID: "ord_1", Description: "Logo",
				Quantity: 1, UnitPrice: price, Fees: fees, Tax: tax})
			if err == nil && (inv.VAT != vat || inv.Total.Amount != 12_660 || inv.VATRate != 2000) {
				t.Errorf("the invoice: VAT %v, total %v, rate %d", inv.VAT, inv.Total, inv.VATRate)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		vatHeld := func() int64 {
			b, err := ledger.BalanceOf(f.ctx, f.db, ledger.Account{Kind: ledger.VAT, Owner: ledger.Platform, Currency: "USD"})
			if err != nil {
				t.Fatal(err)
			}
			return b.Amount
		}
		if v := vatHeld(); v != 2110 {
			t.Fatalf("VAT collected %d", v)
		}
		// 0.03 three times: 20% of each is 0.006; what comes back is 0.01,
		// 0.00, 0.01 — the rounding of 0.09's 0.018 — not 0.01 each.
		var back []int64
		refund := func(amount int64) billing.Invoice {
			var cn billing.Invoice
			if err := f.db.InTx(f.ctx, func(tx *db.Tx) error {
				var err error
				cn, err = f.bill.RefundToBalance(f.ctx, tx, "refund", ledger.Account{Kind: ledger.Escrow, Owner: "ord_1", Currency: "USD"},
					billing.Refund{AccountID: acc.ID, Ref: "ord_1", Amount: usd(amount), Reason: "partial_refund"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			back = append(back, cn.VAT.Amount)
			if cn.Total.Amount != amount+cn.VAT.Amount || cn.VATRate != 2000 || cn.Mention() != "" {
				t.Errorf("credit note of %d: %+v", amount, cn)
			}
			return cn
		}
		for range 3 {
			refund(3)
		}
		if back[0] != 1 || back[1] != 0 || back[2] != 1 {
			t.Fatalf("VAT given back for 0.03 three times: %v", back)
		}
		refund(10_541) // the rest
		if back[3] != 2108 || vatHeld() != 0 {
			t.Fatalf("VAT given back at the end %d, still held %d", back[3], vatHeld())
		}
		bal, err := ledger.BalanceOf(f.ctx, f.db, ledger.Account{Kind: ledger.Balance, Owner: acc.ID, Currency: "USD"})
		if err != nil || bal.Amount != 12_660 {
			t.Fatalf("the balance got back %v (%v), want all 126.60 paid", bal, err)
		}
		balanced(t, f)
	})
}
