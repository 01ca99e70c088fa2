package billing

import (
	"context"
	"encoding/json"
	"fmt"

	"atelier/internal/db"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

// A credit note (« facture d'avoir ») is the document of a refund to an
// account: every refund — a cancellation, a partial refund, a cut in
// scope, an operator's decision, a disputed hourly week, a granted
// guarantee, a deposit given back — issues one, in its own gap-free series
// (AV-000001), naming the invoices it corrects. It is an Invoice of kind
// credit_note: the same parties, lines and totals (positive: what is
// credited), plus Corrects. An account's invoices less its credit notes are
// what it was charged less what it got back.

// KindCreditNote is the kind of a credit note.
const KindCreditNote = "credit_note"

// creditSeries is the counter of credit notes (invoice_counters).
const creditSeries = "atelier:credit"

// Refund is money going back to an account, for its credit note.
type Refund struct {
	AccountID string
	Ref       string      // what is refunded: the order or the deposit; its invoices are corrected
	Amount    money.Money // what goes back, fees and VAT included
	Reason    string      // why, a code worded by the line: cancellation, partial_refund, scope_cut, decision, hourly_dispute, guarantee, deposit_refund
}

// CreditNote issues the credit note of a refund, in the caller's
// transaction. The amount is taken back from the ref's invoices, newest
// first, never past what is left of each (its total less earlier credit
// notes); each corrected invoice is a line, with that invoice's VAT rate.
func (s *Service) CreditNote(ctx context.Context, tx *db.Tx, r Refund) (Invoice, error) {
	if r.Amount.Amount <= 0 {
		return Invoice{}, fmt.Errorf("billing: a credit note of %v", r.Amount)
	}
	rows, err := tx.Query(ctx, `SELECT i.id, i.body, i.total - COALESCE((SELECT SUM(l.amount) FROM credit_note_lines l WHERE l.invoice_id = i.id), 0)
		FROM invoices i WHERE i.account_id = ? AND i.ref = ? AND i.currency = ? ORDER BY i.seq DESC`, r.AccountID, r.Ref, r.Amount.Currency)
	if err != nil {
		return Invoice{}, err
	}
	type open struct {
		id   string
		inv  Invoice
		left int64
	}
	var invs []open
	for rows.Next() {
		var o open
		var body string
		if err := rows.Scan(&o.id, &body, &o.left); err != nil {
			rows.Close()
			return Invoice{}, err
		}
		if err := json.Unmarshal([]byte(body), &o.inv); err != nil {
			rows.Close()
			return Invoice{}, err
		}
		invs = append(invs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Invoice{}, err
	}
	c := r.Amount.Currency
	cn := Invoice{AccountID: r.AccountID, Kind: KindCreditNote, Ref: r.Ref, Reason: r.Reason}
	taken := map[string]int64{}
	var sub, vat int64
	rest := r.Amount.Amount
	for _, o := range invs {
		if rest == 0 {
			break
		}
		take := min(rest, o.left)
		if take <= 0 {
			continue
		}
		rest -= take
		taken[o.id] = take
		ht := exclusive(take, o.inv.VATRate)
		cn.Corrects = append(cn.Corrects, o.inv.Number)
		cn.Lines = append(cn.Lines, Line{Description: "Refund — " + r.Reason + " — invoice " + o.inv.Number,
			Label: "credit", Args: map[string]string{"reason": r.Reason, "invoice": o.inv.Number},
			Quantity: 1, UnitPrice: money.New(ht, c), Amount: money.New(ht, c), VATRate: o.inv.VATRate})
		sub, vat = sub+ht, vat+take-ht
		cn.VATRate = o.inv.VATRate
	}
	if rest > 0 {
		// Nothing left to correct (never expected: a refund gives back at
		// most what was charged): the rest is credited on its own line.
		cn.Lines = append(cn.Lines, Line{Description: "Refund — " + r.Reason, Label: "credit_uninvoiced", Args: map[string]string{"reason": r.Reason},
			Quantity: 1, UnitPrice: money.New(rest, c), Amount: money.New(rest, c)})
		sub += rest
	}
	cn.Subtotal, cn.Fees, cn.VAT, cn.Total = money.New(sub, c), money.New(0, c), money.New(vat, c), r.Amount
	cn, err = s.number(ctx, tx, cn, creditSeries)
	if err != nil {
		return Invoice{}, err
	}
	body, err := json.Marshal(cn)
	if err != nil {
		return Invoice{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO credit_notes (id, seq, number, account_id, ref, total, currency, body, issued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, cn.ID, cn.Seq, cn.Number, cn.AccountID, cn.Ref, cn.Total.Amount, c, string(body), db.Micros(tx.Now)); err != nil {
		return Invoice{}, err
	}
	for _, o := range invs {
		if n := taken[o.id]; n > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO credit_note_lines (credit_note_id, invoice_id, amount) VALUES (?, ?, ?)`, cn.ID, o.id, n); err != nil {
				return Invoice{}, err
			}
		}
	}
	return cn, nil
}

// exclusive is the part of an amount, VAT included at rate (basis points),
// before VAT: rounded half up to the cent.
func exclusive(inclusive int64, rate int) int64 {
	if rate == 0 {
		return inclusive
	}
	return (inclusive*10000*2 + int64(10000+rate)) / (2 * int64(10000+rate))
}

// CreditNotes lists an account's credit notes, newest first (admin and
// billing managers).
func (s *Service) CreditNotes(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[Invoice], error) {
	return s.documents(ctx, actor, accountID, "credit_notes", r)
}

// CreditNoteByID returns one credit note to the admin or a billing manager
// of its account; to anyone else it does not exist.
func (s *Service) CreditNoteByID(ctx context.Context, actor users.User, id string) (Invoice, error) {
	return s.document(ctx, actor, "credit_notes", id, "credit_note_not_found")
}
