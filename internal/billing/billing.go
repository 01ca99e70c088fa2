// Package billing is how business accounts pay and freelancers get paid:
// payment methods and billing info (admin and billing managers only),
// deposits to the account balance, fees, invoices numbered without gaps,
// the rewards program, escrow for orders, and freelancer earnings with
// their clearance and withdrawals. Every movement of money goes through
// the ledger in the transaction of its cause; cards are charged through a
// payments.Provider before that transaction, and refunded if it fails.
package billing

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/check"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/payments"
	"atelier/internal/users"
)

// Config holds the money rules that operators may change.
type Config struct {
	BuyerFeeBP         int64 // buyer service fee, basis points (550 = 5.5%)
	SmallOrderFee      int64 // added under SmallOrderUnder (minor units)
	SmallOrderUnder    int64
	SellerCommissionBP int64 // taken from the freelancer on release (2000 = 20%)
	ClearancePro       time.Duration
	ClearanceOther     time.Duration
	// Rewards levels by spend over the last 12 months, and their rates.
	GoldFrom, PlatinumFrom                   int64
	SilverRateBP, GoldRateBP, PlatinumRateBP int64
	DepositRewardFrom, DepositRewardHighFrom int64
	DepositRewardBP, DepositRewardHighBP     int64
	MaxAmount                                int64 // the largest single payment accepted
	Seller                                   Party // the issuer printed on invoices
	VATRateBP                                int   // the seller's standard VAT rate, basis points (2000 = 20%): vat.go
}

// DefaultConfig is PRODUCT.md's numbers.
func DefaultConfig() Config {
	return Config{
		BuyerFeeBP: 550, SmallOrderFee: 300, SmallOrderUnder: 10000, SellerCommissionBP: 2000,
		ClearancePro: 7 * 24 * time.Hour, ClearanceOther: 14 * 24 * time.Hour,
		GoldFrom: 100000, PlatinumFrom: 500000,
		SilverRateBP: 100, GoldRateBP: 300, PlatinumRateBP: 500,
		DepositRewardFrom: 1000000, DepositRewardHighFrom: 3000000, DepositRewardBP: 500, DepositRewardHighBP: 1000,
		MaxAmount: money.MaxAmount, VATRateBP: 2000,
		// An example identity: set yours (atelier serve --seller-*).
		Seller: Party{Name: "Atelier Marketplace SAS", Address: "10 rue de la Paix\n75002 Paris", Country: "FR",
			VATID: "FR00123456789", Email: "billing@atelier.example", Legal: "SAS au capital de 10 000 € · RCS Paris 123 456 789"},
	}
}

// Service is the billing domain.
type Service struct {
	DB       *db.DB
	Provider payments.Provider
	Config   Config
	Log      *slog.Logger
}

// checkAmount validates a payment amount in the account's currency.
func (s *Service) checkAmount(field string, m money.Money, currency string) error {
	switch {
	case m.Currency != currency:
		return errs.Invalid(field, "currency_mismatch").With("currency", currency)
	case m.Amount <= 0:
		return errs.Invalid(field, "amount_not_positive")
	case m.Amount > s.Config.MaxAmount:
		return errs.Invalid(field, "amount_too_large")
	}
	return nil
}

func accountCurrency(ctx context.Context, q db.Queryer, accountID string) (string, error) {
	var c string
	err := q.QueryRow(ctx, `SELECT currency FROM accounts WHERE id = ?`, accountID).Scan(&c)
	return c, db.NoRows(err)
}

// BillingInfo is what invoices print about the buyer.
type BillingInfo struct {
	Company string `json:"company" check:"max=200"`
	Address string `json:"address" check:"max=500"`
	Country string `json:"country"`
	VATID   string `json:"vat_id" check:"max=30"`
	Email   string `json:"email"`
}

// BillingInfo returns the account's billing details (admin and billing
// managers).
func (s *Service) BillingInfo(ctx context.Context, actor users.User, accountID string) (BillingInfo, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return BillingInfo{}, err
	}
	return billingInfo(ctx, s.DB, accountID)
}

func billingInfo(ctx context.Context, q db.Queryer, accountID string) (BillingInfo, error) {
	var b BillingInfo
	err := q.QueryRow(ctx, `SELECT company, address, country, vat_id, email FROM billing_info WHERE account_id = ?`, accountID).
		Scan(&b.Company, &b.Address, &b.Country, &b.VATID, &b.Email)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return BillingInfo{}, nil
	}
	return b, err
}

// buyer is the account as its invoices print it: its billing details as
// they are now, its name when it gave no company.
func buyer(ctx context.Context, q db.Queryer, accountID string) (Party, error) {
	b, err := billingInfo(ctx, q, accountID)
	if err != nil {
		return Party{}, err
	}
	if b.Company == "" {
		if err := q.QueryRow(ctx, `SELECT name FROM accounts WHERE id = ?`, accountID).Scan(&b.Company); err != nil {
			return Party{}, err
		}
	}
	return Party{Name: b.Company, Address: b.Address, Country: b.Country, VATID: b.VATID, Email: b.Email}, nil
}

// SetBillingInfo replaces the account's billing details.
func (s *Service) SetBillingInfo(ctx context.Context, actor users.User, accountID string, b BillingInfo) (BillingInfo, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return BillingInfo{}, err
	}
	if err := check.Clean(&b, ""); err != nil {
		return BillingInfo{}, err
	}
	b.Country = strings.ToUpper(strings.TrimSpace(b.Country))
	if b.Country != "" && (len(b.Country) != 2 || strings.ToUpper(b.Country) != b.Country || !isLetters(b.Country)) {
		return BillingInfo{}, errs.Invalid("country", "country_invalid")
	}
	b.VATID = NormalizeVATID(b.VATID)
	if b.VATID != "" && eu[b.Country] && !VATIDLooksValid(b.Country, b.VATID) {
		return BillingInfo{}, errs.Invalid("vat_id", "vat_id_invalid").With("country", b.Country)
	}
	if strings.TrimSpace(b.Email) != "" {
		e, err := users.NormalizeEmail("email", b.Email)
		if err != nil {
			return BillingInfo{}, err
		}
		b.Email = e
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.ManageBilling); err != nil {
			return err
		}
		before, err := billingInfo(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if before == b {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO billing_info (account_id, company, address, country, vat_id, email, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET company = excluded.company, address = excluded.address, country = excluded.country,
			vat_id = excluded.vat_id, email = excluded.email, updated_at = excluded.updated_at`,
			accountID, b.Company, b.Address, b.Country, b.VATID, b.Email, db.Micros(tx.Now)); err != nil {
			return err
		}
		return accounts.Audit(ctx, tx, accountID, actor.ID, "billing_info.changed", accountID, map[string]any{"before": before, "after": b})
	})
	if err != nil {
		return BillingInfo{}, err
	}
	return b, nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
