package users

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
)

// Sign-in rate limiting. Each failed sign-in is a row in sign_in_failures
// under two keys: the e-mail address tried and the client's IP address. A
// sign-in is refused before its password is checked while either key has
// reached its limit within the window, so guessing a password is capped at
// a few dozen tries an hour per account and per address. An attempt counts
// as a failure from before its password is checked until it succeeds, so
// simultaneous guesses count too. The rows live in the database, not in a
// node's memory, so every node behind a load balancer counts the same
// failures. A successful sign-in clears its e-mail's failures (not its
// address's: one known account must not reset a guesser's count).
//
// Two-factor codes are counted the same way, under the person's own key
// ("2fa:" and their id), wherever a code is checked (twofactor.go): after
// the right password, a six-digit code allows far fewer guesses.
const (
	SignInWindow       = 15 * time.Minute
	MaxEmailFailures   = 10 // per e-mail address in the window
	MaxAddrFailures    = 30 // per IP address: an office behind one NAT shares it
	MaxCodeFailures    = 5  // two-factor codes, per person
	emailKeyPrefix     = "email:"
	addressKeyPrefix   = "ip:"
	twoFactorKeyPrefix = "2fa:"
	signInWindowWords  = 15 // minutes, for the message
)

// ErrSignInRateLimited refuses a sign-in after too many failures.
var ErrSignInRateLimited = errs.TooMany("sign_in_rate_limited").With("minutes", signInWindowWords)

// ErrTwoFactorRateLimited refuses a two-factor code after too many wrong
// ones.
var ErrTwoFactorRateLimited = errs.TooMany("two_factor_rate_limited").With("minutes", signInWindowWords)

// limit is one key's allowance of failures in the window.
type limit struct {
	key string
	max int
}

// takeSignInTurn refuses when the e-mail or the address has failed too
// often in the window, and otherwise records this attempt as a failure
// before its password is checked (takeTurn). A success gives its attempt
// back (signedIn).
func (s *Service) takeSignInTurn(ctx context.Context, now time.Time, email, addr string) error {
	limits := []limit{{emailKeyPrefix + email, MaxEmailFailures}}
	if addr != "" {
		limits = append(limits, limit{addressKeyPrefix + addr, MaxAddrFailures})
	}
	return s.takeTurn(ctx, now, ErrSignInRateLimited, limits...)
}

// takeTurn refuses with refusal when any of the keys has failed its max
// times in the window, and otherwise records this attempt as a failure of
// each key before it is checked — counted and recorded in one transaction
// that takes turns with every other attempt on the same keys, so a burst
// of simultaneous guesses cannot pass the limit.
func (s *Service) takeTurn(ctx context.Context, now time.Time, refusal error, limits ...limit) error {
	since := db.Micros(now.Add(-SignInWindow))
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, l := range limits {
			// SQLite writes take turns already; PostgreSQL takes a lock
			// per key (in the order given, so two attempts never wait on
			// each other in a circle).
			if tx.Engine() == db.Postgres {
				if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, l.key); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM sign_in_failures WHERE subject = ? AND failed_at > ?`, l.key, since).Scan(&n); err != nil {
				return err
			}
			if n >= l.max {
				return refusal
			}
		}
		for _, l := range limits {
			if _, err := tx.Exec(ctx, `INSERT INTO sign_in_failures (subject, failed_at) VALUES (?, ?)`, l.key, db.Micros(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// signedIn gives a successful attempt back: it clears its e-mail's
// failures, and removes the attempt from its address's count (not the
// address's other failures: one known account must not reset a guesser's
// count).
func (s *Service) signedIn(ctx context.Context, now time.Time, email, addr string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE subject = ?`, emailKeyPrefix+email); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE subject = ? AND failed_at = ?`, addressKeyPrefix+addr, db.Micros(now))
		return err
	})
}

// DeleteOldSignInFailures removes failures older than the window; a
// periodic job.
func (s *Service) DeleteOldSignInFailures(ctx context.Context, now time.Time) (int, error) {
	res, err := s.DB.Exec(ctx, `DELETE FROM sign_in_failures WHERE failed_at <= ?`, db.Micros(now.Add(-SignInWindow)))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
