package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/users"
)

// PaymentMethod is a card saved on a business account.
type PaymentMethod struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"` // card
	Brand     string    `json:"brand"`
	Last4     string    `json:"last4"`
	ExpMonth  int       `json:"exp_month"`
	ExpYear   int       `json:"exp_year"`
	Default   bool      `json:"default"`
	CreatedAt time.Time `json:"created_at"`
	ref       string
}

// Label is how a person recognises the card: "visa •••• 4242".
func (p PaymentMethod) Label() string { return fmt.Sprintf("%s •••• %s", p.Brand, p.Last4) }

const methodColumns = `id, type, brand, last4, exp_month, exp_year, is_default, created_at, provider_ref`

func scanMethod(row interface{ Scan(...any) error }) (PaymentMethod, error) {
	var p PaymentMethod
	var created int64
	if err := row.Scan(&p.ID, &p.Type, &p.Brand, &p.Last4, &p.ExpMonth, &p.ExpYear, &p.Default, &created, &p.ref); err != nil {
		return PaymentMethod{}, db.NoRows(err)
	}
	p.CreatedAt = db.Time(created)
	return p, nil
}

// method loads a live payment method of an account.
func method(ctx context.Context, q db.Queryer, accountID, id string) (PaymentMethod, error) {
	p, err := scanMethod(q.QueryRow(ctx, `SELECT `+methodColumns+` FROM payment_methods WHERE id = ? AND account_id = ? AND removed_at IS NULL`, id, accountID))
	if errors.Is(err, db.ErrNotFound) {
		return PaymentMethod{}, errs.Invalid("payment_method_id", "payment_method_not_found")
	}
	return p, err
}

// DefaultMethod returns the account's default card, if it has one.
func DefaultMethod(ctx context.Context, q db.Queryer, accountID string) (PaymentMethod, bool, error) {
	p, err := scanMethod(q.QueryRow(ctx, `SELECT `+methodColumns+` FROM payment_methods WHERE account_id = ? AND is_default AND removed_at IS NULL`, accountID))
	if errors.Is(err, db.ErrNotFound) {
		return PaymentMethod{}, false, nil
	}
	return p, err == nil, err
}

// AddCard saves a card from a provider token; the account's first card
// becomes its default.
func (s *Service) AddCard(ctx context.Context, actor users.User, accountID, token string) (PaymentMethod, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return PaymentMethod{}, err
	}
	if token == "" {
		return PaymentMethod{}, errs.Invalid("token", "required")
	}
	card, err := s.Provider.SaveCard(ctx, token)
	if err != nil {
		return PaymentMethod{}, err
	}
	id := db.NewID("pm")
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.ManageBilling); err != nil {
			return err
		}
		_, has, err := DefaultMethod(ctx, tx, accountID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO payment_methods (id, account_id, type, provider, provider_ref, brand, last4, exp_month, exp_year,
			is_default, created_by, created_at) VALUES (?, ?, 'card', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, accountID, s.Provider.Name(), card.Ref, card.Brand, card.Last4, card.ExpMonth, card.ExpYear, !has, actor.ID, db.Micros(tx.Now))
		if err != nil {
			return err
		}
		return accounts.Audit(ctx, tx, accountID, actor.ID, "payment_method.added", id, map[string]any{"card": PaymentMethod{Brand: card.Brand, Last4: card.Last4}.Label()})
	})
	if err != nil {
		return PaymentMethod{}, err
	}
	return method(ctx, s.DB, accountID, id)
}

// PaymentMethods lists the account's cards, the default first.
func (s *Service) PaymentMethods(ctx context.Context, actor users.User, accountID string) ([]PaymentMethod, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ManageBilling); err != nil {
		return nil, err
	}
	return db.Collect(ctx, s.DB, scanMethod, `SELECT `+methodColumns+` FROM payment_methods WHERE account_id = ? AND removed_at IS NULL
		ORDER BY is_default DESC, id`, accountID)
}

// RemovePaymentMethod removes a card; when it was the default, the most
// recent other card becomes the default.
func (s *Service) RemovePaymentMethod(ctx context.Context, actor users.User, accountID, id string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.ManageBilling); err != nil {
			return err
		}
		p, err := method(ctx, tx, accountID, id)
		if err != nil {
			return errs.NotFound("payment_method_not_found")
		}
		if _, err := tx.Exec(ctx, `UPDATE payment_methods SET removed_at = ?, is_default = FALSE WHERE id = ?`, db.Micros(tx.Now), id); err != nil {
			return err
		}
		if p.Default {
			if _, err := tx.Exec(ctx, `UPDATE payment_methods SET is_default = TRUE WHERE id = (
				SELECT id FROM payment_methods WHERE account_id = ? AND removed_at IS NULL ORDER BY id DESC LIMIT 1)`, accountID); err != nil {
				return err
			}
		}
		return accounts.Audit(ctx, tx, accountID, actor.ID, "payment_method.removed", id, map[string]any{"card": p.Label()})
	})
}

// SetDefaultMethod makes a card the account's default.
func (s *Service) SetDefaultMethod(ctx context.Context, actor users.User, accountID, id string) (PaymentMethod, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.ManageBilling); err != nil {
			return err
		}
		p, err := method(ctx, tx, accountID, id)
		if err != nil {
			return errs.NotFound("payment_method_not_found")
		}
		if _, err := tx.Exec(ctx, `UPDATE payment_methods SET is_default = FALSE WHERE account_id = ? AND is_default`, accountID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE payment_methods SET is_default = TRUE WHERE id = ?`, id); err != nil {
			return err
		}
		return accounts.Audit(ctx, tx, accountID, actor.ID, "payment_method.default", id, map[string]any{"card": p.Label()})
	})
	if err != nil {
		return PaymentMethod{}, err
	}
	return method(ctx, s.DB, accountID, id)
}
