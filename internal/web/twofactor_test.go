package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/internal/app"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/users"

	"github.com/pquerna/otp/totp"
)

// nextCode is the authenticator app's code at the server's clock, moved
// to the next 30-second step first (a code is accepted once).
func nextCode(t *testing.T, a *app.App, secret string) string {
	t.Helper()
	a.TestClock.Advance(30 * time.Second)
	c, err := totp.GenerateCode(secret, a.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	secretRe    = regexp.MustCompile(`id="two-factor-secret">([A-Z2-7]+)<`)
	challengeRe = regexp.MustCompile(`name="challenge" value="([^"]+)"`)
	codesRe     = regexp.MustCompile(`<li><code>([a-z2-7-]+)</code></li>`)
)

// A member of an account that requires two-factor sign-in is sent from
// the account's pages to turn it on, sets it up with the QR code's key,
// sees their recovery codes once and goes back to the page; signing in
// again asks for the code on a page of its own, where a wrong code is
// refused and a recovery code works.
func TestTwoFactorPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, engine)
		admin, _, acc := team(t, a)
		en, err := a.Users.StartTwoFactor(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Users.ConfirmTwoFactor(ctx, admin, nextCode(t, a, en.Secret), users.Client{}); err != nil {
			t.Fatal(err)
		}
		admin, _ = a.Users.Get(ctx, admin.ID)
		p, _ := a.Accounts.Policies(ctx, admin, acc.ID)
		p.RequireTwoFactor = true
		if _, err := a.Accounts.SetPolicies(ctx, admin, acc.ID, p); err != nil {
			t.Fatal(err)
		}

		b := newBrowser(t, srv)
		b.signIn("bob@example.com", "correct horse")
		members := "/accounts/" + acc.ID + "/members"
		status, _, h := b.do("GET", members, nil)
		want := "/settings/two-factor?next=" + url.QueryEscape(members)
		if status != http.StatusSeeOther || h.Get("Location") != want {
			t.Fatalf("the members page: %d to %q, want %q", status, h.Get("Location"), want)
		}
		if status, _, h := b.do("GET", "/", nil); status != http.StatusSeeOther || h.Get("Location") != "/settings/two-factor?next=%2F" {
			t.Fatalf("the dashboard of the account: %d to %q", status, h.Get("Location"))
		}
		_, body, _ := b.do("GET", want, nil)
		if !strings.Contains(body, i18n.T("en", "flash.notice.two_factor_required_by_account")) || !strings.Contains(body, `class="flash flash-info"`) || !strings.Contains(body, `id="two-factor-start"`) {
			t.Fatalf("the two-factor page does not say why, or cannot start:\n%s", body)
		}
		status, _, h = b.do("POST", "/settings/two-factor/start", url.Values{"next": {members}})
		if status != http.StatusSeeOther || h.Get("Location") != want {
			t.Fatalf("start: %d to %q", status, h.Get("Location"))
		}
		_, body, _ = b.do("GET", want, nil)
		m := secretRe.FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, `src="data:image/png;base64,`) || !strings.Contains(body, `id="two-factor-confirm-code"`) {
			t.Fatalf("no QR code, key or code field:\n%s", body)
		}
		secret := m[1]
		status, body, _ = b.do("POST", "/settings/two-factor/confirm", url.Values{"form": {"confirm"}, "code": {"000000"}, "next": {members}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.T("en", "error.two_factor_code_invalid"))) {
			t.Fatalf("a wrong code: %d", status)
		}
		status, body, _ = b.do("POST", "/settings/two-factor/confirm", url.Values{"form": {"confirm"}, "code": {nextCode(t, a, secret)}, "next": {members}})
		codes := codesRe.FindAllStringSubmatch(body, -1)
		if status != http.StatusOK || len(codes) != 10 || !strings.Contains(body, `id="recovery-codes"`) || !strings.Contains(body, `href="`+members+`"`) {
			t.Fatalf("confirmed: %d, %d codes:\n%s", status, len(codes), body)
		}
		if status, _, _ := b.do("GET", members, nil); status != http.StatusOK {
			t.Fatalf("the members page once on: %d", status)
		}
		if _, body, _ := b.do("GET", "/settings/two-factor", nil); strings.Contains(body, codes[0][1]) || !strings.Contains(body, `id="two-factor-disable"`) {
			t.Fatal("the codes are shown again, or no way to turn it off")
		}

		// Signing in asks for the code, not the password again.
		b2 := newBrowser(t, srv)
		status, body, _ = b2.do("POST", "/signin", url.Values{"email": {"bob@example.com"}, "password": {"correct horse"}, "next": {members}})
		ch := challengeRe.FindStringSubmatch(body)
		if status != http.StatusOK || ch == nil || !strings.Contains(body, `id="two-factor-code"`) || !strings.Contains(body, `id="two-factor-submit"`) ||
			!strings.Contains(body, html.EscapeString(i18n.T("en", "signin.two_factor.hint"))) {
			t.Fatalf("the code page: %d\n%s", status, body)
		}
		if status, _, _ := b2.do("GET", members, nil); status != http.StatusSeeOther {
			t.Fatal("signed in before the code")
		}
		status, body, _ = b2.do("POST", "/signin/two-factor", url.Values{"challenge": {ch[1]}, "code": {"000000"}, "next": {members}})
		if status != http.StatusUnauthorized || !strings.Contains(body, html.EscapeString(i18n.T("en", "error.two_factor_invalid"))) || !strings.Contains(body, ch[1]) {
			t.Fatalf("a wrong code: %d", status)
		}
		status, _, h = b2.do("POST", "/signin/two-factor", url.Values{"challenge": {ch[1]}, "code": {codes[2][1]}, "next": {members}})
		if status != http.StatusSeeOther || h.Get("Location") != members {
			t.Fatalf("a recovery code: %d to %q", status, h.Get("Location"))
		}
		if status, _, _ := b2.do("GET", members, nil); status != http.StatusOK {
			t.Fatalf("signed in: %d", status)
		}

		// The policy is on the policies page, and in the audit log.
		ab := newBrowser(t, srv)
		_, body, _ = ab.do("POST", "/signin", url.Values{"email": {"alice@example.com"}, "password": {"correct horse"}})
		ch = challengeRe.FindStringSubmatch(body)
		if ch == nil {
			t.Fatal("the admin is not asked for a code")
		}
		ab.do("POST", "/signin/two-factor", url.Values{"challenge": {ch[1]}, "code": {nextCode(t, a, en.Secret)}})
		if _, body, _ := ab.do("GET", "/accounts/"+acc.ID+"/policies", nil); !regexp.MustCompile(`id="require_two_factor"[^>]* checked`).MatchString(body) {
			t.Fatalf("the policy is not ticked:\n%s", body)
		}
		if _, body, _ := ab.do("GET", "/accounts/"+acc.ID+"/audit-log", nil); !strings.Contains(body, i18n.T("en", "policies.require_two_factor")) {
			t.Fatal("the audit log does not name the policy")
		}
	})
}
