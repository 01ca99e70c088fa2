package users

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
)

// A person changes their password knowing the current one, or resets it
// through a link e-mailed to their address. Either way every other
// session ends: whoever held the old password or a stolen token is out.

// PurposeReset is the purpose of a password-reset link.
const PurposeReset = "reset_password"

// ResetFor is how long a password-reset link works.
const ResetFor = time.Hour

// Reset requests are limited per address asked for and per client
// address, in the sign-in window: a few tries are enough for a person, and
// nobody can flood an inbox with links.
const (
	MaxResetsPerEmail = 3
	MaxResetsPerAddr  = 20
	resetKeyPrefix    = "reset:"
	resetAddrPrefix   = "reset-ip:"
)

// ErrResetRateLimited refuses a reset request after too many.
var ErrResetRateLimited = errs.TooMany("reset_rate_limited").With("minutes", signInWindowWords)

// ChangePassword replaces the person's password, given the current one;
// every session but current (the token of the request) ends. A wrong
// current password counts as a failed sign-in of the address (the same
// limit: a stolen session cannot be used to guess it).
func (s *Service) ChangePassword(ctx context.Context, actor User, currentPassword, newPassword, current string, c Client) error {
	now := s.DB.Clock.Now()
	if err := s.takeSignInTurn(ctx, now, actor.Email, c.Addr); err != nil {
		return err
	}
	var hash string
	if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, actor.ID).Scan(&hash); err != nil {
		return err
	}
	if !checkPassword(hash, currentPassword) {
		return errs.Invalid("current_password", "password_wrong")
	}
	if err := s.signedIn(ctx, now, actor.Email, c.Addr); err != nil {
		return err
	}
	if err := policyRefusal("new_password", newPassword, actor.Email, actor.Name); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.ExecOne(ctx, errs.NotFound("user_not_found"), `UPDATE users SET password_hash = ? WHERE id = ?`, hashPassword(newPassword), actor.ID); err != nil {
			return err
		}
		if _, err := endSessions(ctx, tx, actor.ID, current); err != nil {
			return err
		}
		if err := record(ctx, tx, actor.ID, EventPasswordChanged, c); err != nil {
			return err
		}
		return notify.Send(ctx, tx, actor.Email, actor.Locale, "password_changed", map[string]any{"name": actor.Name}, "/settings/security")
	})
}

// RequestPasswordReset e-mails a link that resets the password of the
// person with the address, if there is one, and answers the address as it
// is compared. The answer is the same whether or not there is (nothing
// tells who has an account), and so is the limit.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, c Client) (string, error) {
	email, err := NormalizeEmail("email", email)
	if err != nil {
		return "", err
	}
	limits := []limit{{resetKeyPrefix + email, MaxResetsPerEmail}}
	if c.Addr != "" {
		limits = append(limits, limit{resetAddrPrefix + c.Addr, MaxResetsPerAddr})
	}
	if err := s.takeTurn(ctx, s.DB.Clock.Now(), ErrResetRateLimited, limits...); err != nil {
		return "", err
	}
	u, ok, err := s.ByEmail(ctx, s.DB, email)
	if err != nil || !ok {
		return email, err
	}
	return email, s.DB.InTx(ctx, func(tx *db.Tx) error { return sendReset(ctx, tx, u) })
}

// sendReset e-mails u a link that resets their password, in tx.
func sendReset(ctx context.Context, tx *db.Tx, u User) error {
	token, err := issueToken(ctx, tx, u.ID, PurposeReset, ResetFor)
	if err != nil {
		return err
	}
	return notify.Send(ctx, tx, u.Email, u.Locale, "password_reset", map[string]any{"name": u.Name}, "/reset-password/"+token)
}

// ResetPassword sets a new password with the token of a reset link, once,
// and ends every session of the person. Following the link proves the
// address is theirs: an address not yet verified is verified now, so the
// real owner of an address someone else registered takes it over — the
// other's sessions end and whatever they set up for sign-in is undone.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string, c Client) (User, error) {
	var id string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = useToken(ctx, tx, token, PurposeReset, ""); err != nil {
			return err
		}
		u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if err := policyRefusal("new_password", newPassword, u.Email, u.Name); err != nil {
			return err // the link stays unspent
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`,
			hashPassword(newPassword), db.Micros(tx.Now), id); err != nil {
			return err
		}
		if !u.EmailVerified {
			if err := takeOver(ctx, tx, id, c); err != nil {
				return err
			}
		}
		if _, err := endSessions(ctx, tx, id, ""); err != nil {
			return err
		}
		// The owner signs in at once, however often a guesser failed.
		if _, err := tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE subject = ?`, emailKeyPrefix+u.Email); err != nil {
			return err
		}
		return record(ctx, tx, id, EventPasswordReset, c)
	})
	if err != nil {
		return User{}, err
	}
	return s.Get(ctx, id)
}

// takeOver is the owner of an address taking over a registration they did
// not make: its address is theirs now (verified by the reset link); what
// the registrant set up to sign in goes with them — their links and their
// two-factor sign-in, which would otherwise keep the owner out.
func takeOver(ctx context.Context, tx *db.Tx, userID string, c Client) error {
	if _, err := tx.Exec(ctx, `UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, db.Micros(tx.Now), userID); err != nil {
		return err
	}
	if err := removeTwoFactor(ctx, tx, userID); err != nil {
		return err
	}
	return record(ctx, tx, userID, EventEmailVerified, c)
}
