package accounts

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Invitation statuses. pending_approval and sent are open; the rest are
// final.
const (
	InvitePendingApproval = "pending_approval"
	InviteSent            = "sent"
	InviteAccepted        = "accepted"
	InviteDeclined        = "declined"
	InviteRejected        = "rejected"
	InviteRevoked         = "revoked"
	InviteExpired         = "expired"
)

// InvitationStatuses are the statuses a list of invitations filters by.
var InvitationStatuses = []string{InvitePendingApproval, InviteSent, InviteAccepted, InviteDeclined, InviteRejected, InviteRevoked, InviteExpired}

// Invitation asks a person, by e-mail, to join an account with a role.
type Invitation struct {
	ID            string    `json:"id"`
	AccountID     string    `json:"account_id"`
	AccountName   string    `json:"account_name"`
	Email         string    `json:"email"`
	Role          Role      `json:"role"`
	Status        string    `json:"status"`
	InvitedBy     string    `json:"invited_by"`
	InvitedByName string    `json:"invited_by_name"`
	Reason        string    `json:"reason,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	SentAt        time.Time `json:"sent_at,omitzero"`
	ExpiresAt     time.Time `json:"expires_at,omitzero"`
}

// Open reports whether the invitation can still change.
func (i Invitation) Open() bool { return i.Status == InvitePendingApproval || i.Status == InviteSent }

const invitationSelect = `SELECT i.id, i.account_id, a.name, i.email, i.role, i.status, i.invited_by, u.name,
	i.reason, i.created_at, i.sent_at, i.expires_at
	FROM invitations i JOIN accounts a ON a.id = i.account_id JOIN users u ON u.id = i.invited_by `

func scanInvitation(row interface{ Scan(...any) error }) (Invitation, error) {
	var i Invitation
	var created int64
	var sent, expires db.NullInt
	err := row.Scan(&i.ID, &i.AccountID, &i.AccountName, &i.Email, &i.Role, &i.Status, &i.InvitedBy, &i.InvitedByName,
		&i.Reason, &created, &sent, &expires)
	if err != nil {
		return Invitation{}, db.NoRows(err)
	}
	i.CreatedAt, i.SentAt, i.ExpiresAt = db.Time(created), db.NullTime(sent), db.NullTime(expires)
	return i, nil
}

func getInvitation(ctx context.Context, q db.Queryer, id string) (Invitation, error) {
	i, err := scanInvitation(q.QueryRow(ctx, invitationSelect+`WHERE i.id = ?`, id))
	if errors.Is(err, db.ErrNotFound) {
		return Invitation{}, errs.NotFound("invitation_not_found")
	}
	return i, err
}

// Invite asks someone to join the account. Any member may invite members;
// only the admin may invite billing managers. When the invitation-approval
// policy is on, an invitation from anyone but the admin waits for the
// admin's approval before it is sent.
func (s *Service) Invite(ctx context.Context, actor users.User, accountID, email string, role Role) (Invitation, error) {
	email, err := users.NormalizeEmail("email", email)
	if err != nil {
		return Invitation{}, err
	}
	if role == "" {
		role = Member
	}
	if role != Member && role != BillingManager {
		return Invitation{}, errs.Invalid("role", "invitation_role_invalid")
	}
	var id string
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		actorRole, err := Authorize(ctx, tx, actor, accountID, Invite)
		if err != nil {
			return err
		}
		if role == BillingManager && !actorRole.Can(InviteBillingManager) {
			return errs.Forbidden("only_admin_invites_billing_managers")
		}
		var members int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.account_id = ? AND u.email = ?`, accountID, email).Scan(&members); err != nil {
			return err
		}
		if members > 0 {
			return errs.Invalid("email", "already_member")
		}
		var approval bool
		if err := tx.QueryRow(ctx, `SELECT invitation_approval FROM accounts WHERE id = ?`, accountID).Scan(&approval); err != nil {
			return err
		}
		id = db.NewID("inv")
		status, sent, expires := InviteSent, db.NullMicros(tx.Now), db.NullMicros(tx.Now.Add(InvitationLifetime))
		if approval && actorRole != Admin {
			status, sent, expires = InvitePendingApproval, db.NullInt{}, db.NullInt{}
		}
		_, err = tx.Exec(ctx, `INSERT INTO invitations (id, account_id, email, role, status, invited_by, created_at, sent_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, accountID, email, role, status, actor.ID, db.Micros(tx.Now), sent, expires)
		if db.IsUniqueViolation(err) {
			return errs.Invalid("email", "already_invited")
		}
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, accountID, actor.ID, "invitation.created", id,
			map[string]any{"email": email, "role": role, "status": status}); err != nil {
			return err
		}
		if status == InviteSent {
			return sendInvitation(ctx, tx, id)
		}
		admin, err := AdminOf(ctx, tx, accountID)
		if err != nil {
			return err
		}
		return notify.User(ctx, tx, admin, "invitation_approval_requested",
			map[string]any{"email": email, "invited_by": actor.Name, "account_id": accountID}, "/accounts/"+accountID+"/invitations")
	})
	if err != nil {
		return Invitation{}, err
	}
	return getInvitation(ctx, s.DB, id)
}

// sendInvitation tells the invitee (by e-mail, and in the app if they have
// an account already).
func sendInvitation(ctx context.Context, tx *db.Tx, id string) error {
	i, err := getInvitation(ctx, tx, id)
	if err != nil {
		return err
	}
	return notify.Address(ctx, tx, i.Email, "invitation_received",
		map[string]any{"account": i.AccountName, "invited_by": i.InvitedByName, "role": i.Role, "expires_at": i.ExpiresAt},
		"/invitations/"+i.ID)
}

// Invitations lists an account's invitations, newest first, all of them or
// those in one status (the admin's pending approvals are status
// "pending_approval"). The admin and billing managers see all of them;
// members see the ones they sent.
func (s *Service) Invitations(ctx context.Context, actor users.User, accountID, status string, r page.Request) (page.Page[Invitation], error) {
	if status != "" && !slices.Contains(InvitationStatuses, status) {
		return page.Page[Invitation]{}, errs.Invalid("status", "status_invalid")
	}
	role, err := Authorize(ctx, s.DB, actor, accountID, ViewAccount)
	if err != nil {
		return page.Page[Invitation]{}, err
	}
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	q := invitationSelect + `WHERE i.account_id = ? AND i.id < ?`
	args := []any{accountID, after}
	if !role.Can(SeeAllInvitations) {
		q += ` AND i.invited_by = ?`
		args = append(args, actor.ID)
	}
	if status != "" {
		q += ` AND i.status = ` + db.Words(status)
	}
	q += ` ORDER BY i.id DESC LIMIT ?`
	args = append(args, r.Limit+1)
	return queryInvitations(ctx, s.DB, q, args, r)
}

func queryInvitations(ctx context.Context, q db.Queryer, query string, args []any, r page.Request) (page.Page[Invitation], error) {
	list, err := db.Collect(ctx, q, scanInvitation, query, args...)
	if err != nil {
		return page.Page[Invitation]{}, err
	}
	return page.Cut(list, r, func(i Invitation) string { return i.ID }), nil
}

// MyInvitations lists the invitations sent to the actor's e-mail address
// that can still be answered, newest first.
func (s *Service) MyInvitations(ctx context.Context, actor users.User, r page.Request) (page.Page[Invitation], error) {
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	return queryInvitations(ctx, s.DB, invitationSelect+`WHERE i.email = ? AND i.status = 'sent' AND i.expires_at > ? AND i.id < ?
		ORDER BY i.id DESC LIMIT ?`, []any{actor.Email, db.Micros(s.DB.Clock.Now()), after, r.Limit + 1}, r)
}

// Invitation returns one invitation to someone who may see it: its
// addressee, or a member of its account allowed to see it.
func (s *Service) Invitation(ctx context.Context, actor users.User, id string) (Invitation, error) {
	i, err := getInvitation(ctx, s.DB, id)
	if err != nil {
		return Invitation{}, err
	}
	if i.Email == actor.Email && i.Status != InvitePendingApproval {
		return i, nil
	}
	role, err := roleOf(ctx, s.DB, actor, i.AccountID)
	if err != nil || (!role.Can(SeeAllInvitations) && i.InvitedBy != actor.ID) {
		return Invitation{}, errs.NotFound("invitation_not_found")
	}
	return i, nil
}

// transition moves an invitation from one of the from statuses to to, with
// a conditional UPDATE, so that two answers racing each other cannot both
// win; the loser gets a conflict.
func transition(ctx context.Context, tx *db.Tx, id string, from []string, to string, set string, args ...any) error {
	all := append(append([]any{to}, args...), id)
	if err := tx.ExecOne(ctx, errs.Conflict("invitation_not_open"), `UPDATE invitations SET status = ?`+set+` WHERE id = ? AND status IN (`+db.Words(from...)+`)`, all...); err != nil {
		return err
	}
	return nil
}

// accountInvitation loads an invitation of an account; an invitation of
// another account does not exist.
func accountInvitation(ctx context.Context, tx *db.Tx, accountID, id string) (Invitation, error) {
	i, err := getInvitation(ctx, tx, id)
	if err == nil && i.AccountID != accountID {
		return Invitation{}, errs.NotFound("invitation_not_found")
	}
	return i, err
}

// adminInvitation loads an invitation for an action by a member of its
// account allowed to do it.
func adminInvitation(ctx context.Context, tx *db.Tx, actor users.User, accountID, id string, a Action) (Invitation, error) {
	i, err := accountInvitation(ctx, tx, accountID, id)
	if err != nil {
		return Invitation{}, err
	}
	if _, err := Authorize(ctx, tx, actor, i.AccountID, a); err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.KindNotFound {
			return Invitation{}, errs.NotFound("invitation_not_found")
		}
		return Invitation{}, err
	}
	return i, nil
}

// ApproveInvitation sends an invitation that waited for the admin; its
// seven days start now.
func (s *Service) ApproveInvitation(ctx context.Context, actor users.User, accountID, id string) (Invitation, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		i, err := adminInvitation(ctx, tx, actor, accountID, id, ApproveInvitations)
		if err != nil {
			return err
		}
		if err := transition(ctx, tx, id, []string{InvitePendingApproval}, InviteSent,
			`, sent_at = ?, expires_at = ?, decided_by = ?`, db.Micros(tx.Now), db.Micros(tx.Now.Add(InvitationLifetime)), actor.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, i.AccountID, actor.ID, "invitation.approved", id, map[string]any{"email": i.Email, "role": i.Role, "invited_by": i.InvitedBy}); err != nil {
			return err
		}
		if err := notify.User(ctx, tx, i.InvitedBy, "invitation_approved", map[string]any{"email": i.Email}, "/accounts/"+i.AccountID+"/invitations"); err != nil {
			return err
		}
		return sendInvitation(ctx, tx, id)
	})
	if err != nil {
		return Invitation{}, err
	}
	return getInvitation(ctx, s.DB, id)
}

// RejectInvitation refuses an invitation that waited for the admin.
func (s *Service) RejectInvitation(ctx context.Context, actor users.User, accountID, id, reason string) (Invitation, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 1000 {
		return Invitation{}, errs.Invalid("reason", "reason_too_long")
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		i, err := adminInvitation(ctx, tx, actor, accountID, id, ApproveInvitations)
		if err != nil {
			return err
		}
		if err := transition(ctx, tx, id, []string{InvitePendingApproval}, InviteRejected,
			`, decided_by = ?, reason = ?, closed_at = ?`, actor.ID, reason, db.Micros(tx.Now)); err != nil {
			return err
		}
		if err := audit(ctx, tx, i.AccountID, actor.ID, "invitation.rejected", id, map[string]any{"email": i.Email, "reason": reason}); err != nil {
			return err
		}
		return notify.User(ctx, tx, i.InvitedBy, "invitation_rejected", map[string]any{"email": i.Email, "reason": reason}, "/accounts/"+i.AccountID+"/invitations")
	})
	if err != nil {
		return Invitation{}, err
	}
	return getInvitation(ctx, s.DB, id)
}

// RevokeInvitation withdraws an open invitation: the admin may revoke any,
// other members the ones they sent.
func (s *Service) RevokeInvitation(ctx context.Context, actor users.User, accountID, id string) (Invitation, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		i, err := accountInvitation(ctx, tx, accountID, id)
		if err != nil {
			return err
		}
		role, err := roleOf(ctx, tx, actor, i.AccountID)
		if err != nil {
			return errs.NotFound("invitation_not_found")
		}
		if !role.Can(ApproveInvitations) && i.InvitedBy != actor.ID {
			if !role.Can(SeeAllInvitations) {
				return errs.NotFound("invitation_not_found")
			}
			return errs.Forbidden("role_not_allowed")
		}
		if err := transition(ctx, tx, id, []string{InvitePendingApproval, InviteSent}, InviteRevoked,
			`, decided_by = ?, closed_at = ?`, actor.ID, db.Micros(tx.Now)); err != nil {
			return err
		}
		return audit(ctx, tx, i.AccountID, actor.ID, "invitation.revoked", id, map[string]any{"email": i.Email, "status_before": i.Status})
	})
	if err != nil {
		return Invitation{}, err
	}
	return getInvitation(ctx, s.DB, id)
}

// inviteeInvitation loads an invitation for its addressee; to anyone else
// it does not exist.
func inviteeInvitation(ctx context.Context, tx *db.Tx, actor users.User, id string) (Invitation, error) {
	i, err := getInvitation(ctx, tx, id)
	if err != nil {
		return Invitation{}, err
	}
	if i.Email != actor.Email || i.Status == InvitePendingApproval {
		return Invitation{}, errs.NotFound("invitation_not_found")
	}
	// An invitation binds to the owner of its address: whoever signed up
	// with it answers only once the address is proven theirs, so a
	// registration made before the real person's can neither accept nor
	// decline.
	if err := users.RequireVerified(actor); err != nil {
		return Invitation{}, err
	}
	if i.Status == InviteSent && !tx.Now.Before(i.ExpiresAt) {
		return Invitation{}, errs.Conflict("invitation_expired")
	}
	return i, nil
}

// AcceptInvitation makes the invited user a member with the invited role.
func (s *Service) AcceptInvitation(ctx context.Context, actor users.User, id string) (Invitation, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		i, err := inviteeInvitation(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := transition(ctx, tx, id, []string{InviteSent}, InviteAccepted, `, closed_at = ?`, db.Micros(tx.Now)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO memberships (account_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)`,
			i.AccountID, actor.ID, i.Role, db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return errs.Conflict("already_member")
		}
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, i.AccountID, actor.ID, "invitation.accepted", id, map[string]any{"email": i.Email, "role": i.Role, "user_id": actor.ID}); err != nil {
			return err
		}
		return notify.User(ctx, tx, i.InvitedBy, "invitation_accepted", map[string]any{"email": i.Email, "name": actor.Name}, "/accounts/"+i.AccountID+"/members")
	})
	if err != nil {
		return Invitation{}, err
	}
	return getInvitation(ctx, s.DB, id)
}

