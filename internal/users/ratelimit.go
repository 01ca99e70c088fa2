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
// a few dozen tries an hour per account and per address. The rows live in
// the database, not in a node's memory, so every node behind a load
// balancer counts the same failures. A successful sign-in clears its
// e-mail's failures (not its address's: one known account must not reset
// a guesser's count).
const (
	SignInWindow      = 15 * time.Minute
	MaxEmailFailures  = 10 // per e-mail address in the window
	MaxAddrFailures   = 30 // per IP address: an office behind one NAT shares it
	emailKeyPrefix    = "email:"
	addressKeyPrefix  = "ip:"
	signInWindowWords = 15 // minutes, for the message
)

// ErrSignInRateLimited refuses a sign-in after too many failures.
var ErrSignInRateLimited = errs.TooMany("sign_in_rate_limited").With("minutes", signInWindowWords)

// checkSignInRate refuses when the e-mail or the address has failed too
// often in the window.
func (s *Service) checkSignInRate(ctx context.Context, now time.Time, email, addr string) error {
	since := db.Micros(now.Add(-SignInWindow))
	count := func(key string) (int, error) {
		var n int
		err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sign_in_failures WHERE subject = ? AND failed_at > ?`, key, since).Scan(&n)
		return n, err
	}
	n, err := count(emailKeyPrefix + email)
	if err != nil {
		return err
	}
	if n >= MaxEmailFailures {
		return ErrSignInRateLimited
	}
	if addr == "" {
		return nil
	}
	if n, err = count(addressKeyPrefix + addr); err != nil {
		return err
	}
	if n >= MaxAddrFailures {
		return ErrSignInRateLimited
	}
	return nil
}

// noteSignInFailure records a failure under the e-mail and the address.
func (s *Service) noteSignInFailure(ctx context.Context, now time.Time, email, addr string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		keys := []string{emailKeyPrefix + email}
		if addr != "" {
			keys = append(keys, addressKeyPrefix+addr)
		}
		for _, k := range keys {
			if _, err := tx.Exec(ctx, `INSERT INTO sign_in_failures (subject, failed_at) VALUES (?, ?)`, k, db.Micros(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// clearSignInFailures forgets an e-mail's failures after it signed in.
func (s *Service) clearSignInFailures(ctx context.Context, email string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM sign_in_failures WHERE subject = ?`, emailKeyPrefix+email)
	return err
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
