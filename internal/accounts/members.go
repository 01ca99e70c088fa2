package accounts

import (
	"context"
	"errors"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Membership is a user in an account, with their role.
type Membership struct {
	UserID   string    `json:"user_id"`
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	Role     Role      `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
}

// Members lists an account's members, ordered by user id; any member may
// see who else is in the account.
func (s *Service) Members(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[Membership], error) {
	if _, err := Authorize(ctx, s.DB, actor, accountID, ViewAccount); err != nil {
		return page.Page[Membership]{}, err
	}
	r = r.Norm()
	list, err := db.Collect(ctx, s.DB, func(row db.Row) (m Membership, err error) {
		var joined int64
		err = row.Scan(&m.UserID, &m.Name, &m.Email, &m.Role, &joined)
		m.JoinedAt = db.Time(joined)
		return m, err
	}, `SELECT u.id, u.name, u.email, m.role, m.joined_at
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.account_id = ? AND u.id > ? ORDER BY u.id LIMIT ?`, accountID, r.After, r.Limit+1)
	if err != nil {
		return page.Page[Membership]{}, err
	}
	return page.Cut(list, r, func(m Membership) string { return m.UserID }), nil
}

// memberRole returns a member's role, or "member not found".
func memberRole(ctx context.Context, q db.Queryer, accountID, userID string) (Role, error) {
	r, err := RoleOf(ctx, q, accountID, userID)
	if err == nil && r == "" {
		return "", errMemberNotFound
	}
	return r, err
}

// ChangeRole makes a member a billing manager or a plain member (admin
// only). The admin role itself only moves with TransferAdmin, so there is
// never a second admin and never none.
func (s *Service) ChangeRole(ctx context.Context, actor users.User, accountID, userID string, role Role) error {
	if !role.Valid() {
		return errs.Invalid("role", "role_invalid")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := Authorize(ctx, tx, actor, accountID, ManageMembers); err != nil {
			return err
		}
		before, err := memberRole(ctx, tx, accountID, userID)
		if err != nil {
			return err
		}
		switch {
		case role == Admin && before != Admin:
			return errs.Conflict("one_admin_use_transfer")
		case before == Admin && role != Admin:
			return errs.Conflict("admin_role_transfer_only")
		case before == role:
			return nil
		}
		if err := tx.ExecOne(ctx, errs.Conflict("member_changed_concurrently"), `UPDATE memberships SET role = ? WHERE account_id = ? AND user_id = ? AND role = ?`,
			role, accountID, userID, before); err != nil {
			return err
		}
		if err := audit(ctx, tx, accountID, actor.ID, "member.role_changed", userID,
			map[string]any{"user_id": userID, "before": before, "after": role}); err != nil {
			return err
		}
		return notify.User(ctx, tx, userID, "role_changed", map[string]any{"account": accountName(ctx, tx, accountID), "role": role}, "/accounts/"+accountID)
	})
}

// RemoveMember takes a member out of the account. The admin removes anyone
// but themself; any other member may leave on their own. The admin cannot be
// removed: transfer the role first.
func (s *Service) RemoveMember(ctx context.Context, actor users.User, accountID, userID string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		actorRole, err := roleOf(ctx, tx, actor, accountID)
		if err != nil {
			return err
		}
		leaving := userID == actor.ID
		if !leaving && !actorRole.Can(ManageMembers) {
			return errs.Forbidden("role_not_allowed")
		}
		role, err := memberRole(ctx, tx, accountID, userID)
		if err != nil {
			return err
		}
		if role == Admin {
			return errs.Conflict("admin_cannot_be_removed")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE account_id = ? AND user_id = ? AND role <> 'admin'`, accountID, userID); err != nil {
			return err
		}
		action := "member.removed"
		if leaving {
			action = "member.left"
		}
		return audit(ctx, tx, accountID, actor.ID, action, userID, map[string]any{"user_id": userID, "role": role})
	})
}

// TransferAdmin hands the admin role to another member; the old admin
// becomes a member. Both changes happen in one transaction, so the account
// has exactly one admin before and after.
func (s *Service) TransferAdmin(ctx context.Context, actor users.User, accountID, userID string) error {
	if userID == "" {
		return errs.Invalid("user_id", "user_id_required")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := Authorize(ctx, tx, actor, accountID, ManageMembers); err != nil {
			return err
		}
		if userID == actor.ID {
			return errs.Invalid("user_id", "already_admin")
		}
		before, err := memberRole(ctx, tx, accountID, userID)
		if err != nil {
			return errs.Invalid("user_id", "not_a_member")
		}
		if err := tx.ExecOne(ctx, errs.Conflict("member_changed_concurrently"), `UPDATE memberships SET role = 'member' WHERE account_id = ? AND user_id = ? AND role = 'admin'`, accountID, actor.ID); err != nil {
			return err
		}
		// The new admin's own purchase limit no longer applies.
		if _, err := tx.Exec(ctx, `UPDATE memberships SET role = 'admin', monthly_limit = NULL WHERE account_id = ? AND user_id = ?`, accountID, userID); err != nil {
			return err
		}
		if err := audit(ctx, tx, accountID, actor.ID, "admin.transferred", userID,
			map[string]any{"from": actor.ID, "to": userID, "to_role_before": before}); err != nil {
			return err
		}
		return notify.User(ctx, tx, userID, "admin_transferred", map[string]any{"account": accountName(ctx, tx, accountID)}, "/accounts/"+accountID)
	})
}

// Member returns one member of an account.
func (s *Service) Member(ctx context.Context, actor users.User, accountID, userID string) (Membership, error) {
	if _, err := Authorize(ctx, s.DB, actor, accountID, ViewAccount); err != nil {
		return Membership{}, err
	}
	var m Membership
	var joined int64
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.name, u.email, m.role, m.joined_at
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.account_id = ? AND m.user_id = ?`, accountID, userID).
		Scan(&m.UserID, &m.Name, &m.Email, &m.Role, &joined)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return Membership{}, errMemberNotFound
	}
	m.JoinedAt = db.Time(joined)
	return m, err
}
