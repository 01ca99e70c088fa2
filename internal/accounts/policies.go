package accounts

import (
	"context"
	"encoding/json"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Policies are the buying rules the admin sets for the account.
type Policies struct {
	// InvitationApproval: invitations from billing managers and members wait
	// for the admin before they are sent.
	InvitationApproval bool `json:"invitation_approval"`
	// OrderApprovalThreshold: orders by non-admins above it wait for the
	// admin's approval. nil: no approval needed.
	OrderApprovalThreshold *money.Money `json:"order_approval_threshold"`
	// MemberMonthlyLimit: what each non-admin member may spend per calendar
	// month, unless MemberLimits names their own limit. nil: no limit.
	MemberMonthlyLimit *money.Money `json:"member_monthly_limit"`
	// MemberLimits: a limit of its own for some members, by user id.
	MemberLimits map[string]money.Money `json:"member_limits"`
	// RequireTwoFactor: members reach the account only once they sign in
	// with two-factor (ActorRole refuses the others).
	RequireTwoFactor bool `json:"require_two_factor"`
}

// Policies returns the account's policies; every member may read them (a
// member needs to know their limit).
func (s *Service) Policies(ctx context.Context, actor users.User, accountID string) (Policies, error) {
	if _, err := Authorize(ctx, s.DB, actor, accountID, ViewAccount); err != nil {
		return Policies{}, err
	}
	return loadPolicies(ctx, s.DB, accountID)
}

// LoadPolicies reads the policies of an account without an actor, for the
// domains that apply them (orders).
func LoadPolicies(ctx context.Context, q db.Queryer, accountID string) (Policies, error) {
	return loadPolicies(ctx, q, accountID)
}

func loadPolicies(ctx context.Context, q db.Queryer, accountID string) (Policies, error) {
	var p Policies
	var currency string
	var threshold, limit db.NullInt
	err := q.QueryRow(ctx, `SELECT currency, invitation_approval, order_approval_threshold, member_monthly_limit, require_two_factor FROM accounts WHERE id = ?`, accountID).
		Scan(&currency, &p.InvitationApproval, &threshold, &limit, &p.RequireTwoFactor)
	if err != nil {
		return Policies{}, db.NoRows(err)
	}
	if threshold.Valid {
		p.OrderApprovalThreshold = &money.Money{Amount: threshold.Int64, Currency: currency}
	}
	if limit.Valid {
		p.MemberMonthlyLimit = &money.Money{Amount: limit.Int64, Currency: currency}
	}
	p.MemberLimits = map[string]money.Money{}
	rows, err := q.Query(ctx, `SELECT user_id, monthly_limit FROM memberships WHERE account_id = ? AND monthly_limit IS NOT NULL`, accountID)
	if err != nil {
		return Policies{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var user string
		var amount int64
		if err := rows.Scan(&user, &amount); err != nil {
			return Policies{}, err
		}
		p.MemberLimits[user] = money.Money{Amount: amount, Currency: currency}
	}
	return p, rows.Err()
}

func checkAmount(field string, m *money.Money, currency string) error {
	if m == nil {
		return nil
	}
	if m.Currency != currency {
		return errs.Invalid(field, "currency_mismatch").With("currency", currency)
	}
	if m.Amount < 0 {
		return errs.Invalid(field, "amount_negative")
	}
	return nil
}

// SetPolicies replaces the account's policies (admin only) and records the
// before and after in the audit log. Amounts are in the account's currency.
// An admin requires two-factor sign-in of the members only once they use
// it themselves (two_factor_needed_first): the rule holds for the admin
// too, who would otherwise shut themselves out.
func (s *Service) SetPolicies(ctx context.Context, actor users.User, accountID string, p Policies) (Policies, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := Authorize(ctx, tx, actor, accountID, EditPolicies); err != nil {
			return err
		}
		var currency string
		if err := tx.QueryRow(ctx, `SELECT currency FROM accounts WHERE id = ?`, accountID).Scan(&currency); err != nil {
			return err
		}
		if p.RequireTwoFactor && !actor.TwoFactor {
			return &errs.Error{Kind: errs.KindConflict, Code: "two_factor_needed_first", Field: "require_two_factor"}
		}
		if err := checkAmount("order_approval_threshold", p.OrderApprovalThreshold, currency); err != nil {
			return err
		}
		if err := checkAmount("member_monthly_limit", p.MemberMonthlyLimit, currency); err != nil {
			return err
		}
		for user, limit := range p.MemberLimits {
			field := "member_limits." + user
			if err := checkAmount(field, &limit, currency); err != nil {
				return err
			}
			role, err := memberRole(ctx, tx, accountID, user)
			if err != nil {
				return errs.Invalid(field, "not_a_member")
			}
			if role == Admin {
				return errs.Invalid(field, "admin_has_no_limit")
			}
		}
		before, err := loadPolicies(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET invitation_approval = ?, order_approval_threshold = ?, member_monthly_limit = ?, require_two_factor = ? WHERE id = ?`,
			p.InvitationApproval, amountOrNull(p.OrderApprovalThreshold), amountOrNull(p.MemberMonthlyLimit), p.RequireTwoFactor, accountID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE memberships SET monthly_limit = NULL WHERE account_id = ?`, accountID); err != nil {
			return err
		}
		for user, limit := range p.MemberLimits {
			if _, err := tx.Exec(ctx, `UPDATE memberships SET monthly_limit = ? WHERE account_id = ? AND user_id = ?`, limit.Amount, accountID, user); err != nil {
				return err
			}
		}
		after, err := loadPolicies(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if policiesEqual(before, after) {
			return nil
		}
		return audit(ctx, tx, accountID, actor.ID, "policies.changed", accountID, map[string]any{"before": before, "after": after})
	})
	if err != nil {
		return Policies{}, err
	}
	return loadPolicies(ctx, s.DB, accountID)
}

func amountOrNull(m *money.Money) any {
	if m == nil {
		return nil
	}
	return m.Amount
}

func policiesEqual(a, b Policies) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID        string         `json:"id"`
	At        time.Time      `json:"at"`
	ActorID   string         `json:"actor_id"` // "" for the platform
	ActorName string         `json:"actor_name"`
	Action    string         `json:"action"`
	Target    string         `json:"target"`
	Details   map[string]any `json:"details"`
}

// AuditLog lists the account's audit log, newest first (admin only).
func (s *Service) AuditLog(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[AuditEntry], error) {
	if _, err := Authorize(ctx, s.DB, actor, accountID, ReadAuditLog); err != nil {
		return page.Page[AuditEntry]{}, err
	}
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	list, err := db.Collect(ctx, s.DB, func(row db.Row) (e AuditEntry, err error) {
		var at int64
		var details string
		if err := row.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Action, &e.Target, &details); err != nil {
			return e, err
		}
		e.At = db.Time(at)
		err = json.Unmarshal([]byte(details), &e.Details)
		return e, err
	}, `SELECT l.id, l.at, COALESCE(l.actor_id, ''), COALESCE(u.name, ''), l.action, l.target, l.details
		FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
		WHERE l.account_id = ? AND l.id < ? ORDER BY l.id DESC LIMIT ?`, accountID, after, r.Limit+1)
	if err != nil {
		return page.Page[AuditEntry]{}, err
	}
	return page.Cut(list, r, func(e AuditEntry) string { return e.ID }), nil
}
