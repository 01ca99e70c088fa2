// Package ledger is Atelier's double-entry book of money. Every balance —
// a business account's balance and credits, an order's escrow, a
// freelancer's pending and available earnings, the platform's fees — is a
// ledger account, and every movement is one transaction whose entries sum
// to zero, written in the database transaction of the state change that
// causes it. So money is never created or lost: the sum of all balances of
// a currency is always zero, and Check proves it.
//
// Balances that belong to someone can never go negative: the CHECK on
// ledger_accounts refuses it, and Post turns that into "insufficient funds".
// Only the accounts where money enters or leaves Atelier, or that the
// platform spends from, may go below zero.
package ledger

import (
	"context"
	"fmt"
	"sort"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
)

// Kind is the kind of a ledger account.
type Kind string

// The kinds of ledger account.
const (
	// Owned by a business account.
	Balance Kind = "balance" // deposits and refunds; pays for orders
	Credit  Kind = "credit"  // rewards; pays for orders before the balance
	// Owned by an order.
	Escrow Kind = "escrow"
	// Owned by a freelancer.
	Pending   Kind = "pending"   // released, not yet cleared
	Available Kind = "available" // cleared, can be withdrawn
	// Owned by the platform.
	Fees      Kind = "fees"      // service fees and commissions earned
	Funding   Kind = "funding"   // money that came in from cards (negative: what the outside world paid in)
	Payouts   Kind = "payouts"   // money paid out to freelancers' banks and back to cards
	Rewards   Kind = "rewards"   // rewards given (negative: the platform's cost)
	Guarantee Kind = "guarantee" // satisfaction-guarantee refunds (negative: the platform's cost)
	VAT       Kind = "vat"       // VAT collected on charges, less what refunds gave back: owed to the state
)

// Platform is the owner of the platform's own accounts.
const Platform = "platform"

// mayGoNegative lists the kinds whose balance is a running total of money
// that came from outside or that the platform spent.
var mayGoNegative = map[Kind]bool{Funding: true, Rewards: true, Guarantee: true}

// Account names one ledger account.
type Account struct {
	Kind     Kind
	Owner    string
	Currency string
}

// ID is the account's stable id.
func (a Account) ID() string { return string(a.Kind) + ":" + a.Owner + ":" + a.Currency }

// Move is one transfer of an amount from one account to another.
type Move struct {
	From, To Account
	Amount   int64
}

// ErrInsufficientFunds is a move that would take a balance below zero.
var ErrInsufficientFunds = errs.Conflict("insufficient_funds")

// Post writes one balanced transaction made of moves (all in one currency)
// in tx and updates the balances. It fails, and the caller's transaction
// must roll back, when a balance would go negative.
func Post(ctx context.Context, tx *db.Tx, kind, ref string, moves ...Move) (string, error) {
	if len(moves) == 0 {
		return "", fmt.Errorf("ledger: a transaction needs at least one move")
	}
	currency := moves[0].From.Currency
	net := map[string]int64{}
	accounts := map[string]Account{}
	for _, m := range moves {
		if m.Amount <= 0 {
			return "", fmt.Errorf("ledger: move of %d from %s", m.Amount, m.From.ID())
		}
		if m.From.Currency != currency || m.To.Currency != currency {
			return "", fmt.Errorf("ledger: a transaction moves one currency")
		}
		net[m.From.ID()] -= m.Amount
		net[m.To.ID()] += m.Amount
		accounts[m.From.ID()], accounts[m.To.ID()] = m.From, m.To
	}
	txID := db.NewID("ltx")
	if _, err := tx.Exec(ctx, `INSERT INTO ledger_transactions (id, kind, ref, currency, created_at) VALUES (?, ?, ?, ?, ?)`,
		txID, kind, ref, currency, db.Micros(tx.Now)); err != nil {
		return "", err
	}
	// Accounts in a fixed order, so two transactions touching the same two
	// accounts lock them in the same order and never deadlock.
	ids := make([]string, 0, len(net))
	for id := range net {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		amount := net[id]
		if amount == 0 {
			continue
		}
		a := accounts[id]
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_accounts (id, kind, owner, currency, may_go_negative) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`, id, string(a.Kind), a.Owner, a.Currency, mayGoNegative[a.Kind]); err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, `UPDATE ledger_accounts SET balance = balance + ? WHERE id = ?`, amount, id); err != nil {
			if db.IsCheckViolation(err) {
				return "", ErrInsufficientFunds
			}
			return "", err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_entries (id, transaction_id, account_id, amount, created_at) VALUES (?, ?, ?, ?, ?)`,
			db.NewID("len"), txID, id, amount, db.Micros(tx.Now)); err != nil {
			return "", err
		}
	}
	return txID, nil
}

// BalanceOf reads one account's balance (zero for an account never used).
func BalanceOf(ctx context.Context, q db.Queryer, a Account) (money.Money, error) {
	var b int64
	err := q.QueryRow(ctx, `SELECT balance FROM ledger_accounts WHERE id = ?`, a.ID()).Scan(&b)
	if err != nil && db.NoRows(err) != db.ErrNotFound {
		return money.Money{}, err
	}
	return money.New(b, a.Currency), nil
}

// Report is the result of checking the whole ledger.
type Report struct {
	Balanced     bool             `json:"balanced"`
	Accounts     int              `json:"accounts"`
	Transactions int              `json:"transactions"`
	Totals       map[string]int64 `json:"totals"`   // per currency: the sum of all balances (zero)
	Problems     []string         `json:"problems"` // what is wrong, if anything
}

// Check verifies the whole ledger: every transaction sums to zero, every
// balance equals the sum of its entries, no owned balance is negative, and
// the balances of each currency sum to zero.
func Check(ctx context.Context, q db.Queryer) (Report, error) {
	r := Report{Totals: map[string]int64{}, Problems: []string{}}
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_accounts`).Scan(&r.Accounts); err != nil {
		return r, err
	}
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_transactions`).Scan(&r.Transactions); err != nil {
		return r, err
	}
	checks := []struct{ what, query string }{
		{"transaction does not sum to zero", `SELECT transaction_id, SUM(amount) FROM ledger_entries GROUP BY transaction_id HAVING SUM(amount) <> 0`},
		{"balance differs from its entries", `SELECT a.id, a.balance - COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.account_id = a.id), 0)
			FROM ledger_accounts a WHERE a.balance <> COALESCE((SELECT SUM(e.amount) FROM ledger_entries e WHERE e.account_id = a.id), 0)`},
		{"negative balance", `SELECT id, balance FROM ledger_accounts WHERE balance < 0 AND NOT may_go_negative`},
	}
	for _, c := range checks {
		rows, err := q.Query(ctx, c.query)
		if err != nil {
			return r, err
		}
		for rows.Next() {
			var id string
			var v int64
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return r, err
			}
			r.Problems = append(r.Problems, fmt.Sprintf("%s: %s (%d)", c.what, id, v))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return r, err
		}
	}
	rows, err := q.Query(ctx, `SELECT currency, SUM(balance) FROM ledger_accounts GROUP BY currency`)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var sum int64
		if err := rows.Scan(&c, &sum); err != nil {
			return r, err
		}
		r.Totals[c] = sum
		if sum != 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("money created or lost: %s balances sum to %d", c, sum))
		}
	}
	r.Balanced = len(r.Problems) == 0
	return r, rows.Err()
}
