package billing

import (
	"context"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/ledger"
	"atelier/internal/money"
)

// FeeCharge is a platform fee charged to a business account outside any
// order: today the project management fee (projects).
type FeeCharge struct {
	AccountID   string
	Kind        string // of the invoice: "management_fee"
	Ref         string // what it is for: the project
	Description string // the invoice line
	Amount      money.Money
	Key         string // the card charge's idempotency key
}

// ChargeFee charges a fee (c.Amount, before VAT) and its VAT to an
// account: from its balance when that covers it (reward credits are kept
// for orders), else from its default card. The card is charged before the
// transaction with c.Key and refunded if the transaction fails. In the
// transaction: claim (which makes the charge happen once: a conditional
// UPDATE of its cause), the ledger moves into the platform's fees and VAT,
// the invoice and the audit entry. No card and not enough balance is 409
// payment_method_required, and nothing is written.
func (s *Service) ChargeFee(ctx context.Context, c FeeCharge, claim func(ctx context.Context, tx *db.Tx) error) (Invoice, error) {
	if c.Amount.Amount <= 0 {
		return Invoice{}, errs.Invalid("amount", "amount_not_positive")
	}
	cur := c.Amount.Currency
	tax, err := s.TaxFor(ctx, s.DB, c.AccountID)
	if err != nil {
		return Invoice{}, err
	}
	vat := tax.On(c.Amount)
	total := money.New(c.Amount.Amount+vat.Amount, cur)
	bal, err := ledger.BalanceOf(ctx, s.DB, ledger.Account{Kind: ledger.Balance, Owner: c.AccountID, Currency: cur})
	if err != nil {
		return Invoice{}, err
	}
	paidWith, charge := "account balance", ""
	if bal.Amount < total.Amount {
		ref, label, ok, err := CardFor(ctx, s.DB, c.AccountID)
		if err != nil {
			return Invoice{}, err
		}
		if !ok {
			return Invoice{}, errs.Conflict("payment_method_required")
		}
		if charge, err = s.Provider.Charge(ctx, ref, total, c.Key, "Atelier "+c.Description); err != nil {
			return Invoice{}, err
		}
		paidWith = label
	}
	var inv Invoice
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := claim(ctx, tx); err != nil {
			return err
		}
		from := ledger.Account{Kind: ledger.Balance, Owner: c.AccountID, Currency: cur}
		if charge != "" {
			from = funding(cur)
			if err := RecordCardCharge(ctx, tx, charge, c.AccountID, c.Ref, total); err != nil {
				return err
			}
		}
		if _, err := ledger.Post(ctx, tx, c.Kind, c.Ref, collect([]share{{from, total.Amount}},
			[]share{{ledger.Account{Kind: ledger.Fees, Owner: ledger.Platform, Currency: cur}, c.Amount.Amount}, {vatOf(cur), vat.Amount}})...); err != nil {
			return err
		}
		inv = Invoice{AccountID: c.AccountID, Kind: c.Kind, Ref: c.Ref, PaidWith: paidWith,
			Lines: []Line{{Description: c.Description, Quantity: 1, UnitPrice: c.Amount, Amount: c.Amount}}}
		totals(&inv, cur, 0, tax)
		var err error
		if inv, err = s.issue(ctx, tx, inv); err != nil {
			return err
		}
		return accounts.Audit(ctx, tx, c.AccountID, "", "fee.charged", c.Ref,
			map[string]any{"kind": c.Kind, "amount": c.Amount, "vat": vat, "invoice": inv.Number})
	})
	if err != nil && charge != "" {
		if rerr := s.Provider.Refund(context.WithoutCancel(ctx), charge, total, "refund:"+c.Key); rerr != nil {
			s.Log.Error("a fee failed after its card was charged, and the refund failed: refund by hand", "ref", c.Ref, "charge", charge, "err", rerr)
		}
	}
	return inv, err
}

// RefundFee gives back part of a fee charged for c.Ref (c.Amount, before
// VAT) and its VAT to the account's balance, with its credit note
// correcting the fee's invoices, in one transaction with claim (which
// makes it happen once). An amount of 0 runs claim alone.
func (s *Service) RefundFee(ctx context.Context, c FeeCharge, claim func(ctx context.Context, tx *db.Tx) error) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := claim(ctx, tx); err != nil || c.Amount.Amount <= 0 {
			return err
		}
		cn, err := s.RefundToBalance(ctx, tx, "fee_refund", ledger.Account{Kind: ledger.Fees, Owner: ledger.Platform, Currency: c.Amount.Currency},
			Refund{AccountID: c.AccountID, Ref: c.Ref, Amount: c.Amount, Reason: c.Kind})
		if err != nil {
			return err
		}
		return accounts.Audit(ctx, tx, c.AccountID, "", "fee.refunded", c.Ref,
			map[string]any{"kind": c.Kind, "amount": c.Amount, "vat": cn.VAT, "credit_note": cn.Number})
	})
}

// monthStart is the first instant of t's calendar month (UTC).
func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
