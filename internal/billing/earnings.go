package billing

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/ledger"
	"atelier/internal/money"
	"atelier/internal/users"
)

// Earnings is a freelancer's money with Atelier.
type Earnings struct {
	Pending   money.Money `json:"pending"`   // released, clearing
	Available money.Money `json:"available"` // can be withdrawn
	Withdrawn money.Money `json:"withdrawn"`
}

// ownerFreelancer checks that actor owns the freelancer profile and returns
// its currency; to anyone else a profile's earnings do not exist.
func ownerFreelancer(ctx context.Context, q db.Queryer, actor users.User, freelancerID string) (string, error) {
	var owner, currency string
	err := q.QueryRow(ctx, `SELECT owner_id, currency FROM freelancers WHERE id = ?`, freelancerID).Scan(&owner, &currency)
	if db.NoRows(err) == db.ErrNotFound || (err == nil && owner != actor.ID) {
		return "", errs.NotFound("freelancer_not_found")
	}
	return currency, err
}

// Earnings returns a freelancer's pending, available and withdrawn money
// (its owner only).
func (s *Service) Earnings(ctx context.Context, actor users.User, freelancerID string) (Earnings, error) {
	currency, err := ownerFreelancer(ctx, s.DB, actor, freelancerID)
	if err != nil {
		return Earnings{}, err
	}
	var e Earnings
	if e.Pending, err = ledger.BalanceOf(ctx, s.DB, ledger.Account{Kind: ledger.Pending, Owner: freelancerID, Currency: currency}); err != nil {
		return e, err
	}
	if e.Available, err = ledger.BalanceOf(ctx, s.DB, ledger.Account{Kind: ledger.Available, Owner: freelancerID, Currency: currency}); err != nil {
		return e, err
	}
	var withdrawn int64
	err = s.DB.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM withdrawals WHERE freelancer_id = ?`, freelancerID).Scan(&withdrawn)
	e.Withdrawn = money.New(withdrawn, currency)
	return e, err
}

// ClearEarnings is the clearance timer: earnings whose clearance period is
// over move from pending to available, each once.
func (s *Service) ClearEarnings(ctx context.Context, now time.Time) (int, error) {
	due, err := db.Strings(ctx, s.DB, `SELECT id FROM earnings WHERE cleared_at IS NULL AND clears_at <= ? ORDER BY clears_at LIMIT 500`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, id := range due {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE earnings SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL`, db.Micros(tx.Now), id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // another node cleared it
			}
			var freelancer, currency string
			var amount int64
			if err := tx.QueryRow(ctx, `SELECT freelancer_id, amount, currency FROM earnings WHERE id = ?`, id).Scan(&freelancer, &amount, &currency); err != nil {
				return err
			}
			applied++
			_, err = ledger.Post(ctx, tx, "clearance", id, ledger.Move{
				From: ledger.Account{Kind: ledger.Pending, Owner: freelancer, Currency: currency},
				To:   ledger.Account{Kind: ledger.Available, Owner: freelancer, Currency: currency}, Amount: amount})
			return err
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// Withdrawal is money sent to a freelancer's bank.
type Withdrawal struct {
	ID        string      `json:"id"`
	Amount    money.Money `json:"amount"`
	PayoutRef string      `json:"payout_ref"`
	CreatedAt time.Time   `json:"created_at"`
}

// Withdraw sends available earnings to the freelancer's bank (the owner
// only). The money leaves the available balance first, in one transaction;
// then the provider pays out; if it refuses, a second transaction puts the
// money back, so the ledger never shows money the bank did not send.
func (s *Service) Withdraw(ctx context.Context, actor users.User, freelancerID string, amount money.Money) (Withdrawal, error) {
	if err := users.RequireVerified(actor); err != nil {
		return Withdrawal{}, err
	}
	currency, err := ownerFreelancer(ctx, s.DB, actor, freelancerID)
	if err != nil {
		return Withdrawal{}, err
	}
	if err := s.checkAmount("amount", amount, currency); err != nil {
		return Withdrawal{}, err
	}
	w := Withdrawal{ID: db.NewID("wdr"), Amount: amount}
	available := ledger.Account{Kind: ledger.Available, Owner: freelancerID, Currency: currency}
	payouts := ledger.Account{Kind: ledger.Payouts, Owner: ledger.Platform, Currency: currency}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := ledger.Post(ctx, tx, "withdrawal", w.ID, ledger.Move{From: available, To: payouts, Amount: amount.Amount}); err != nil {
			return err
		}
		w.CreatedAt = tx.Now
		_, err := tx.Exec(ctx, `INSERT INTO withdrawals (id, freelancer_id, amount, currency, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			w.ID, freelancerID, amount.Amount, currency, actor.ID, db.Micros(tx.Now))
		return err
	})
	if err != nil {
		return Withdrawal{}, err
	}
	ref, perr := s.Provider.Payout(ctx, amount, w.ID, "Atelier earnings")
	err = s.DB.InTx(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		if perr == nil {
			_, err := tx.Exec(ctx, `UPDATE withdrawals SET payout_ref = ? WHERE id = ?`, ref, w.ID)
			return err
		}
		if _, err := ledger.Post(ctx, tx, "withdrawal_failed", w.ID, ledger.Move{From: payouts, To: available, Amount: amount.Amount}); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM withdrawals WHERE id = ?`, w.ID)
		return err
	})
	if perr != nil {
		return Withdrawal{}, perr
	}
	w.PayoutRef = ref
	return w, err
}
