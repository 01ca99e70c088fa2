// Package accounts holds business accounts ("Pro accounts"): their members
// and roles, invitations with the invitation-approval policy, the purchase
// policies, and the audit log of every change to them (PRODUCT.md §1–2).
//
// Every operation takes the acting user and checks, here and nowhere else,
// that the user belongs to the account (otherwise the account "does not
// exist": 404) and that the role allows it (otherwise 403). The rules of who
// may do what are in one table: Role.Can.
package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/users"
)

// Role is a member's role in an account.
type Role string

// The three roles. There is exactly one admin per account.
const (
	Admin          Role = "admin"
	BillingManager Role = "billing_manager"
	Member         Role = "member"
)

// Valid reports whether r is a role.
func (r Role) Valid() bool { return r == Admin || r == BillingManager || r == Member }

// Action is something a member may be allowed to do in an account.
type Action string

// Actions checked by Role.Can.
const (
	ViewAccount          Action = "view_account"
	Invite               Action = "invite"
	InviteBillingManager Action = "invite_billing_manager"
	ApproveInvitations   Action = "approve_invitations"
	SeeAllInvitations    Action = "see_all_invitations"
	ManageMembers        Action = "manage_members" // roles, removal, admin transfer
	EditPolicies         Action = "edit_policies"
	ReadAuditLog         Action = "read_audit_log"
	EditAccount          Action = "edit_account"
	ManageBilling        Action = "manage_billing" // payment methods, billing info, invoices
	Buy                  Action = "buy"
	ApproveOrders        Action = "approve_orders"
	SeeAllOrders         Action = "see_all_orders"   // every order of the account, not only one's own and those shared
	SeeAllProjects       Action = "see_all_projects" // private ones too, and manages them all
)

// permissions is the whole access table: who may do what.
var permissions = map[Action][]Role{
	ViewAccount:          {Admin, BillingManager, Member},
	Invite:               {Admin, BillingManager, Member},
	InviteBillingManager: {Admin},
	ApproveInvitations:   {Admin},
	SeeAllInvitations:    {Admin, BillingManager},
	ManageMembers:        {Admin},
	EditPolicies:         {Admin},
	ReadAuditLog:         {Admin},
	EditAccount:          {Admin},
	ManageBilling:        {Admin, BillingManager},
	Buy:                  {Admin, BillingManager, Member},
	ApproveOrders:        {Admin},
	SeeAllOrders:         {Admin, BillingManager},
	SeeAllProjects:       {Admin},
}

// Can reports whether role r may perform a.
func (r Role) Can(a Action) bool {
	for _, allowed := range permissions[a] {
		if allowed == r {
			return true
		}
	}
	return false
}

// Account is a business account as one of its members sees it.
type Account struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Currency     string    `json:"currency"`
	RewardsLevel string    `json:"rewards_level"`
	CreatedAt    time.Time `json:"created_at"`
	// Role is the viewer's role in the account.
	Role Role `json:"role"`
}

// Service is the accounts domain.
type Service struct {
	DB *db.DB
}

// InvitationLifetime is how long a sent invitation can be accepted.
const InvitationLifetime = 7 * 24 * time.Hour

var (
	errAccountNotFound = errs.NotFound("account_not_found")
	errMemberNotFound  = errs.NotFound("member_not_found")
)

func validateAccountName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", errs.Invalid("name", "account_name_required")
	case utf8.RuneCountInString(name) > 100:
		return "", errs.Invalid("name", "account_name_too_long")
	}
	return name, nil
}

// Create opens a business account; its creator is its one admin. The
// currency is USD unless given.
func (s *Service) Create(ctx context.Context, actor users.User, name, currency string) (Account, error) {
	name, err := validateAccountName(name)
	if err != nil {
		return Account{}, err
	}
	if currency == "" {
		currency = money.DefaultCurrency
	}
	currency = strings.ToUpper(currency)
	if !money.ValidCurrency(currency) {
		return Account{}, errs.Invalid("currency", "currency_unsupported")
	}
	a := Account{ID: db.NewID("acc"), Name: name, Currency: currency, RewardsLevel: "silver", Role: Admin}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		a.CreatedAt = tx.Now
		if _, err := tx.Exec(ctx, `INSERT INTO accounts (id, name, currency, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			a.ID, a.Name, a.Currency, actor.ID, db.Micros(tx.Now)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (account_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)`,
			a.ID, actor.ID, Admin, db.Micros(tx.Now)); err != nil {
			return err
		}
		return audit(ctx, tx, a.ID, actor.ID, "account.created", a.ID, map[string]any{"name": a.Name, "currency": a.Currency})
	})
	return a, err
}

