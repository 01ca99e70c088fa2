package users_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/page"
	"atelier/internal/users"

	"github.com/pquerna/otp/totp"
)

// code is the authenticator app's code for secret at the test clock's
// instant.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Code != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// A person turns two-factor on with a code from their app; from then on
// signing in takes a code: none, a wrong one or one already used is
// refused, and a recovery code works once. Turning it off takes the
// password and a code. Each step is in their security log.
func TestTwoFactorSignIn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		clk.Hold() // codes are computed at the clock's instant
		d := dbtest.Open(t, e, clk)
		s := &users.Service{DB: d}
		ann, err := s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"})
		if err != nil {
			t.Fatal(err)
		}
		cl := users.Client{Addr: "198.51.100.1", UserAgent: "test"}
		signIn := func(code string) (string, users.User, error) {
			return s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse", Code: code}, users.APISession, cl)
		}

		// Nothing to confirm before enrolment starts.
		_, err = s.ConfirmTwoFactor(ctx, ann, "123456", cl)
		wantCode(t, "confirm before start", err, "two_factor_not_started")

		en, err := s.StartTwoFactor(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(en.URL, "otpauth://totp/Atelier:ann@example.com?") || !strings.Contains(en.URL, "issuer=Atelier") ||
			!strings.HasPrefix(en.QR, "data:image/png;base64,") || len(en.Secret) < 16 {
			t.Fatalf("enrolment %+v", en)
		}
		// Starting again replaces the secret not confirmed.
		en, err = s.StartTwoFactor(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		if again, ok, err := s.PendingTwoFactor(ctx, ann); err != nil || !ok || again.Secret != en.Secret || again.URL != en.URL {
			t.Fatalf("pending %+v %v %v, want %+v", again, ok, err, en)
		}
		_, err = s.ConfirmTwoFactor(ctx, ann, "000000", cl)
		wantCode(t, "a wrong code", err, "two_factor_code_invalid")
		codes, err := s.ConfirmTwoFactor(ctx, ann, code(t, en.Secret, clk.Now()), cl)
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != users.RecoveryCodeCount || len(codes[0]) != len("xxxx-xxxx-xxxx") {
			t.Fatalf("recovery codes %q", codes)
		}
		var stored int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE code_hash = ?`, codes[0]).Scan(&stored)
		if stored != 0 {
			t.Fatal("a recovery code is stored as it is")
		}
		_, err = s.StartTwoFactor(ctx, ann)
		wantCode(t, "start when on", err, "two_factor_already_on")
		st, err := s.TwoFactorStatus(ctx, ann)
		if err != nil || !st.Enabled || st.RecoveryCodesLeft != 10 || st.EnabledAt == nil || clk.Now().Sub(*st.EnabledAt) > time.Second {
			t.Fatalf("status %+v %v", st, err)
		}

		// Signing in now takes a code.
		if _, _, err := signIn(""); !errors.Is(err, users.ErrTwoFactorRequired) {
			t.Fatalf("no code: %v", err)
		}
		if _, _, err := signIn("000000"); !errors.Is(err, users.ErrTwoFactorInvalid) {
			t.Fatalf("wrong code: %v", err)
		}
		// The code that confirmed is used: it is refused, in its step.
		if _, _, err := signIn(code(t, en.Secret, clk.Now())); !errors.Is(err, users.ErrTwoFactorInvalid) {
			t.Fatalf("replayed code: %v", err)
		}
		clk.Advance(30 * time.Second)
		c := code(t, en.Secret, clk.Now())
		tok, u, err := signIn(c)
		if err != nil || tok == "" || !u.TwoFactor {
			t.Fatalf("right code: %v %+v", err, u)
		}
		if _, _, err := signIn(c); !errors.Is(err, users.ErrTwoFactorInvalid) {
			t.Fatalf("the same code again: %v", err)
		}
		// A recovery code, written in capitals and without dashes, works once.
		rc := strings.ToUpper(strings.ReplaceAll(codes[3], "-", ""))
		if _, _, err := signIn(rc); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if _, _, err := signIn(codes[3]); !errors.Is(err, users.ErrTwoFactorInvalid) {
			t.Fatalf("recovery code twice: %v", err)
		}
		if st, _ := s.TwoFactorStatus(ctx, ann); st.RecoveryCodesLeft != 9 {
			t.Fatalf("codes left %d", st.RecoveryCodesLeft)
		}

		// New recovery codes take a code, and replace the old ones.
		clk.Advance(30 * time.Second)
		_, err = s.NewRecoveryCodes(ctx, ann, "", cl)
		wantCode(t, "new codes without a code", err, "two_factor_code_required")
		fresh, err := s.NewRecoveryCodes(ctx, ann, code(t, en.Secret, clk.Now()), cl)
		if err != nil || len(fresh) != 10 {
			t.Fatalf("new codes %q %v", fresh, err)
		}
		if _, _, err := signIn(codes[4]); !errors.Is(err, users.ErrTwoFactorInvalid) {
			t.Fatalf("an old recovery code: %v", err)
		}

		// Turning it off takes the password and a code.
		clk.Advance(30 * time.Second)
		err = s.DisableTwoFactor(ctx, ann, "wrong horse", code(t, en.Secret, clk.Now()), cl)
		wantCode(t, "disable with a wrong password", err, "password_wrong")
		err = s.DisableTwoFactor(ctx, ann, "correct horse", "", cl)
		wantCode(t, "disable without a code", err, "two_factor_code_required")
		if err := s.DisableTwoFactor(ctx, ann, "correct horse", fresh[0], cl); err != nil {
			t.Fatalf("disable with a recovery code: %v", err)
		}
		if _, u, err := signIn(""); err != nil || u.TwoFactor {
			t.Fatalf("sign-in after disable: %v %+v", err, u)
		}
		err = s.DisableTwoFactor(ctx, ann, "correct horse", "123456", cl)
		wantCode(t, "disable when off", err, "two_factor_not_on")

		events, err := s.Events(ctx, ann, page.Request{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		count := map[users.EventKind]int{}
		for _, e := range events.Items {
			count[e.Kind]++
		}
		if count[users.EventTwoFactorOn] != 1 || count[users.EventTwoFactorOff] != 1 || count[users.EventRecoveryCodeUsed] != 2 ||
			count[users.EventTwoFactorFailed] < 5 {
			t.Fatalf("events %v", count)
		}
	})
}

// Five wrong codes in the window refuse codes, even a right one, with the
// minutes to wait, until the window passes.
func TestTwoFactorRateLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		clk.Hold() // codes are computed at the clock's instant
		d := dbtest.Open(t, e, clk)
		s := &users.Service{DB: d}
		ann, err := s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"})
		if err != nil {
			t.Fatal(err)
		}
		en, _ := s.StartTwoFactor(ctx, ann)
		if _, err := s.ConfirmTwoFactor(ctx, ann, code(t, en.Secret, clk.Now()), users.Client{}); err != nil {
			t.Fatal(err)
		}
		signIn := func(code string) error {
			_, _, err := s.SignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse", Code: code}, users.APISession, users.Client{Addr: "198.51.100.1"})
			return err
		}
		for i := 0; i < users.MaxCodeFailures; i++ {
			if err := signIn("000000"); !errors.Is(err, users.ErrTwoFactorInvalid) {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		clk.Advance(30 * time.Second)
		err = signIn(code(t, en.Secret, clk.Now()))
		if e, ok := errs.As(err); !ok || e.Kind != errs.KindTooMany || e.Code != "two_factor_rate_limited" || e.Args["minutes"] != 15 {
			t.Fatalf("the sixth code: %v", err)
		}
		// The browser's code page counts the same failures.
		step, err := s.BeginSignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, users.Client{})
		if err != nil || step.Challenge == "" || step.Token != "" {
			t.Fatalf("begin: %+v %v", step, err)
		}
		if _, _, err := s.CompleteSignIn(ctx, step.Challenge, code(t, en.Secret, clk.Now()), users.WebSession, users.Client{}); !errors.Is(err, users.ErrTwoFactorRateLimited) {
			t.Fatalf("code page while limited: %v", err)
		}
		clk.Advance(users.SignInWindow)
		if err := signIn(code(t, en.Secret, clk.Now())); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

// A browser sign-in waits for its code with a challenge that works once
// and for a few minutes, and never for another person.
func TestSignInChallenge(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		clk := clocktest.New(t)
		clk.Hold() // codes are computed at the clock's instant
		d := dbtest.Open(t, e, clk)
		s := &users.Service{DB: d}
		ann, err := s.SignUp(ctx, users.NewUser{Email: "ann@example.com", Password: "correct horse", Name: "Ann"})
		if err != nil {
			t.Fatal(err)
		}
		// Without two-factor, a browser signs in at once.
		if st, err := s.BeginSignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, users.Client{}); err != nil || st.Token == "" || st.Challenge != "" {
			t.Fatalf("without two-factor: %+v %v", st, err)
		}
		en, _ := s.StartTwoFactor(ctx, ann)
		if _, err := s.ConfirmTwoFactor(ctx, ann, code(t, en.Secret, clk.Now()), users.Client{}); err != nil {
			t.Fatal(err)
		}
		begin := func() string {
			st, err := s.BeginSignIn(ctx, users.Credentials{Email: "ann@example.com", Password: "correct horse"}, users.WebSession, users.Client{})
			if err != nil || st.Challenge == "" || st.Token != "" {
				t.Fatalf("begin: %+v %v", st, err)
			}
			return st.Challenge
		}
		ch := begin()
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM sign_in_challenges WHERE token_hash = ?`, ch).Scan(&n)
		if n != 0 {
			t.Fatal("the raw challenge is stored")
		}
		if _, _, err := s.CompleteSignIn(ctx, ch, "000000", users.WebSession, users.Client{}); !errors.Is(err, users.ErrTwoFactorInvalid) {
			t.Fatalf("wrong code: %v", err)
		}
		clk.Advance(30 * time.Second)
		tok, u, err := s.CompleteSignIn(ctx, ch, code(t, en.Secret, clk.Now()), users.WebSession, users.Client{})
		if err != nil || tok == "" || u.ID != ann.ID {
			t.Fatalf("complete: %v %+v", err, u)
		}
		if got, err := s.Authenticate(ctx, tok, users.Client{}); err != nil || got.ID != ann.ID {
			t.Fatalf("the session: %v", err)
		}
		clk.Advance(30 * time.Second)
		_, _, err = s.CompleteSignIn(ctx, ch, code(t, en.Secret, clk.Now()), users.WebSession, users.Client{})
		wantCode(t, "a used challenge", err, "two_factor_challenge_invalid")
		ch = begin()
		clk.Advance(users.ChallengeLifetime)
		_, _, err = s.CompleteSignIn(ctx, ch, code(t, en.Secret, clk.Now()), users.WebSession, users.Client{})
		wantCode(t, "an expired challenge", err, "two_factor_challenge_invalid")
		_, _, err = s.CompleteSignIn(ctx, "made-up", code(t, en.Secret, clk.Now()), users.WebSession, users.Client{})
		wantCode(t, "an unknown challenge", err, "two_factor_challenge_invalid")
		if n, err := s.DeleteOldChallenges(ctx, clk.Now()); err != nil || n != 2 {
			t.Fatalf("swept %d %v", n, err)
		}
	})
}
