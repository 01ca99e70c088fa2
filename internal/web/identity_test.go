package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/users"
)

// Signing up answers with the same page whether or not the address has an
// account, and signs nobody in.
func TestSignUpPageAnswersAlike(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		signUp(t, a, "Ann Owner", "ann@example.com")
		answer := func(email string) (int, string, http.Header) {
			b := newBrowser(t, srv)
			status, body, h := b.do("POST", "/signup", url.Values{"name": {"Someone"}, "email": {email}, "password": {"correct horse"}})
			if _, _, home := b.do("GET", "/settings", nil); home.Get("Location") == "" {
				t.Fatalf("signing up as %s signed in", email)
			}
			return status, strings.ReplaceAll(body, email, "EMAIL"), h
		}
		s1, taken, _ := answer("ann@example.com")
		s2, fresh, _ := answer("new@example.com")
		if s1 != http.StatusOK || s2 != http.StatusOK || !strings.Contains(fresh, `id="signup-sent"`) {
			t.Fatalf("statuses %d %d", s1, s2)
		}
		if taken != fresh {
			t.Fatal("the page for a taken address differs from a new one's")
		}
	})
}

// A forgotten password: the request page answers alike for unknown
// addresses; the link's page sets a new password once, signs everyone
// out, and says so when the link is used again.
func TestResettingAPasswordFromItsLink(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		signUp(t, a, "Ann Owner", "ann@example.com")
		other := newBrowser(t, srv)
		other.signIn("ann@example.com", "correct horse")
		b := newBrowser(t, srv)
		if status, body, _ := b.do("GET", "/signin", nil); status != http.StatusOK || !strings.Contains(body, `href="/password-reset"`) {
			t.Fatal("no way from sign-in to a reset")
		}
		for _, email := range []string{"nobody@example.com", "ann@example.com"} {
			status, body, _ := b.do("POST", "/password-reset", url.Values{"email": {email}})
			if status != http.StatusOK || !strings.Contains(body, i18n.T("en", "reset.sent", "email", email)) {
				t.Fatalf("reset for %s: %d", email, status)
			}
		}
		link := apptest.EmailLink(t, a.DB, "ann@example.com", "password_reset")
		if status, body, _ := b.do("GET", link, nil); status != http.StatusOK || !strings.Contains(body, `action="`+link+`"`) {
			t.Fatalf("the link's page: %d", status)
		}
		status, body, _ := b.do("POST", link, url.Values{"new_password": {"short"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-new-password-error"`) {
			t.Fatalf("a short password: %d", status)
		}
		if status, _, h := b.do("POST", link, url.Values{"new_password": {"battery staple horse"}}); status != http.StatusSeeOther || h.Get("Location") != "/signin" {
			t.Fatalf("reset: %d %s", status, h.Get("Location"))
		}
		if _, _, h := other.do("GET", "/settings", nil); !strings.HasPrefix(h.Get("Location"), "/signin") {
			t.Fatal("the other browser is still signed in")
		}
		status, body, _ = b.do("POST", link, url.Values{"new_password": {"battery staple horse"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reset-error"`) || !strings.Contains(body, i18n.T("en", "error.link_used")) {
			t.Fatalf("the link again: %d", status)
		}
		b.signIn("ann@example.com", "battery staple horse")
		// A link an hour old says so, and offers a new one.
		b.do("POST", "/password-reset", url.Values{"email": {"ann@example.com"}})
		late := apptest.EmailLink(t, a.DB, "ann@example.com", "password_reset")
		a.TestClock.Advance(time.Hour)
		status, body, _ = b.do("POST", late, url.Values{"new_password": {"another staple horse"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.T("en", "error.link_expired")) || !strings.Contains(body, `href="/password-reset"`) {
			t.Fatalf("an expired link: %d", status)
		}
	})
}

// Settings: the password is changed with the current one and signs the
// other browsers out; sessions are listed and ended; the log tells it.
func TestSecuritySettings(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		signUp(t, a, "Ann Owner", "ann@example.com")
		b, other := newBrowser(t, srv), newBrowser(t, srv)
		b.signIn("ann@example.com", "correct horse")
		other.signIn("ann@example.com", "correct horse")
		status, body, _ := b.do("GET", "/settings/sessions", nil)
		if status != http.StatusOK || strings.Count(body, `class="card session"`) != 2 || strings.Count(body, i18n.T("en", "sessions.current")) != 1 {
			t.Fatalf("sessions page: %d", status)
		}
		status, body, _ = b.do("POST", "/settings/password", url.Values{"current_password": {"wrong horse!"}, "new_password": {"battery staple horse"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.T("en", "error.password_wrong")) {
			t.Fatalf("a wrong current password: %d", status)
		}
		if status, _, h := b.do("POST", "/settings/password", url.Values{"current_password": {"correct horse"}, "new_password": {"battery staple horse"}}); status != http.StatusSeeOther || h.Get("Location") != "/settings/security" {
			t.Fatalf("change: %d %s", status, h.Get("Location"))
		}
		if _, _, h := other.do("GET", "/settings", nil); !strings.HasPrefix(h.Get("Location"), "/signin") {
			t.Fatal("the other browser is still signed in")
		}
		if _, body, _ := b.do("GET", "/settings/sessions", nil); strings.Count(body, `class="card session"`) != 1 {
			t.Fatal("the other session is still listed")
		}
		if _, body, _ := b.do("GET", "/settings/security-log", nil); !strings.Contains(body, i18n.T("en", "security_log.kind.password_changed")) ||
			!strings.Contains(body, i18n.T("en", "security_log.kind.sign_in")) {
			t.Fatal("the security log does not tell it")
		}
		// Ending this browser's own session signs it out.
		_, body, _ = b.do("GET", "/settings/sessions", nil)
		i := strings.Index(body, `action="/settings/sessions/ses_`)
		action := body[i+len(`action="`):]
		action = action[:strings.Index(action, `"`)]
		if status, _, h := b.do("POST", action, url.Values{}); status != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("ending this session: %d %s", status, h.Get("Location"))
		}
		if _, _, h := b.do("GET", "/settings", nil); !strings.HasPrefix(h.Get("Location"), "/signin") {
			t.Fatal("still signed in")
		}
	})
}

// Support's page: an operator finds a person by address and marks it
// verified; anyone else is refused.
func TestOperatorsVerifyAnAddress(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		if _, err := a.Users.CreateOperator(context.Background(), users.NewUser{Email: "ops@atelier.test", Password: "operator pass", Name: "Ops"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Users.SignUp(context.Background(), users.NewUser{Email: "lost@example.com", Password: "correct horse", Name: "Lou Lost"}); err != nil {
			t.Fatal(err)
		}
		signUp(t, a, "Ann Owner", "ann@example.com")
		ann := newBrowser(t, srv)
		ann.signIn("ann@example.com", "correct horse")
		if status, _, _ := ann.do("GET", "/operator/people", nil); status != http.StatusForbidden {
			t.Fatalf("a member opens support's page: %d", status)
		}
		if status, _, _ := ann.do("POST", "/operator/people/verify", url.Values{"email": {"lost@example.com"}}); status != http.StatusForbidden {
			t.Fatalf("a member verifies an address: %d", status)
		}
		ops := newBrowser(t, srv)
		ops.signIn("ops@atelier.test", "operator pass")
		status, body, _ := ops.do("GET", "/operator/people?email=LOST@example.com", nil)
		if status != http.StatusOK || !strings.Contains(body, "Lou Lost") || !strings.Contains(body, `id="verify-person"`) {
			t.Fatalf("the person's card: %d", status)
		}
		if _, body, _ := ops.do("GET", "/operator/people?email=nobody@example.com", nil); !strings.Contains(body, i18n.T("en", "operator.people.none")) {
			t.Fatal("an unknown address")
		}
		if status, _, h := ops.do("POST", "/operator/people/verify", url.Values{"email": {"lost@example.com"}}); status != http.StatusSeeOther || h.Get("Location") != "/operator/people?email=lost%40example.com" {
			t.Fatalf("verify: %d %s", status, h.Get("Location"))
		}
		if u, _, _ := a.Users.ByEmail(context.Background(), a.DB, "lost@example.com"); !u.EmailVerified {
			t.Fatal("not verified")
		}
	})
}
