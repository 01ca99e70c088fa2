package site

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"atelier/internal/errs"
	"atelier/internal/idempotency"
	"atelier/internal/users"
)

// NewFormKey is the random key a money-moving form carries in a hidden
// field, made each time the form is shown.
func NewFormKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Once runs the action of a money-moving form at most once per form key:
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
func (s *Site) Once(r *http.Request, u users.User, key string, run func() error) (repeat bool, err error) {
	if key == "" {
		return false, run() // a form from elsewhere, without a key
	}
	ctx, k := r.Context(), "web:"+key
	if _, fresh, err := idempotency.Claim(ctx, s.DB, u.ID, k, "web "+r.Method+" "+r.URL.Path); err != nil || !fresh {
		if e, ok := errs.As(err); ok && e.Kind == errs.KindInvalid {
			err = &errs.Error{Kind: e.Kind, Code: e.Code, Field: "idempotency_key", Args: e.Args}
		}
		return err == nil, err
	}
	if err := run(); err != nil {
		if derr := idempotency.Release(ctx, s.DB, u.ID, k); derr != nil {
			s.Log.Error("giving a form key back failed", "err", derr)
		}
		return false, err
	}
	if err := idempotency.Finish(ctx, s.DB, u.ID, k, http.StatusSeeOther, ""); err != nil {
		s.Log.Error("keeping a form key failed", "err", err)
	}
	return false, nil
}

// OnceValue is Once for an action that gives back what it did (the order
// placed, the deposit made): v is its value, the zero value on a repeat.
func OnceValue[T any](s *Site, r *http.Request, u users.User, key string, run func() (T, error)) (v T, repeat bool, err error) {
	repeat, err = s.Once(r, u, key, func() error {
		var err error
		v, err = run()
		return err
	})
	return v, repeat, err
}
