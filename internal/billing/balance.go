package billing

import (
	"context"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/ledger"
	"atelier/internal/money"
	"atelier/internal/users"
)

// The balance back to the card. Money lands in an account's balance from
// deposits (a card) and from refunds of orders and fees (paid by card, or
// from the balance). The admin or a billing manager can send any part of it
// back to the cards that paid it: the newest charges first, never more than
// a charge, and from an order's or a fee's charges never more than what its
// refunds brought back to the balance. A deposit's part is a deposit refund
// (its credit note, its reward's share). Any other part goes back without a
// new credit note: the refund that brought it to the balance issued one
// already, and an invoice is never credited twice (ledger kind
// balance_payout, the account's own money leaving).

// RecordCardCharge remembers, in the charge's transaction, a card charge of
// an order or a fee (ref).
func RecordCardCharge(ctx context.Context, tx *db.Tx, chargeRef, accountID, ref string, amount money.Money) error {
	_, err := tx.Exec(ctx, `INSERT INTO card_charges (charge_ref, account_id, ref, amount, currency, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, chargeRef, accountID, ref, amount.Amount, amount.Currency, db.Micros(tx.Now))
	return err
}

// BalanceRefund is what a refund of the balance sent back, per card charge.
type BalanceRefund struct {
	Amount money.Money         `json:"amount"`
	Parts  []BalanceRefundPart `json:"parts"`
}

// BalanceRefundPart is the part of a balance refund that went back to one
// card charge.
type BalanceRefundPart struct {
	Ref    string      `json:"ref"` // the deposit, order or project the charge paid
	Amount money.Money `json:"amount"`
}

// returnable is one card charge money can go back to.
type returnable struct {
	chargeRef, ref string
	left           int64
	deposit        bool
}

// RefundBalance sends amount of the account's balance back to the cards
// that paid it (admin and billing managers). Nothing moves unless the
// balance and the charges cover the whole amount; each part is then sent
// in turn (a provider that refuses one stops there, the parts before stand).
func (s *Service) RefundBalance(ctx context.Context, actor users.User, accountID string, amount money.Money) (BalanceRefund, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return BalanceRefund{}, err
	}
	currency, err := accountCurrency(ctx, s.DB, accountID)
	if err != nil {
		return BalanceRefund{}, err
	}
	if err := s.checkAmount("amount", amount, currency); err != nil {
		return BalanceRefund{}, err
	}
	bal, err := ledger.BalanceOf(ctx, s.DB, ledger.Account{Kind: ledger.Balance, Owner: accountID, Currency: currency})
	if err != nil {
		return BalanceRefund{}, err
	}
	if bal.Amount < amount.Amount {
		return BalanceRefund{}, errs.Invalid("amount", "refund_exceeds_balance").With("max", bal.String())
	}
	list, err := returnables(ctx, s.DB, accountID, currency)
	if err != nil {
		return BalanceRefund{}, err
	}
	var room int64
	for _, r := range list {
		room += r.left
	}
	if room < amount.Amount {
		return BalanceRefund{}, errs.Invalid("amount", "refund_exceeds_card_charges").With("max", money.New(room, currency).String())
	}
	out := BalanceRefund{Amount: money.New(0, currency), Parts: []BalanceRefundPart{}}
	rest := amount.Amount
	for _, r := range list {
		if rest == 0 {
			break
		}
		part := money.New(min(rest, r.left), currency)
		if part.Amount == 0 {
			continue
		}
		if r.deposit {
			_, err = s.RefundDeposit(ctx, actor, accountID, r.ref, part)
		} else {
			err = s.returnCharge(ctx, actor, accountID, r, part)
		}
		if err != nil {
			return out, err
		}
		rest -= part.Amount
		out.Amount.Amount += part.Amount
		out.Parts = append(out.Parts, BalanceRefundPart{Ref: r.ref, Amount: part})
	}
	return out, nil
}

// returnables lists the card charges of an account that money can go back
// to, newest first: its deposits (less what was given back), and its
// orders' and fees' charges (less what went back, within what their refunds
// brought to the balance: their credit notes).
func returnables(ctx context.Context, q db.Queryer, accountID, currency string) ([]returnable, error) {
	type row struct {
		chargeRef, ref string
		left, at       int64
		deposit        bool
	}
	rows, err := db.Collect(ctx, q, func(r db.Row) (x row, err error) {
		return x, r.Scan(&x.chargeRef, &x.ref, &x.left, &x.at, &x.deposit)
	}, `SELECT charge_ref, id, amount - refunded, created_at, TRUE FROM deposits WHERE account_id = ? AND currency = ? AND amount > refunded
		UNION ALL
		SELECT charge_ref, ref, amount - returned, created_at, FALSE FROM card_charges WHERE account_id = ? AND currency = ? AND amount > returned
		ORDER BY 4 DESC, 1 DESC`, accountID, currency, accountID, currency)
	if err != nil {
		return nil, err
	}
	// What each order or fee may still send back: its credit notes less
	// what its charges returned (one query for all of them).
	type sum struct {
		ref    string
		amount int64
	}
	sums, err := db.Collect(ctx, q, func(r db.Row) (s sum, err error) { return s, r.Scan(&s.ref, &s.amount) },
		`SELECT ref, SUM(amount) FROM (
			SELECT ref, total AS amount FROM credit_notes WHERE account_id = ? AND currency = ?
			UNION ALL SELECT ref, -returned FROM card_charges WHERE account_id = ? AND currency = ?) x GROUP BY ref`,
		accountID, currency, accountID, currency)
	if err != nil {
		return nil, err
	}
	room := map[string]int64{}
	for _, s := range sums {
		room[s.ref] = max(0, s.amount)
	}
	var list []returnable
	for _, r := range rows {
		left := r.left
		if !r.deposit {
			left = min(left, room[r.ref])
			room[r.ref] -= left
		}
		if left > 0 {
			list = append(list, returnable{chargeRef: r.chargeRef, ref: r.ref, left: left, deposit: r.deposit})
		}
	}
	return list, nil
}

// returnCharge sends part of the balance back to an order's or a fee's card
// charge: the ledger moves first (with the charge's returned amount); if
// the provider then refuses, a second transaction puts it back.
func (s *Service) returnCharge(ctx context.Context, actor users.User, accountID string, r returnable, part money.Money) error {
	move := func(back bool) ledger.Move {
		m := ledger.Move{From: ledger.Account{Kind: ledger.Balance, Owner: accountID, Currency: part.Currency},
			To: ledger.Account{Kind: ledger.Funding, Owner: ledger.Platform, Currency: part.Currency}, Amount: part.Amount}
		if back {
			m.From, m.To = m.To, m.From
		}
		return m
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.ExecOne(ctx, errs.Conflict("balance_refund_changed"), `UPDATE card_charges SET returned = returned + ? WHERE charge_ref = ? AND returned + ? <= amount`,
			part.Amount, r.chargeRef, part.Amount); err != nil {
			return err
		}
		if _, err := ledger.Post(ctx, tx, "balance_payout", r.ref, move(false)); err != nil {
			return err
		}
		return accounts.Audit(ctx, tx, accountID, actor.ID, "balance.refunded", r.ref, map[string]any{"amount": part})
	})
	if err != nil {
		return err
	}
	key := "return:" + r.chargeRef + ":" + db.NewID("r")
	if perr := s.Provider.Refund(ctx, r.chargeRef, part, key); perr != nil {
		err := s.DB.InTx(context.WithoutCancel(ctx), func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE card_charges SET returned = returned - ? WHERE charge_ref = ?`, part.Amount, r.chargeRef); err != nil {
				return err
			}
			_, err := ledger.Post(ctx, tx, "balance_payout_failed", r.ref, move(true))
			return err
		})
		if err != nil {
			s.Log.Error("a balance refund failed at the provider and could not be put back: fix by hand", "charge", r.chargeRef, "err", err)
		}
		return perr
	}
	return nil
}
