package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Issuer is the one issuer of invoices today: Atelier itself, the merchant
// of record for every charge.
const Issuer = "atelier"

// issue numbers and stores an invoice in tx: the next number of the
// issuer's counter (a row lock, so concurrent charges take turns and a
// rolled-back one gives its number back), the buyer's billing details as
// they are now, and the totals from the lines.
func (s *Service) issue(ctx context.Context, tx *db.Tx, inv Invoice) (Invoice, error) {
	inv, err := s.number(ctx, tx, inv, Issuer)
	if err != nil {
		return Invoice{}, err
	}
	body, err := json.Marshal(inv)
	if err != nil {
		return Invoice{}, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO invoices (id, issuer, seq, number, account_id, kind, ref, total, vat, currency, body, issued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, inv.ID, inv.Issuer, inv.Seq, inv.Number, inv.AccountID, inv.Kind, inv.Ref,
		inv.Total.Amount, inv.VAT.Amount, inv.Total.Currency, string(body), db.Micros(tx.Now))
	return inv, err
}

// number gives a document (an invoice, a credit note) the next number of
// its series, its date, its seller, and its buyer as they are now unless
// the document was taxed for one already (Tax.Buyer).
func (s *Service) number(ctx context.Context, tx *db.Tx, inv Invoice, series string) (Invoice, error) {
	var prefix string
	if _, err := tx.Exec(ctx, `UPDATE invoice_counters SET last = last + 1 WHERE issuer = ?`, series); err != nil {
		return Invoice{}, err
	}
	if err := tx.QueryRow(ctx, `SELECT prefix, last FROM invoice_counters WHERE issuer = ?`, series).Scan(&prefix, &inv.Seq); err != nil {
		return Invoice{}, err
	}
	inv.ID = db.NewID("inv")
	if inv.Kind == KindCreditNote {
		inv.ID = db.NewID("crn")
	}
	inv.Issuer = Issuer
	inv.Number = fmt.Sprintf("%s-%06d", prefix, inv.Seq)
	inv.IssuedAt = tx.Now
	inv.Seller = s.Config.Seller
	if inv.Buyer.Name == "" {
		b, err := buyer(ctx, tx, inv.AccountID)
		if err != nil {
			return Invoice{}, err
		}
		inv.Buyer = b
	}
	return inv, nil
}

// totals fills an invoice's subtotal, VAT and total from its lines, its
// fees and how it is taxed: the VAT is on the price and the fees.
func totals(inv *Invoice, currency string, fees int64, tax Tax) {
	var sub int64
	for _, l := range inv.Lines {
		sub += l.Amount.Amount
	}
	inv.Buyer, inv.VATRate, inv.VATMention = tax.Buyer, tax.Rate, tax.Mention
	inv.Subtotal = money.New(sub, currency)
	inv.Fees = money.New(fees, currency)
	inv.VAT = money.New(vatOn(sub+fees, tax.Rate), currency)
	inv.Total = money.New(sub+fees+inv.VAT.Amount, currency)
}

func scanInvoice(row interface{ Scan(...any) error }) (Invoice, error) {
	var body string
	if err := row.Scan(&body); err != nil {
		return Invoice{}, db.NoRows(err)
	}
	var inv Invoice
	err := json.Unmarshal([]byte(body), &inv)
	return inv, err
}

// Invoices lists an account's invoices, newest first (admin and billing
// managers).
func (s *Service) Invoices(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[Invoice], error) {
	return s.documents(ctx, actor, accountID, "invoices", r)
}

// documents pages an account's documents of a table (invoices,
// credit_notes: both keep the whole document as issued), newest first.
func (s *Service) documents(ctx context.Context, actor users.User, accountID, table string, r page.Request) (page.Page[Invoice], error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return page.Page[Invoice]{}, err
	}
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	list, err := db.Collect(ctx, s.DB, scanInvoice, `SELECT body FROM `+table+` WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, accountID, after, r.Limit+1)
	if err != nil {
		return page.Page[Invoice]{}, err
	}
	return page.Cut(list, r, func(i Invoice) string { return i.ID }), nil
}

// AllInvoices returns every invoice of an account and then every credit
// note, each oldest first, for the CSV export (where the credit notes
// count negative, so the totals reconcile with the money moved).
func (s *Service) AllInvoices(ctx context.Context, actor users.User, accountID string) ([]Invoice, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return nil, err
	}
	list := []Invoice{}
	for _, q := range []string{`SELECT body FROM invoices WHERE account_id = ? ORDER BY seq`,
		`SELECT body FROM credit_notes WHERE account_id = ? ORDER BY seq`} {
		part, err := db.Collect(ctx, s.DB, scanInvoice, q, accountID)
		if err != nil {
			return nil, err
		}
		list = append(list, part...)
	}
	return list, nil
}

// Invoice returns one invoice to the admin or a billing manager of its
// account; to anyone else it does not exist.
func (s *Service) Invoice(ctx context.Context, actor users.User, id string) (Invoice, error) {
	return s.document(ctx, actor, "invoices", id, "invoice_not_found")
}

// document returns one document of a table to the admin or a billing
// manager of its account; to anyone else it does not exist (notFound).
func (s *Service) document(ctx context.Context, actor users.User, table, id, notFound string) (Invoice, error) {
	inv, err := scanInvoice(s.DB.QueryRow(ctx, `SELECT body FROM `+table+` WHERE id = ?`, id))
	if errors.Is(err, db.ErrNotFound) {
		return Invoice{}, errs.NotFound(notFound)
	}
	if err != nil {
		return Invoice{}, err
	}
	if _, err := accounts.Authorize(ctx, s.DB, actor, inv.AccountID, accounts.ManageBilling); err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.KindNotFound {
			return Invoice{}, errs.NotFound(notFound)
		}
		return Invoice{}, err
	}
	return inv, nil
}
