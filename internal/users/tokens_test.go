package users_test

import (
	"context"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/users"
)

// Signing up sends a link to the address; following it verifies the
// address, once, within 24 hours; a new link replaces the old one; a
// signed-in person cannot spend someone else's link; support marks an
// address verified without one. Operators are verified from the start.
func TestEmailVerification(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		d := dbtest.Open(t, e, clk)
		s := &users.Service{DB: d}
		ann, err := s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"})
		if err != nil || ann.EmailVerified {
			t.Fatalf("sign-up: %+v %v", ann, err)
		}
		bob, _ := s.SignUp(ctx, users.NewUser{Email: "bob@example.com", Password: "correct horse", Name: "Bob"})
		token := func(to string) string {
			link := apptest.EmailLink(t, d, to, "email_verify")
			tok, ok := strings.CutPrefix(link, "/verify-email/")
			if !ok || len(tok) < 40 {
				t.Fatalf("link %q", link)
			}
			return tok
		}
		code := func(err error) string {
			if e, ok := errs.As(err); ok {
				return e.Code
			}
			return ""
		}
		first := token("ann@example.com")
		var stored int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM user_tokens WHERE token_hash = ?`, first).Scan(&stored)
		if stored != 0 {
			t.Fatal("the raw token is stored")
		}
		if _, err := s.VerifyEmail(ctx, first, bob.ID, users.Client{}); code(err) != "link_invalid" {
			t.Fatalf("Bob spends Ann's link: %v", err)
		}
		if err := s.SendVerification(ctx, ann); err != nil { // a new link: the first stops working
			t.Fatal(err)
		}
		if _, err := s.VerifyEmail(ctx, first, "", users.Client{}); code(err) != "link_used" {
			t.Fatalf("the replaced link: %v", err)
		}
		second := token("ann@example.com")
		if second == first {
			t.Fatal("the same link twice")
		}
		if _, err := s.VerifyEmail(ctx, "not-a-token", "", users.Client{}); code(err) != "link_invalid" {
			t.Fatalf("a made-up link: %v", err)
		}
		got, err := s.VerifyEmail(ctx, second, ann.ID, users.Client{})
		if err != nil || !got.EmailVerified || got.ID != ann.ID {
			t.Fatalf("verify: %+v %v", got, err)
		}
		if _, err := s.VerifyEmail(ctx, second, "", users.Client{}); code(err) != "link_used" {
			t.Fatalf("the link again: %v", err)
		}
		if err := s.SendVerification(ctx, got); code(err) != "email_already_verified" {
			t.Fatalf("a link for a verified address: %v", err)
		}
		// Bob's link expires after 24 hours.
		clk.Advance(users.VerifyFor)
		if _, err := s.VerifyEmail(ctx, token("bob@example.com"), "", users.Client{}); code(err) != "link_expired" {
			t.Fatalf("an expired link: %v", err)
		}
		if u, err := s.Get(ctx, bob.ID); err != nil || u.EmailVerified {
			t.Fatalf("Bob after the expired link: %+v %v", u, err)
		}
		if u, err := s.MarkVerified(ctx, " BOB@example.com "); err != nil || !u.EmailVerified {
			t.Fatalf("support marks Bob verified: %+v %v", u, err)
		}
		if _, err := s.MarkVerified(ctx, "nobody@example.com"); code(err) != "user_not_found" {
			t.Fatalf("marking an unknown address: %v", err)
		}
		op, err := s.CreateOperator(ctx, users.NewUser{Email: "ops@example.com", Password: "operator pass", Name: "Ops"})
		if err != nil || !op.EmailVerified {
			t.Fatalf("operator: %+v %v", op, err)
		}
	})
}
