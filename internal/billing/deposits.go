package billing

import (
	"context"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/ledger"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Deposit is a top-up of a business account's balance by card.
type Deposit struct {
	ID              string      `json:"id"`
	AccountID       string      `json:"account_id"`
	Amount          money.Money `json:"amount"`
	Reward          money.Money `json:"reward"` // credit earned on a large deposit
	PaymentMethodID string      `json:"payment_method_id"`
	InvoiceID       string      `json:"invoice_id"`
	CreatedAt       time.Time   `json:"created_at"`
}

// Deposit charges a card (the account's default when pmID is empty) and
// adds the amount to the account's balance, with its invoice and, for a
// large deposit, the reward credit — all in one transaction after the card
// is charged; if that transaction fails the charge is refunded. key makes
// a retried request charge the card once.
func (s *Service) Deposit(ctx context.Context, actor users.User, accountID string, amount money.Money, pmID, key string) (Deposit, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return Deposit{}, err
	}
	currency, err := accountCurrency(ctx, s.DB, accountID)
	if err != nil {
		return Deposit{}, err
	}
	if err := s.checkAmount("amount", amount, currency); err != nil {
		return Deposit{}, err
	}
	var pm PaymentMethod
	if pmID == "" {
		var ok bool
		if pm, ok, err = DefaultMethod(ctx, s.DB, accountID); err != nil {
			return Deposit{}, err
		} else if !ok {
			return Deposit{}, errs.Invalid("payment_method_id", "payment_method_required")
		}
	} else if pm, err = method(ctx, s.DB, accountID, pmID); err != nil {
		return Deposit{}, err
	}
	if key != "" {
		if prev, ok, err := s.depositByKey(ctx, accountID, key); err != nil || ok {
			return prev, err
		}
	}
	d := Deposit{ID: db.NewID("dep"), AccountID: accountID, Amount: amount, PaymentMethodID: pm.ID,
		Reward: money.New(s.depositReward(amount.Amount), currency)}
	var storedKey any
	if key == "" {
		key = d.ID
	} else {
		storedKey = key
	}
	charge, err := s.Provider.Charge(ctx, pm.ref, amount, "deposit:"+accountID+":"+key, "Atelier balance deposit")
	if err != nil {
		return Deposit{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := ledger.Post(ctx, tx, "deposit", d.ID, ledger.Move{
			From: ledger.Account{Kind: ledger.Funding, Owner: ledger.Platform, Currency: currency},
			To:   ledger.Account{Kind: ledger.Balance, Owner: accountID, Currency: currency}, Amount: amount.Amount,
		}); err != nil {
			return err
		}
		if d.Reward.Amount > 0 {
			if _, err := ledger.Post(ctx, tx, "reward", d.ID, ledger.Move{
				From: ledger.Account{Kind: ledger.Rewards, Owner: ledger.Platform, Currency: currency},
				To:   ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: currency}, Amount: d.Reward.Amount,
			}); err != nil {
				return err
			}
		}
		b, err := buyer(ctx, tx, accountID)
		if err != nil {
			return err
		}
		inv := Invoice{AccountID: accountID, Kind: "deposit", Ref: d.ID, PaidWith: pm.Label(),
			Lines: []Line{{Description: "Deposit to the account balance", Label: "deposit", Quantity: 1, UnitPrice: amount, Amount: amount}}}
		totals(&inv, currency, 0, prepayment(b))
		inv, err = s.issue(ctx, tx, inv)
		if err != nil {
			return err
		}
		d.InvoiceID, d.CreatedAt = inv.ID, tx.Now
		if _, err := tx.Exec(ctx, `INSERT INTO deposits (id, account_id, amount, currency, payment_method_id, charge_ref, reward, invoice_id,
			idempotency_key, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, accountID, amount.Amount, currency, pm.ID, charge, d.Reward.Amount, inv.ID, storedKey, actor.ID, db.Micros(tx.Now)); err != nil {
			if db.IsUniqueViolation(err) {
				return errDuplicateKey
			}
			return err
		}
		return accounts.Audit(ctx, tx, accountID, actor.ID, "deposit.made", d.ID,
			map[string]any{"amount": amount, "reward": d.Reward, "invoice": inv.Number})
	})
	if err == errDuplicateKey {
		// A concurrent request with the same key won; the provider charged
		// once for both (same key), so there is nothing to refund.
		prev, _, err := s.depositByKey(ctx, accountID, key)
		return prev, err
	}
	if err != nil {
		if rerr := s.Provider.Refund(context.WithoutCancel(ctx), charge, amount, "refund:"+d.ID); rerr != nil {
			s.Log.Error("deposit failed after the charge, and the refund failed: refund by hand", "charge", charge, "err", err, "refund_err", rerr)
		}
		return Deposit{}, err
	}
	return d, nil
}

// depositReward is the credit a deposit earns: 5% from 10,000, 10% from
// 30,000 (in the account's currency units).
func (s *Service) depositReward(amount int64) int64 {
	switch {
	case amount >= s.Config.DepositRewardHighFrom:
		return amount * s.Config.DepositRewardHighBP / 10000
	case amount >= s.Config.DepositRewardFrom:
		return amount * s.Config.DepositRewardBP / 10000
	}
	return 0
}

// Deposits lists an account's deposits, newest first.
func (s *Service) Deposits(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[Deposit], error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return page.Page[Deposit]{}, err
	}
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	list, err := db.Collect(ctx, s.DB, func(row db.Row) (Deposit, error) {
		d := Deposit{AccountID: accountID}
		var created int64
		err := row.Scan(&d.ID, &d.Amount.Amount, &d.Amount.Currency, &d.Reward.Amount, &d.PaymentMethodID, &d.InvoiceID, &created)
		d.Reward.Currency, d.CreatedAt = d.Amount.Currency, db.Time(created)
		return d, err
	}, `SELECT id, amount, currency, reward, payment_method_id, invoice_id, created_at FROM deposits
		WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, accountID, after, r.Limit+1)
	if err != nil {
		return page.Page[Deposit]{}, err
	}
	return page.Cut(list, r, func(d Deposit) string { return d.ID }), nil
}

// AccountBalance is what an account can pay with.
type AccountBalance struct {
	Available money.Money `json:"available"`
	Credits   money.Money `json:"credits"`
}

// Balance returns an account's balance and credits. Every member may see
// them (members pay orders from them).
func (s *Service) Balance(ctx context.Context, actor users.User, accountID string) (AccountBalance, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount); err != nil {
		return AccountBalance{}, err
	}
	currency, err := accountCurrency(ctx, s.DB, accountID)
	if err != nil {
		return AccountBalance{}, err
	}
	var b AccountBalance
	if b.Available, err = ledger.BalanceOf(ctx, s.DB, ledger.Account{Kind: ledger.Balance, Owner: accountID, Currency: currency}); err != nil {
		return b, err
	}
	b.Credits, err = ledger.BalanceOf(ctx, s.DB, ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: currency})
	return b, err
}

