package billing

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/money"
)

// Spend is what an account paid for orders, net of refunds: one row per
// payment or refund in spend, and their sums per UTC day and currency in
// spend_days (migration 0015), written together here. The rewards level
// and the dashboard's chart read the days, so their cost does not grow
// with the number of orders.

// dayMicros is a day in the microseconds spend is timed in.
const dayMicros = int64(24 * time.Hour / time.Microsecond)

// addSpend records a payment (or, negative, a refund) at a time.
func addSpend(ctx context.Context, tx *db.Tx, accountID, ref string, amount money.Money, at time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO spend (id, account_id, amount, currency, ref, at) VALUES (?, ?, ?, ?, ?, ?)`,
		db.NewID("spd"), accountID, amount.Amount, amount.Currency, ref, db.Micros(at)); err != nil {
		return err
	}
	return addSpendDay(ctx, tx, accountID, amount.Currency, db.Micros(at)/dayMicros, amount.Amount)
}

// refundSpend records a refund (amount negative) of ref's payments: it
// takes back from them newest first, each part dated as the payment it
// reduces, so a refund lowers the 12-month window (and the month of the
// chart) of its payment, and only while that payment is inside it: a
// refund today of a payment made 13 months ago changes neither the level
// nor this month. What earlier refunds took back is skipped the same way;
// a refund past the payments (none expected) is dated now.
func refundSpend(ctx context.Context, tx *db.Tx, accountID, ref string, amount money.Money, now time.Time) error {
	rows, err := tx.Query(ctx, `SELECT amount, at FROM spend WHERE account_id = ? AND ref = ? AND currency = ? ORDER BY at DESC, id DESC`,
		accountID, ref, amount.Currency)
	if err != nil {
		return err
	}
	type payment struct{ amount, at int64 }
	var paid []payment
	var refunded int64
	for rows.Next() {
		var p payment
		if err := rows.Scan(&p.amount, &p.at); err != nil {
			rows.Close()
			return err
		}
		if p.amount > 0 {
			paid = append(paid, p)
		} else {
			refunded -= p.amount
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rest := -amount.Amount
	for _, p := range paid {
		left := p.amount - min(refunded, p.amount)
		refunded -= p.amount - left
		if take := min(left, rest); take > 0 {
			if err := addSpend(ctx, tx, accountID, ref, money.New(-take, amount.Currency), db.Time(p.at)); err != nil {
				return err
			}
			rest -= take
		}
		if rest == 0 {
			return nil
		}
	}
	return addSpend(ctx, tx, accountID, ref, money.New(-rest, amount.Currency), now)
}

func addSpendDay(ctx context.Context, tx *db.Tx, accountID, currency string, day, amount int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO spend_days (account_id, currency, day, amount) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, currency, day) DO UPDATE SET amount = spend_days.amount + excluded.amount`,
		accountID, currency, day, amount)
	return err
}

// spend12m is the account's spend in the year before now: the whole days
// after the one a year ago, and that day's payments after its time of day.
func spend12m(ctx context.Context, q db.Queryer, accountID string, now time.Time) (int64, error) {
	from := db.Micros(now.Add(-year))
	day := from / dayMicros
	var n int64
	err := q.QueryRow(ctx, `SELECT COALESCE((SELECT SUM(amount) FROM spend_days WHERE account_id = ? AND day > ?), 0)
		+ COALESCE((SELECT SUM(amount) FROM spend WHERE account_id = ? AND at > ? AND at < ?), 0)`,
		accountID, day, accountID, from, (day+1)*dayMicros).Scan(&n)
	return n, err
}

// levelSpend is the spend that sets the rewards level: the year's spend less
// what the account's orders still hold in escrow (paid but not yet released:
// it may yet go back, so it lifts no level until the work is accepted).
func levelSpend(ctx context.Context, q db.Queryer, accountID string, now time.Time) (int64, error) {
	spend, err := spend12m(ctx, q, accountID, now)
	if err != nil {
		return 0, err
	}
	var held int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(la.balance), 0) FROM orders o
		JOIN ledger_accounts la ON la.owner = o.id AND la.kind = 'escrow'
		WHERE o.account_id = ? AND o.status IN ('active', 'delivered', 'awaiting_payment')`, accountID).Scan(&held); err != nil {
		return 0, err
	}
	return max(0, spend-held), nil
}

// ShiftSpend moves the spend recorded for ref back in time by d (the demo
// marketplace dates the orders it makes in the past).
func ShiftSpend(ctx context.Context, tx *db.Tx, ref string, d time.Duration) error {
	type row struct {
		account, currency string
		amount, at        int64
	}
	moved, err := db.Collect(ctx, tx, func(sc db.Row) (r row, err error) {
		err = sc.Scan(&r.account, &r.currency, &r.amount, &r.at)
		return r, err
	}, `SELECT account_id, currency, amount, at FROM spend WHERE ref = ?`, ref)
	if err != nil {
		return err
	}
	us := d.Microseconds()
	for _, r := range moved {
		if err := addSpendDay(ctx, tx, r.account, r.currency, r.at/dayMicros, -r.amount); err != nil {
			return err
		}
		if err := addSpendDay(ctx, tx, r.account, r.currency, (r.at-us)/dayMicros, r.amount); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE spend SET at = at - ? WHERE ref = ?`, us, ref)
	return err
}

// MonthSpend is an account's spend in one calendar month (UTC).
type MonthSpend struct {
	Month  string      `json:"month"` // "2026-11"
	Amount money.Money `json:"amount"`
}

// SpendByMonth is the account's spend per calendar month over the last 12
// months, oldest first, every month present: what its orders paid, net of
// refunds (the spend that counts for rewards). Every member may see it,
// like the rewards page.
func (s *Service) SpendByMonth(ctx context.Context, q db.Queryer, accountID string) ([]MonthSpend, error) {
	currency, err := accountCurrency(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	now := s.DB.Clock.Now().UTC()
	first := monthStart(now).AddDate(0, -11, 0)
	months := make([]MonthSpend, 12)
	index := map[string]int{}
	for i := range months {
		m := first.AddDate(0, i, 0).Format("2006-01")
		months[i] = MonthSpend{Month: m, Amount: money.New(0, currency)}
		index[m] = i
	}
	// Months are whole UTC days: at most 366 rows, however many orders.
	rows, err := q.Query(ctx, `SELECT amount, day FROM spend_days WHERE account_id = ? AND currency = ? AND day >= ?`,
		accountID, currency, db.Micros(first)/dayMicros)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var amount, day int64
		if err := rows.Scan(&amount, &day); err != nil {
			return nil, err
		}
		if i, ok := index[db.Time(day*dayMicros).Format("2006-01")]; ok {
			months[i].Amount.Amount += amount
		}
	}
	return months, rows.Err()
}
