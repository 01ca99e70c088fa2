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
	Amount    money.Money // what goes back before VAT (price and fees); the credit note adds the VAT it bore
	Reason    string      // why, a code worded by the line: cancellation, partial_refund, scope_cut, decision, hourly_dispute, guarantee, deposit_refund
}

// CreditNote issues the credit note of a refund, in the caller's
// transaction. The amount is taken back from the ref's invoices, newest
// first, never past what is left of each (its price and fees less earlier
// credit notes); each corrected invoice is a line, with that invoice's VAT
// rate, and gives back its VAT on what is taken: the rounding of the VAT on
// all that was taken from it less what earlier credit notes gave back, so
// that crediting an invoice in pieces gives back its VAT exactly. The
// credit note's total is the amount and that VAT.
func (s *Service) CreditNote(ctx context.Context, tx *db.Tx, r Refund) (Invoice, error) {
	if r.Amount.Amount <= 0 {
		return Invoice{}, fmt.Errorf("billing: a credit note of %v", r.Amount)
	}
	type open struct {
		id          string
		inv         Invoice
		credited    int64 // before VAT, by earlier credit notes
		creditedVAT int64
	}
	invs, err := db.Collect(ctx, tx, func(row db.Row) (o open, err error) {
		var body string
		if err := row.Scan(&o.id, &body, &o.credited, &o.creditedVAT); err != nil {
			return o, err
		}
		err = json.Unmarshal([]byte(body), &o.inv)
		return o, err
	}, `SELECT i.id, i.body,
		COALESCE((SELECT SUM(l.amount - l.vat) FROM credit_note_lines l WHERE l.invoice_id = i.id), 0),
		COALESCE((SELECT SUM(l.vat) FROM credit_note_lines l WHERE l.invoice_id = i.id), 0)
		FROM invoices i WHERE i.account_id = ? AND i.ref = ? AND i.currency = ? ORDER BY i.seq DESC`, r.AccountID, r.Ref, r.Amount.Currency)
	if err != nil {
		return Invoice{}, err
	}
	c := r.Amount.Currency
	cn := Invoice{AccountID: r.AccountID, Kind: KindCreditNote, Ref: r.Ref, Reason: r.Reason}
	type taking struct{ amount, vat int64 }
	taken := map[string]taking{}
	var sub, vat int64
	rest := r.Amount.Amount
	for _, o := range invs {
		if rest == 0 {
			break
		}
		take := min(rest, o.inv.Total.Amount-o.inv.VAT.Amount-o.credited)
		if take <= 0 {
			continue
		}
		rest -= take
		v := min(max(vatOn(o.credited+take, o.inv.VATRate)-o.creditedVAT, 0), o.inv.VAT.Amount-o.creditedVAT)
		taken[o.id] = taking{take + v, v}
		if cn.Corrects == nil { // the newest invoice corrected gives the parties and the VAT's treatment
			cn.Buyer, cn.VATRate, cn.VATMention = o.inv.Buyer, o.inv.VATRate, o.inv.Mention()
		}
		cn.Corrects = append(cn.Corrects, o.inv.Number)
		cn.Lines = append(cn.Lines, Line{Description: "Refund — " + r.Reason + " — invoice " + o.inv.Number,
			Label: "credit", Args: map[string]string{"reason": r.Reason, "invoice": o.inv.Number},
			Quantity: 1, UnitPrice: money.New(take, c), Amount: money.New(take, c), VATRate: o.inv.VATRate})
		sub, vat = sub+take, vat+v
	}
	if rest > 0 {
		// Nothing left to correct (never expected: a refund gives back at
		// most what was charged): the rest is credited on its own line,
		// without VAT.
		cn.Lines = append(cn.Lines, Line{Description: "Refund — " + r.Reason, Label: "credit_uninvoiced", Args: map[string]string{"reason": r.Reason},
			Quantity: 1, UnitPrice: money.New(rest, c), Amount: money.New(rest, c)})
		sub += rest
		if cn.Corrects == nil {
			cn.VATMention = "invoice.vat_not_applicable"
		}
	}
	cn.Subtotal, cn.Fees, cn.VAT, cn.Total = money.New(sub, c), money.New(0, c), money.New(vat, c), money.New(sub+vat, c)
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
		if t, ok := taken[o.id]; ok {
			if _, err := tx.Exec(ctx, `INSERT INTO credit_note_lines (credit_note_id, invoice_id, amount, vat) VALUES (?, ?, ?, ?)`, cn.ID, o.id, t.amount, t.vat); err != nil {
				return Invoice{}, err
			}
		}
	}
	return cn, nil
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
