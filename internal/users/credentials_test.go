package users_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"atelier/internal/app/apptest"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/page"
	"atelier/internal/users"
)

var pageAll = page.Request{Limit: page.MaxLimit}

func refusal(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Code + "/" + e.Field
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// emails counts the e-mails of kind sent to an address.
func emails(t *testing.T, d *db.DB, to, kind string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE topic = 'email' AND payload LIKE ? AND payload LIKE ?`,
		`%"to":"`+to+`"%`, `%"kind":"`+kind+`"%`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Signing up with an address that has an account answers as a new sign-up
// would, creates nothing, and tells the address's owner (once in the
// window) how to reset their password.
func TestSignUpDoesNotTellWhichAddressesHaveAccounts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		d := dbtest.Open(t, e, clocktest.New(t))
		s := &users.Service{DB: d}
		ann, err := s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"})
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.SignUp(ctx, users.NewUser{Email: "ANN@example.com", Password: "another horse", Name: "Mallory"})
		if err != nil || again.ID == ann.ID || again.Email != "ann@example.com" || again.Name != "Mallory" || again.EmailVerified {
			t.Fatalf("the second sign-up answers %+v %v", again, err)
		}
		if _, err := s.Get(ctx, again.ID); refusal(err) != "user_not_found/" {
			t.Fatalf("the answered person exists: %v", err)
		}
		if link := apptest.EmailLink(t, d, "ann@example.com", "sign_up_taken"); link != "/password-reset" {
			t.Fatalf("the owner's e-mail links to %q", link)
		}
		s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "a third horse", Name: "Mallory"})
		if n := emails(t, d, "ann@example.com", "sign_up_taken"); n != 1 {
			t.Fatalf("%d e-mails to the owner", n)
		}
		if _, _, err := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "another horse"}, users.WebSession, users.Client{}); err != users.ErrBadCredentials {
			t.Fatalf("the second sign-up's password signs in: %v", err)
		}
		if _, _, err := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, users.Client{}); err != nil {
			t.Fatalf("the owner's password: %v", err)
		}
		// The same refusals come first, whoever has the address.
		for _, email := range []string{"ann@example.com", "new@example.com"} {
			if _, err := s.SignUp(ctx, users.NewUser{Email: email, Password: "short", Name: "X"}); refusal(err) != "password_too_short/password" {
				t.Fatalf("%s with a short password: %v", email, err)
			}
		}
	})
}

// A password is changed with the current one; the new one follows the
// policy; every other session ends; the change is in the security log and
// e-mailed.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		d := dbtest.Open(t, e, clocktest.New(t))
		s := &users.Service{DB: d}
		ann, _ := s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"})
		phone := users.Client{Addr: "198.51.100.7", UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"}
		laptop := users.Client{Addr: "203.0.113.4", UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"}
		other, _, _ := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, phone)
		mine, _, _ := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, laptop)
		for _, c := range []struct{ current, next, want string }{
			{"wrong horse!", "battery staple horse", "password_wrong/current_password"},
			{"correct horse", "        ", "password_too_short/new_password"},
			{"correct horse", "ann@example.com", "password_personal/new_password"},
			{"correct horse", "012345678910", "password_common/new_password"},
		} {
			if err := s.ChangePassword(ctx, ann, c.current, c.next, mine, laptop); refusal(err) != c.want {
				t.Fatalf("%q → %q: %v, want %s", c.current, c.next, err, c.want)
			}
		}
		if _, err := s.Authenticate(ctx, other, phone); err != nil {
			t.Fatal("a refused change ended a session")
		}
		if err := s.ChangePassword(ctx, ann, "correct horse", "battery staple horse", mine, laptop); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, other, phone); err == nil {
			t.Fatal("the other session lives on")
		}
		if _, err := s.Authenticate(ctx, mine, laptop); err != nil {
			t.Fatalf("the session that changed it ended: %v", err)
		}
		if _, _, err := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, laptop); err != users.ErrBadCredentials {
			t.Fatalf("the old password: %v", err)
		}
		if emails(t, d, "ann@example.com", "password_changed") != 1 {
			t.Fatal("no e-mail tells of the change")
		}
		log, err := s.Events(ctx, ann, pageAll)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, ev := range log.Items {
			kinds = append(kinds, string(ev.Kind))
		}
		want := "sign_in_failed password_changed sign_in sign_in" // the old password tried last
		if got := strings.Join(kinds, " "); got != want {
			t.Fatalf("security log %q, want %q", got, want)
		}
		if ev := log.Items[1]; ev.Addr != "203.0.113.4" || ev.Device != "Firefox on Linux" {
			t.Fatalf("the change is logged as %+v", ev)
		}
	})
}

// A reset link comes only to an address with an account, though the answer
// is the same; it works once, for an hour; a refused password leaves it
// unspent; using it ends every session. Requests are limited per address,
// known or not.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		d := dbtest.Open(t, e, clk)
		s := &users.Service{DB: d}
		ann, _ := s.MarkVerified(ctx, "nobody@example.com") // not found: ignored
		ann, _ = s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"})
		s.MarkVerified(ctx, ann.Email)
		session, _, _ := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, users.Client{})
		client := users.Client{Addr: "192.0.2.1"}
		if _, err := s.RequestPasswordReset(ctx, "nobody@example.com", client); err != nil {
			t.Fatalf("an unknown address: %v", err)
		}
		if emails(t, d, "nobody@example.com", "password_reset") != 0 {
			t.Fatal("an unknown address was sent a link")
		}
		if _, err := s.RequestPasswordReset(ctx, "not an address", client); refusal(err) != "email_invalid/email" {
			t.Fatalf("a malformed address: %v", err)
		}
		if email, err := s.RequestPasswordReset(ctx, "Ann@Example.com", client); err != nil || email != "ann@example.com" {
			t.Fatalf("reset for %q: %v", email, err)
		}
		token := func() string {
			tok, ok := strings.CutPrefix(apptest.EmailLink(t, d, "ann@example.com", "password_reset"), "/reset-password/")
			if !ok {
				t.Fatal("not a reset link")
			}
			return tok
		}
		first := token()
		if _, err := s.ResetPassword(ctx, first, "short", client); refusal(err) != "password_too_short/new_password" {
			t.Fatalf("a short password: %v", err)
		}
		if _, err := s.ResetPassword(ctx, "made-up", "battery staple horse", client); refusal(err) != "link_invalid/token" {
			t.Fatalf("a made-up link: %v", err)
		}
		if _, err := s.ResetPassword(ctx, first, "battery staple horse", client); err != nil {
			t.Fatalf("the link after a refused password: %v", err)
		}
		if _, err := s.ResetPassword(ctx, first, "another staple horse", client); refusal(err) != "link_used/token" {
			t.Fatalf("the link again: %v", err)
		}
		if _, err := s.Authenticate(ctx, session, client); err == nil {
			t.Fatal("a session outlives the reset")
		}
		if _, _, err := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "battery staple horse"}, users.WebSession, client); err != nil {
			t.Fatalf("the new password: %v", err)
		}
		// A link works for an hour.
		s.RequestPasswordReset(ctx, "ann@example.com", client)
		late := token()
		clk.Advance(users.ResetFor)
		if _, err := s.ResetPassword(ctx, late, "battery staple horse", client); refusal(err) != "link_expired/token" {
			t.Fatalf("an hour later: %v", err)
		}
		// Three requests per address in the window, known or not.
		for _, email := range []string{"ann@example.com", "nobody@example.com"} {
			var err error
			for range users.MaxResetsPerEmail + 1 {
				_, err = s.RequestPasswordReset(ctx, email, users.Client{Addr: "192.0.2.9"})
			}
			if refusal(err) != "reset_rate_limited/" {
				t.Fatalf("%s: request after %d: %v", email, users.MaxResetsPerEmail, err)
			}
		}
	})
}

// Someone registers the address of another before them. The owner's
// sign-up is answered as any other; the reset link they are sent takes the
// registration over: verified, the registrant's password, sessions and
// two-factor gone.
func TestTheOwnerOfAnAddressTakesItOver(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		clk.Hold() // codes are computed at the clock's instant
		d := dbtest.Open(t, e, clk)
		s := &users.Service{DB: d}
		squat, _ := s.SignUp(ctx, users.NewUser{Email: "newhire@acme.test", Password: "mallory's horse", Name: "New Hire"})
		// The registrant turns two-factor on, to keep the owner out.
		en, err := s.StartTwoFactor(ctx, squat)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmTwoFactor(ctx, squat, code(t, en.Secret, clk.Now()), users.Client{}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		session, _, _ := s.SignIn(ctx, users.Credentials{Email: "newhire@acme.test", Password: "mallory's horse", Code: code(t, en.Secret, clk.Now())}, users.WebSession, users.Client{})
		if _, err := s.SignUp(ctx, users.NewUser{Email: "newhire@acme.test", Password: "the real horse", Name: "Nina Hire"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RequestPasswordReset(ctx, "newhire@acme.test", users.Client{}); err != nil {
			t.Fatal(err)
		}
		tok := strings.TrimPrefix(apptest.EmailLink(t, d, "newhire@acme.test", "password_reset"), "/reset-password/")
		u, err := s.ResetPassword(ctx, tok, "the real horse", users.Client{})
		if err != nil || u.ID != squat.ID || !u.EmailVerified {
			t.Fatalf("the owner's reset: %+v %v", u, err)
		}
		if _, err := s.Authenticate(ctx, session, users.Client{}); err == nil {
			t.Fatal("the registrant is still signed in")
		}
		if _, _, err := s.SignIn(ctx, users.Credentials{Email: "newhire@acme.test", Password: "mallory's horse"}, users.WebSession, users.Client{}); err != users.ErrBadCredentials {
			t.Fatalf("the registrant's password: %v", err)
		}
		if _, u, err := s.SignIn(ctx, users.Credentials{Email: "newhire@acme.test", Password: "the real horse"}, users.WebSession, users.Client{}); err != nil || u.TwoFactor {
			t.Fatalf("the owner signs in without the registrant's two-factor: %+v %v", u, err)
		}
		// The registrant's verification link no longer works either.
		verify := strings.TrimPrefix(apptest.EmailLink(t, d, "newhire@acme.test", "email_verify"), "/verify-email/")
		if _, err := s.VerifyEmail(ctx, verify, "", users.Client{}); refusal(err) != "link_used/token" {
			t.Fatalf("the registrant's verification link: %v", err)
		}
	})
}
