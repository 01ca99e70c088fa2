// Package idempotency keeps the answers of money-moving requests by the
// caller's key, so that a repeated request — an API client's retry with the
// same Idempotency-Key, or a form posted twice — does its work once. The
// API and the web forms share this one rule and its table.
package idempotency

import (
	"context"

	"atelier/internal/db"
	"atelier/internal/errs"
)

// MaxKeyLength bounds a key.
const MaxKeyLength = 200

// Stored is the kept answer of a finished request.
type Stored struct {
	Status   int
	Response string
}

// Claim reserves key for a user's request before the work starts. fresh is
// true when the caller must do the work (and then Finish or Release);
// otherwise stored holds the first request's answer. The same key with
// another request is a 422; a repeat while the first still runs is a 409.
// request identifies the request: its method, path and body hash.
func Claim(ctx context.Context, d *db.DB, userID, key, request string) (stored Stored, fresh bool, err error) {
	if len(key) > MaxKeyLength {
		return Stored{}, false, errs.Invalid("Idempotency-Key", "idempotency_key_invalid")
	}
	res, err := d.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, request, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, key) DO NOTHING`, userID, key, request, db.Micros(d.Clock.Now()))
	if err != nil {
		return Stored{}, false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return Stored{}, true, nil
	}
	var first string
	if err := d.QueryRow(ctx, `SELECT request, status, response FROM idempotency_keys WHERE user_id = ? AND key = ?`, userID, key).
		Scan(&first, &stored.Status, &stored.Response); err != nil {
		return Stored{}, false, err
	}
	switch {
	case first != request:
		return Stored{}, false, errs.Invalid("Idempotency-Key", "idempotency_key_reused")
	case stored.Status == 0:
		return Stored{}, false, errs.Conflict("request_in_progress")
	}
	return stored, false, nil
}

// Finish keeps the answer of a claimed request.
func Finish(ctx context.Context, d *db.DB, userID, key string, status int, response string) error {
	_, err := d.Exec(context.WithoutCancel(ctx), `UPDATE idempotency_keys SET status = ?, response = ? WHERE user_id = ? AND key = ?`,
		status, response, userID, key)
	return err
}

// Release gives a claimed key back: the request did nothing (it failed), so
// the same key may be sent again.
func Release(ctx context.Context, d *db.DB, userID, key string) error {
	_, err := d.Exec(context.WithoutCancel(ctx), `DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?`, userID, key)
	return err
}
