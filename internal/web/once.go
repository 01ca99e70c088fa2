package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/users"
)

// newFormKey is the random key a money-moving form carries in a hidden
// field, made each time the form is shown.
func newFormKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// once runs the action of a money-moving form at most once per form key:
// a second post of the same form (a double click, a reload of the answer,
// the back button) finds the key taken and reports repeat instead of
// running again. It is the web's face of the API's Idempotency-Key and
// keeps its keys in the same table, under a "web:" prefix, with the same
// rules: the key is claimed before the action, so a concurrent repeat is
// refused while the first runs; an action that fails gives its key back,
// since it did nothing and the person may send the form again.
//
// The domain's own key (billing.Service.Deposit's) only stops the card
// being charged twice; the deposit itself would be recorded twice.
func (s *Server) once(r *http.Request, u users.User, key string, run func() error) (repeat bool, err error) {
	if key == "" {
		return false, run() // a form from elsewhere, without a key
	}
	if len(key) > 200 {
		return false, errs.Invalid("idempotency_key", "idempotency_key_invalid")
	}
	ctx, k, request := r.Context(), "web:"+key, "web "+r.Method+" "+r.URL.Path
	res, err := s.DB.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, request, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, key) DO NOTHING`, u.ID, k, request, db.Micros(s.DB.Clock.Now()))
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var first string
		var status int
		if err := s.DB.QueryRow(ctx, `SELECT request, status FROM idempotency_keys WHERE user_id = ? AND key = ?`, u.ID, k).
			Scan(&first, &status); err != nil {
			return false, err
		}
		switch {
		case first != request:
			return false, errs.Invalid("idempotency_key", "idempotency_key_reused")
		case status == 0:
			return false, errs.Conflict("request_in_progress")
		}
		return true, nil
	}
	keep := context.WithoutCancel(ctx)
	if err := run(); err != nil {
		if _, derr := s.DB.Exec(keep, `DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?`, u.ID, k); derr != nil {
			s.Log.Error("giving a form key back failed", "err", derr)
		}
		return false, err
	}
	if _, err := s.DB.Exec(keep, `UPDATE idempotency_keys SET status = ? WHERE user_id = ? AND key = ?`, http.StatusSeeOther, u.ID, k); err != nil {
		s.Log.Error("keeping a form key failed", "err", err)
	}
	return false, nil
}
