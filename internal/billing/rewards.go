package billing

import (
	"context"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/ledger"
	"atelier/internal/money"
	"atelier/internal/users"
)

// Rewards is an account's place in the rewards program.
type Rewards struct {
	Level       string      `json:"level"` // silver, gold, platinum
	Spend12m    money.Money `json:"spend_12m"`
	NextLevel   string      `json:"next_level"` // "" at platinum
	ToNextLevel money.Money `json:"to_next_level"`
	Progress    int         `json:"progress"` // percent of the way to the next level
	Credit      money.Money `json:"credit"`
	RatePercent float64     `json:"rate_percent"` // back on orders at this level
}

const year = 365 * 24 * time.Hour

// level is the rewards level of a 12-month spend.
func (s *Service) level(spend int64) (level, next string, from, to int64) {
	switch {
	case spend >= s.Config.PlatinumFrom:
		return "platinum", "", s.Config.PlatinumFrom, s.Config.PlatinumFrom
	case spend >= s.Config.GoldFrom:
		return "gold", "platinum", s.Config.GoldFrom, s.Config.PlatinumFrom
	}
	return "silver", "gold", 0, s.Config.GoldFrom
}

// RateBP is the reward rate on orders at a level, in basis points.
func (s *Service) RateBP(level string) int64 {
	switch level {
	case "platinum":
		return s.Config.PlatinumRateBP
	case "gold":
		return s.Config.GoldRateBP
	}
	return s.Config.SilverRateBP
}

// Rewards returns the account's level, spend and progress; every member may
// see them, only the admin and billing managers spend the credit (they
// place and approve the orders it pays).
func (s *Service) Rewards(ctx context.Context, actor users.User, accountID string) (Rewards, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount); err != nil {
		return Rewards{}, err
	}
	currency, err := accountCurrency(ctx, s.DB, accountID)
	if err != nil {
		return Rewards{}, err
	}
	spend, err := levelSpend(ctx, s.DB, accountID, s.DB.Clock.Now())
	if err != nil {
		return Rewards{}, err
	}
	var r Rewards
	var from, to int64
	r.Level, r.NextLevel, from, to = s.level(spend)
	r.Spend12m = money.New(spend, currency)
	r.ToNextLevel = money.New(max(0, to-spend), currency)
	r.Progress = 100
	if r.NextLevel != "" && to > from {
		r.Progress = int((spend - from) * 100 / (to - from))
	}
	r.RatePercent = float64(s.RateBP(r.Level)) / 100
	r.Credit, err = ledger.BalanceOf(ctx, s.DB, ledger.Account{Kind: ledger.Credit, Owner: accountID, Currency: currency})
	return r, err
}

// RecordSpend adds an order payment (or, negative, a refund) to the
// account's spend, in the caller's transaction. It leaves the level as it
// is: a payment into escrow, or a refund out of it, changes the spend and
// what escrow holds alike (levelSpend). A release, and a refund of released
// money (Relevel), move the level; so does the daily job.
func (s *Service) RecordSpend(ctx context.Context, tx *db.Tx, accountID, ref string, amount money.Money) error {
	if amount.Amount < 0 {
		return refundSpend(ctx, tx, accountID, ref, amount, tx.Now)
	}
	return addSpend(ctx, tx, accountID, ref, amount, tx.Now)
}

// Relevel recomputes the account's level now, in the caller's transaction:
// after a refund of money already released (a granted guarantee).
func (s *Service) Relevel(ctx context.Context, tx *db.Tx, accountID string) error {
	return s.recompute(ctx, tx, accountID, tx.Now)
}

func (s *Service) recompute(ctx context.Context, tx *db.Tx, accountID string, now time.Time) error {
	spend, err := levelSpend(ctx, tx, accountID, now)
	if err != nil {
		return err
	}
	level, _, _, _ := s.level(spend)
	var before string
	if err := tx.QueryRow(ctx, `SELECT rewards_level FROM accounts WHERE id = ?`, accountID).Scan(&before); err != nil {
		return err
	}
	if before == level {
		return nil
	}
	return accounts.SetRewardsLevel(ctx, tx, accountID, before, level)
}

// RecomputeLevels is the daily job: spend older than 12 months stops
// counting, so a level can fall without any payment.
func (s *Service) RecomputeLevels(ctx context.Context, now time.Time) (int, error) {
	ids, err := db.Strings(ctx, s.DB, `SELECT id FROM accounts WHERE rewards_level <> 'silver'
		OR id IN (SELECT account_id FROM spend WHERE at > ?)`, db.Micros(now.Add(-year)))
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.DB.InTx(ctx, func(tx *db.Tx) error { return s.recompute(ctx, tx, id, now) }); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