// RoleOf is a user's role in an account, "" when they are not a member:
// the one reading of memberships other packages use, beside Role.Can.
func RoleOf(ctx context.Context, q db.Queryer, accountID, userID string) (Role, error) {
	var r Role
	err := q.QueryRow(ctx, `SELECT role FROM memberships WHERE account_id = ? AND user_id = ?`, accountID, userID).Scan(&r)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return "", nil
	}
	return r, err
}

// Lock takes the account's row in tx, so the commitments of one account
// (orders through the spending gate) take turns.
func Lock(ctx context.Context, tx *db.Tx, accountID string) error {
	_, err := tx.Exec(ctx, `UPDATE accounts SET name = name WHERE id = ?`, accountID)
	return err
}

// SetRewardsLevel records the account's new rewards level (billing decides
// it), with its audit entry.
func SetRewardsLevel(ctx context.Context, tx *db.Tx, accountID, before, level string) error {
	if _, err := tx.Exec(ctx, `UPDATE accounts SET rewards_level = ? WHERE id = ?`, level, accountID); err != nil {
		return err
	}
	return audit(ctx, tx, accountID, "", "rewards.level_changed", accountID, map[string]any{"before": before, "after": level})
}

// MemberIDs lists the account's members (who are told of what comes to
// the account, as an offer).
func MemberIDs(ctx context.Context, q db.Queryer, accountID string) ([]string, error) {
	return db.Strings(ctx, q, `SELECT user_id FROM memberships WHERE account_id = ? ORDER BY user_id`, accountID)
}

// AdminOf is the account's admin (an account has exactly one).
func AdminOf(ctx context.Context, q db.Queryer, accountID string) (string, error) {
	var id string
	err := q.QueryRow(ctx, `SELECT user_id FROM memberships WHERE account_id = ? AND role = ?`, accountID, Admin).Scan(&id)
	return id, db.NoRows(err)
}

// roleOf returns the actor's role in an account, or "account not found"
// when the actor is not a member — a stranger cannot tell an account that
// exists from one that does not.
func roleOf(ctx context.Context, q db.Queryer, actor users.User, accountID string) (Role, error) {
	r, err := ActorRole(ctx, q, actor, accountID)
	if err == nil && r == "" {
		return "", errAccountNotFound
	}
	return r, err
}

// ErrTwoFactorRequired refuses a member without two-factor sign-in an
// account whose admin requires it (Policies.RequireTwoFactor).
var ErrTwoFactorRequired = errs.Forbidden("two_factor_required_by_account")

// ActorRole is the acting person's role in an account ("" when they are
// not a member), and the one place the account's own conditions for its
// members are applied: an account that requires two-factor sign-in refuses
// a member without it (ErrTwoFactorRequired) whatever they ask of it.
// Every operation of a person on an account reads their role through here
// (Authorize); what the platform does without a person (timers, jobs)
// reads memberships with RoleOf, and is not held up.
func ActorRole(ctx context.Context, q db.Queryer, actor users.User, accountID string) (Role, error) {
	var r Role
	var required bool
	err := q.QueryRow(ctx, `SELECT m.role, a.require_two_factor FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE m.account_id = ? AND m.user_id = ?`, accountID, actor.ID).Scan(&r, &required)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if required && !actor.TwoFactor {
		return "", ErrTwoFactorRequired
	}
	return r, nil
}

// ReachableSQL is ActorRole's rule for queries over many accounts: the SQL
// condition that the account whose id is the column col is one the actor
// reaches as a member — theirs, and, if it requires two-factor sign-in,
// with two-factor on. Its arguments follow it.
func ReachableSQL(col string, actor users.User) (string, []any) {
	return `EXISTS (SELECT 1 FROM memberships rm JOIN accounts ra ON ra.id = rm.account_id
		WHERE rm.account_id = ` + col + ` AND rm.user_id = ? AND (NOT ra.require_two_factor OR ?))`, []any{actor.ID, actor.TwoFactor}
}