// RefundDeposit gives money from the account's balance back to the card a
// deposit came from (admin and billing managers): at most what is left of
// that deposit and of the balance. A deposit that earned a reward gives
// back the same share of its reward from the credits. The ledger moves
// first; if the provider then refuses, a second transaction puts it back.
func (s *Service) RefundDeposit(ctx context.Context, actor users.User, accountID, depositID string, amount money.Money) (Deposit, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return Deposit{}, err
	}
	var d Deposit
	var charge string
	var refunded int64
	var created int64
	err := s.DB.QueryRow(ctx, `SELECT id, amount, currency, reward, refunded, payment_method_id, invoice_id, charge_ref, created_at
		FROM deposits WHERE id = ? AND account_id = ?`, depositID, accountID).
		Scan(&d.ID, &d.Amount.Amount, &d.Amount.Currency, &d.Reward.Amount, &refunded, &d.PaymentMethodID, &d.InvoiceID, &charge, &created)
	if db.NoRows(err) == db.ErrNotFound {
		return Deposit{}, errs.NotFound("deposit_not_found")
	} else if err != nil {
		return Deposit{}, err
	}
	d.AccountID, d.Reward.Currency, d.CreatedAt = accountID, d.Amount.Currency, db.Time(created)
	currency := d.Amount.Currency
	if err := s.checkAmount("amount", amount, currency); err != nil {
		return Deposit{}, err
	}
	if amount.Amount > d.Amount.Amount-refunded {
		return Deposit{}, errs.Invalid("amount", "refund_exceeds_deposit").With("max", money.New(d.Amount.Amount-refunded, currency).String())
	}
	// The reward given back is the deposit's reward in proportion to what
	// has been refunded in all, rounded half up, less what earlier refunds
	// gave back: refunds in pieces give back what one refund of their sum
	// would (0.19 twice is not 0.00, 19.99 gives back 0.9995 rounded once).
	share := func(refunded int64) int64 {
		return (d.Reward.Amount*refunded*2 + d.Amount.Amount) / (2 * d.Amount.Amount)
	}
	var clawback int64
	moves := func(back bool) []ledger.Move {
		m := []ledger.Move{{From: ledger.Account{Kind: ledger.Balance, Owner: accountID, Currency: currency},
			To: ledger.Account{Kind: ledger.Funding, Owner: ledger.Platform, Currency: currency}, Amount: amount.Amount}}
		if clawback > 0 {
			m = append(m, ledger.Move{From: ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: currency},
				To: ledger.Account{Kind: ledger.Rewards, Owner: ledger.Platform, Currency: currency}, Amount: clawback})
		}
		if back {
			for i := range m {
				m[i].From, m[i].To = m[i].To, m[i].From
			}
		}
		return m
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE deposits SET refunded = refunded + ? WHERE id = ? AND refunded + ? <= amount`, amount.Amount, depositID, amount.Amount)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Invalid("amount", "refund_exceeds_deposit")
		}
		var after int64 // read under the row's lock: concurrent refunds take turns
		if err := tx.QueryRow(ctx, `SELECT refunded FROM deposits WHERE id = ?`, depositID).Scan(&after); err != nil {
			return err
		}
		clawback = share(after) - share(after-amount.Amount)
		if clawback > 0 { // the balance's own shortfall is insufficient_funds, from the ledger
			credits, err := ledger.BalanceOf(ctx, tx, ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: currency})
			if err != nil {
				return err
			}
			balance, err := ledger.BalanceOf(ctx, tx, ledger.Account{Kind: ledger.Balance, Owner: accountID, Currency: currency})
			if err != nil {
				return err
			}
			if credits.Amount < clawback && balance.Amount >= amount.Amount {
				return errs.Conflict("deposit_reward_spent").With("reward", money.New(clawback, currency).String())
			}
		}
		if _, err := ledger.Post(ctx, tx, "deposit_refund", depositID, moves(false)...); err != nil {
			return err
		}
		return accounts.Audit(ctx, tx, accountID, actor.ID, "deposit.refunded", depositID, map[string]any{"amount": amount, "reward_returned": money.New(clawback, currency)})
	})
	if err != nil {
		return Deposit{}, err
	}
	if perr := s.Provider.Refund(ctx, charge, amount, "refund:"+depositID+":"+db.NewID("r")); perr != nil {
		err := s.DB.InTx(context.WithoutCancel(ctx), func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE deposits SET refunded = refunded - ? WHERE id = ?`, amount.Amount, depositID); err != nil {
				return err
			}
			_, err := ledger.Post(ctx, tx, "deposit_refund_failed", depositID, moves(true)...)
			return err
		})
		if err != nil {
			s.Log.Error("a refund failed at the provider and could not be put back: fix by hand", "deposit", depositID, "err", err)
		}
		return Deposit{}, perr
	}
	// The money is back on the card: its credit note.
	if err := s.DB.InTx(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		_, err := s.CreditNote(ctx, tx, Refund{AccountID: accountID, Ref: depositID, Amount: amount, Reason: "deposit_refund"})
		return err
	}); err != nil {
		s.Log.Error("a deposit was refunded but its credit note could not be issued: issue it by hand", "deposit", depositID, "err", err)
	}
	return d, nil
}

var errDuplicateKey = errs.Conflict("request_in_progress")

// depositByKey finds the deposit an idempotency key already made.
func (s *Service) depositByKey(ctx context.Context, accountID, key string) (Deposit, bool, error) {
	d := Deposit{AccountID: accountID}
	var created int64
	err := s.DB.QueryRow(ctx, `SELECT id, amount, currency, reward, payment_method_id, invoice_id, created_at FROM deposits
		WHERE account_id = ? AND idempotency_key = ?`, accountID, key).
		Scan(&d.ID, &d.Amount.Amount, &d.Amount.Currency, &d.Reward.Amount, &d.PaymentMethodID, &d.InvoiceID, &created)
	if db.NoRows(err) == db.ErrNotFound {
		return Deposit{}, false, nil
	}
	d.Reward.Currency, d.CreatedAt = d.Amount.Currency, db.Time(created)
	return d, err == nil, err
}
