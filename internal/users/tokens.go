package users

import (
	"context"
	"errors"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
)

// One-time links sent by e-mail: a person proves an address is theirs by
// following the link sent to it. The token is 32 random bytes; only its
// SHA-256 is kept (user_tokens), it works once, until it expires, and a new
// link of the same purpose replaces the older ones.

// PurposeVerify is the purpose of an address's verification link.
const PurposeVerify = "verify_email"

// VerifyFor is how long an address's verification link works.
const VerifyFor = 24 * time.Hour

// issueToken makes a one-time link's token for userID, replacing the
// unused ones of the same purpose.
func issueToken(ctx context.Context, tx *db.Tx, userID, purpose string, ttl time.Duration) (string, error) {
	if _, err := tx.Exec(ctx, `UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
		db.Micros(tx.Now), userID, purpose); err != nil {
		return "", err
	}
	token := newToken()
	_, err := tx.Exec(ctx, `INSERT INTO user_tokens (id, user_id, purpose, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		db.NewID("utk"), userID, purpose, hashToken(token), db.Micros(tx.Now), db.Micros(tx.Now.Add(ttl)))
	return token, err
}

var (
	errLinkInvalid = errs.Invalid("token", "link_invalid") // unknown, replaced, or of another purpose
	errLinkUsed    = errs.Invalid("token", "link_used")
	errLinkExpired = errs.Invalid("token", "link_expired")
)

// useToken spends a one-time link's token of purpose, once, and answers
// whose it is. With owner set, another person's token is refused as
// unknown, and stays unspent.
func useToken(ctx context.Context, tx *db.Tx, token, purpose, owner string) (string, error) {
	var id, userID string
	var expires int64
	var used db.NullInt
	err := tx.QueryRow(ctx, `SELECT id, user_id, expires_at, used_at FROM user_tokens WHERE token_hash = ? AND purpose = ?`,
		hashToken(token), purpose).Scan(&id, &userID, &expires, &used)
	switch {
	case errors.Is(db.NoRows(err), db.ErrNotFound) || (err == nil && owner != "" && userID != owner):
		return "", errLinkInvalid
	case err != nil:
		return "", err
	case used.Valid:
		return "", errLinkUsed
	case !tx.Now.Before(db.Time(expires)):
		return "", errLinkExpired
	}
	return userID, tx.ExecOne(ctx, errLinkUsed, `UPDATE user_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL`, db.Micros(tx.Now), id)
}

// sendVerification e-mails u a link that verifies their address, in tx.
// The e-mail goes out whatever the person's e-mail settings (it is how
// they prove the address is theirs) and is not an in-app notice.
func sendVerification(ctx context.Context, tx *db.Tx, u User) error {
	token, err := issueToken(ctx, tx, u.ID, PurposeVerify, VerifyFor)
	if err != nil {
		return err
	}
	return notify.Send(ctx, tx, u.Email, u.Locale, "email_verify", map[string]any{"name": u.Name}, "/verify-email/"+token)
}

// ErrNotVerified refuses what needs a verified address.
var ErrNotVerified = errs.Forbidden("email_not_verified")

// RequireVerified is the one rule of what an unverified person may not do:
// accept an invitation (join an account), buy, sell or be paid. They may
// browse and set up (an account, settings) until they follow the link.
func RequireVerified(u User) error {
	if !u.EmailVerified {
		return ErrNotVerified
	}
	return nil
}

// SendVerification sends the signed-in person a new link to verify their
// address (the one sent at sign-up is replaced).
func (s *Service) SendVerification(ctx context.Context, actor User) error {
	if actor.EmailVerified {
		return errs.Conflict("email_already_verified")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error { return sendVerification(ctx, tx, actor) })
}

// VerifyEmail verifies the address a link was sent to, once. owner is the
// signed-in person who sends the token ("" for whoever follows the link):
// someone else's token is refused.
func (s *Service) VerifyEmail(ctx context.Context, token, owner string, c Client) (User, error) {
	var id string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = useToken(ctx, tx, token, PurposeVerify, owner); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`, db.Micros(tx.Now), id); err != nil {
			return err
		}
		return record(ctx, tx, id, EventEmailVerified, c)
	})
	if err != nil {
		return User{}, err
	}
	return s.Get(ctx, id)
}

// MarkVerified marks an address verified without its link: support's
// `atelier user verify --email E`, and an operator's page.
func (s *Service) MarkVerified(ctx context.Context, email string) (User, error) {
	u, ok, err := s.ByEmail(ctx, s.DB, email)
	if err != nil {
		return User{}, err
	}
	if !ok {
		return User{}, errs.NotFound("user_not_found")
	}
	if _, err := s.DB.Exec(ctx, `UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`, db.Micros(s.DB.Clock.Now()), u.ID); err != nil {
		return User{}, err
	}
	return s.Get(ctx, u.ID)
}

// RequireOperator refuses anyone but an operator.
func (s *Service) RequireOperator(actor User) error { return operatorOnly(actor) }

// operatorOnly refuses anyone but an operator.
func operatorOnly(actor User) error {
	if !actor.IsOperator {
		return errs.Forbidden("operator_only")
	}
	return nil
}

// Find is an operator looking a person up by their address (support's
// page): ok is false when nobody has it.
func (s *Service) Find(ctx context.Context, actor User, email string) (User, bool, error) {
	if err := operatorOnly(actor); err != nil {
		return User{}, false, err
	}
	return s.ByEmail(ctx, s.DB, email)
}

// VerifyAsOperator is an operator marking an address verified from their
// pages, as support's command does (MarkVerified).
func (s *Service) VerifyAsOperator(ctx context.Context, actor User, email string) (User, error) {
	if err := operatorOnly(actor); err != nil {
		return User{}, err
	}
	return s.MarkVerified(ctx, email)
}
