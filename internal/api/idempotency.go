package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"

	"atelier/internal/errs"
	"atelier/internal/idempotency"
)

// idempotent runs a money-moving request once per Idempotency-Key and
// caller (the rule is package idempotency's): a repeat with the same
// method, path and body gets the first answer again. A 5xx answer is not
// kept, so the client may retry.
func (s *Server) idempotent(c *call, key string, run func() answer) {
	body, err := io.ReadAll(c.r.Body) // bounded by the route's MaxBody
	if err != nil {
		if e := tooLarge(err); e != nil {
			err = e
		} else {
			err = errs.Malformed("malformed_json")
		}
		s.writeError(c.w, c.r, err)
		return
	}
	c.r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	request := c.r.Method + " " + c.r.URL.Path + " " + hex.EncodeToString(sum[:])
	ctx := c.r.Context()
	stored, fresh, err := idempotency.Claim(ctx, s.DB, c.user.ID, key, request)
	if err != nil {
		s.writeError(c.w, c.r, err)
		return
	}
	if !fresh {
		var a answer
		if err := json.Unmarshal([]byte(stored.Response), &a); err != nil {
			s.writeError(c.w, c.r, err)
			return
		}
		c.w.Header().Set("Idempotent-Replayed", "true")
		a.write(c.w)
		return
	}
	a := run()
	if a.Status >= 500 {
		err = idempotency.Release(ctx, s.DB, c.user.ID, key)
	} else {
		kept, _ := json.Marshal(a)
		err = idempotency.Finish(ctx, s.DB, c.user.ID, key, a.Status, string(kept))
	}
	if err != nil {
		s.Log.Error("keeping an idempotent answer failed", "err", err)
	}
	a.write(c.w)
}
