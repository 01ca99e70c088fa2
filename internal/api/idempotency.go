package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"

	"atelier/internal/db"
	"atelier/internal/errs"
)

// idempotent runs a money-moving request once per Idempotency-Key and
// caller. The key is claimed with an INSERT before the work (a concurrent
// repeat sees it and gets 409), and the answer is stored after it; a
// repeat with the same method, path and body gets that answer again; the
// same key with another request is refused. A 5xx answer is not kept, so
// the client may retry.
func (s *Server) idempotent(c *call, key string, run func() answer) {
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, 1<<20))
	if err != nil {
		s.writeError(c.w, c.r, errs.Malformed("malformed_json"))
		return
	}
	c.r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	request := c.r.Method + " " + c.r.URL.Path + " " + hex.EncodeToString(sum[:])
	ctx := c.r.Context()
	if len(key) > 200 {
		s.writeError(c.w, c.r, errs.Invalid("Idempotency-Key", "idempotency_key_invalid"))
		return
	}
	res, err := s.DB.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, request, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, key) DO NOTHING`, c.user.ID, key, request, db.Micros(s.DB.Clock.Now()))
	if err != nil {
		s.writeError(c.w, c.r, err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var first string
		var status int
		var stored string
		if err := s.DB.QueryRow(ctx, `SELECT request, status, response FROM idempotency_keys WHERE user_id = ? AND key = ?`,
			c.user.ID, key).Scan(&first, &status, &stored); err != nil {
			s.writeError(c.w, c.r, err)
			return
		}
		var a answer
		switch {
		case first != request:
			s.writeError(c.w, c.r, errs.Invalid("Idempotency-Key", "idempotency_key_reused"))
		case status == 0:
			s.writeError(c.w, c.r, errs.Conflict("request_in_progress"))
		case json.Unmarshal([]byte(stored), &a) != nil:
			s.writeError(c.w, c.r, errs.Conflict("request_in_progress"))
		default:
			c.w.Header().Set("Idempotent-Replayed", "true")
			a.write(c.w)
		}
		return
	}
	a := run()
	keep := context.WithoutCancel(ctx)
	if a.Status >= 500 {
		s.DB.Exec(keep, `DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?`, c.user.ID, key)
	} else {
		stored, _ := json.Marshal(a)
		if _, err := s.DB.Exec(keep, `UPDATE idempotency_keys SET status = ?, response = ? WHERE user_id = ? AND key = ?`,
			a.Status, string(stored), c.user.ID, key); err != nil {
			s.Log.Error("keeping an idempotent answer failed", "err", err)
		}
	}
	a.write(c.w)
}