// Authorize returns the actor's role if it may perform a in the account:
// 404 for a non-member, 403 for a member whose role does not allow it.
// Other domains (billing, orders) call it to apply the same table.
func Authorize(ctx context.Context, q db.Queryer, actor users.User, accountID string, a Action) (Role, error) {
	r, err := roleOf(ctx, q, actor, accountID)
	if err != nil {
		return "", err
	}
	if !r.Can(a) {
		return r, errs.Forbidden("role_not_allowed").With("action", string(a))
	}
	return r, nil
}

// Get returns an account the actor belongs to.
func (s *Service) Get(ctx context.Context, actor users.User, accountID string) (Account, error) {
	if _, err := roleOf(ctx, s.DB, actor, accountID); err != nil {
		return Account{}, err
	}
	var a Account
	var created int64
	err := s.DB.QueryRow(ctx, `SELECT a.id, a.name, a.currency, a.rewards_level, a.created_at, m.role
		FROM accounts a JOIN memberships m ON m.account_id = a.id AND m.user_id = ?
		WHERE a.id = ?`, actor.ID, accountID).Scan(&a.ID, &a.Name, &a.Currency, &a.RewardsLevel, &created, &a.Role)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return Account{}, errAccountNotFound
	}
	a.CreatedAt = db.Time(created)
	return a, err
}

// ForUser lists the accounts the actor belongs to, oldest membership first.
func (s *Service) ForUser(ctx context.Context, actor users.User) ([]Account, error) {
	return db.Collect(ctx, s.DB, func(row db.Row) (a Account, err error) {
		var created int64
		err = row.Scan(&a.ID, &a.Name, &a.Currency, &a.RewardsLevel, &created, &a.Role)
		a.CreatedAt = db.Time(created)
		return a, err
	}, `SELECT a.id, a.name, a.currency, a.rewards_level, a.created_at, m.role
		FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE m.user_id = ? ORDER BY m.joined_at, a.id`, actor.ID)
}

// Changes is what an admin sends to edit an account: its name. The
// currency is fixed when the account is created (its balance, invoices and
// policies are in it): another one is refused, never ignored.
type Changes struct {
	Name     string `json:"name"`
	Currency string `json:"currency,omitempty"`
}

// Edit renames the account (admin only).
func (s *Service) Edit(ctx context.Context, actor users.User, accountID string, in Changes) (Account, error) {
	name, err := validateAccountName(in.Name)
	if err != nil {
		return Account{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := Authorize(ctx, tx, actor, accountID, EditAccount); err != nil {
			return err
		}
		var before, currency string
		if err := tx.QueryRow(ctx, `SELECT name, currency FROM accounts WHERE id = ?`, accountID).Scan(&before, &currency); err != nil {
			return err
		}
		if in.Currency != "" && !strings.EqualFold(in.Currency, currency) {
			return errs.Invalid("currency", "read_only")
		}
		if before == name {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET name = ? WHERE id = ?`, name, accountID); err != nil {
			return err
		}
		return audit(ctx, tx, accountID, actor.ID, "account.renamed", accountID, map[string]any{"before": before, "after": name})
	})
	if err != nil {
		return Account{}, err
	}
	return s.Get(ctx, actor, accountID)
}

// accountName is the account's name for a message ("" if unreadable: the
// message still makes sense without it).
func accountName(ctx context.Context, q db.Queryer, accountID string) string {
	var name string
	q.QueryRow(ctx, `SELECT name FROM accounts WHERE id = ?`, accountID).Scan(&name)
	return name
}

// Audit appends one entry to an account's audit log, in the transaction of
// the change it records; other domains (billing, orders) call it too.
// actorID "" is the platform itself (a timer).
func Audit(ctx context.Context, tx *db.Tx, accountID, actorID, action, target string, details map[string]any) error {
	return audit(ctx, tx, accountID, actorID, action, target, details)
}

// audit appends one entry to an account's audit log, in the transaction of
// the change it records. actorID "" is the platform itself (a timer).
func audit(ctx context.Context, tx *db.Tx, accountID, actorID, action, target string, details map[string]any) error {
	b, err := json.Marshal(details)
	if err != nil {
		return err
	}
	var actor any
	if actorID != "" {
		actor = actorID
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (id, account_id, actor_id, action, target, details, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		db.NewID("aud"), accountID, actor, action, target, string(b), db.Micros(tx.Now))
	return err
}