// DeclineInvitation refuses an invitation.
func (s *Service) DeclineInvitation(ctx context.Context, actor users.User, id string) (Invitation, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		i, err := inviteeInvitation(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := transition(ctx, tx, id, []string{InviteSent}, InviteDeclined, `, closed_at = ?`, db.Micros(tx.Now)); err != nil {
			return err
		}
		if err := audit(ctx, tx, i.AccountID, actor.ID, "invitation.declined", id, map[string]any{"email": i.Email}); err != nil {
			return err
		}
		return notify.User(ctx, tx, i.InvitedBy, "invitation_declined", map[string]any{"email": i.Email}, "/accounts/"+i.AccountID+"/invitations")
	})
	if err != nil {
		return Invitation{}, err
	}
	return getInvitation(ctx, s.DB, id)
}

// ExpireInvitations is the invitation-expiry timer: every sent invitation
// whose seven days are over becomes expired, once, however many nodes run
// it at the same time.
func (s *Service) ExpireInvitations(ctx context.Context, now time.Time) (int, error) {
	due, err := db.Strings(ctx, s.DB, `SELECT id FROM invitations WHERE status = 'sent' AND expires_at <= ? ORDER BY expires_at LIMIT 500`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, id := range due {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE invitations SET status = 'expired', closed_at = ? WHERE id = ? AND status = 'sent' AND expires_at <= ?`,
				db.Micros(tx.Now), id, db.Micros(now))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // answered, revoked, or expired by another node
			}
			applied++
			i, err := getInvitation(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := audit(ctx, tx, i.AccountID, "", "invitation.expired", id, map[string]any{"email": i.Email}); err != nil {
				return err
			}
			return notify.User(ctx, tx, i.InvitedBy, "invitation_expired", map[string]any{"email": i.Email}, "/accounts/"+i.AccountID+"/invitations")
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}
