package users_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/users"
)

func TestSignUpSignInSessions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		d := dbtest.Open(t, e, clk)
		s := &users.Service{DB: d}
		u, err := s.SignUp(ctx, users.NewUser{Email: "  Ann@Example.COM ", Password: "correct horse", Name: " Ann "})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "ann@example.com" || u.Name != "Ann" {
			t.Fatalf("user %+v", u)
		}
		var hash string
		d.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash)
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=") || strings.Contains(hash, "correct horse") {
			t.Fatalf("stored hash %q", hash)
		}
		tok, _, err := s.SignIn(ctx, users.Credentials{Email: "ANN@example.com", Password: "correct horse"}, users.APISession, users.Client{})
		if err != nil {
			t.Fatal(err)
		}
		// The same address in full-width letters is the same person: it
		// signs in, and cannot sign up again (the answer does not say so); a look-alike is refused.
		wide, same, err := s.SignIn(ctx, users.Credentials{Email: "ＡＮＮ@ｅｘａｍｐｌｅ.ｃｏｍ", Password: "correct horse"}, users.APISession, users.Client{})
		if err != nil || same.ID != u.ID {
			t.Fatalf("full-width sign-in: %v %v", same, err)
		}
		s.SignOut(ctx, wide)
		again, err := s.SignUp(ctx, users.NewUser{Email: "ａｎｎ@example.com", Password: "correct horse", Name: "Ann Again"})
		var people int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&people)
		if err != nil || again.ID == u.ID || people != 1 {
			t.Fatalf("full-width sign-up: %+v %v, %d people", again, err, people)
		}
		_, err = s.SignUp(ctx, users.NewUser{Email: "аnn@example.com", Password: "correct horse", Name: "Not Ann"}) // a Cyrillic а
		if e, ok := errs.As(err); !ok || e.Code != "email_confusable" {
			t.Fatalf("look-alike sign-up: %v", err)
		}
		var stored int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, tok).Scan(&stored)
		if stored != 0 {
			t.Fatal("the raw token is stored")
		}
		if got, err := s.Authenticate(ctx, tok, users.Client{}); err != nil || got.ID != u.ID {
			t.Fatalf("authenticate: %v %v", got, err)
		}
		if _, _, err := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "wrong horse"}, users.WebSession, users.Client{}); err != users.ErrBadCredentials {
			t.Fatalf("wrong password: %v", err)
		}
		// Sessions end after their lifetime, and are cleaned up.
		clk.Advance(users.SessionLifetime + time.Minute)
		if _, err := s.Authenticate(ctx, tok, users.Client{}); err == nil {
			t.Fatal("expired session still valid")
		}
		if n, err := s.DeleteExpiredSessions(ctx, clk.Now()); err != nil || n != 1 {
			t.Fatalf("cleanup removed %d (%v)", n, err)
		}
		// Sign out ends the session at once.
		tok2, _, _ := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, users.Client{})
		s.SignOut(ctx, tok2)
		if _, err := s.Authenticate(ctx, tok2, users.Client{}); err == nil {
			t.Fatal("session valid after sign-out")
		}
		// Operators are flagged.
		op, err := s.CreateOperator(ctx, users.NewUser{Email: "ops@example.com", Password: "operator pass", Name: "Ops"})
		if err != nil || !op.IsOperator {
			t.Fatalf("operator %+v %v", op, err)
		}
		got, _ := s.Get(ctx, op.ID)
		if !got.IsOperator {
			t.Fatal("operator flag not stored")
		}
		_, err = s.Get(ctx, "usr_missing")
		if e, ok := errs.As(err); !ok || e.Kind != errs.KindNotFound {
			t.Fatalf("missing user: %v", err)
		}
	})
}
