package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"atelier/internal/app/apptest"
)

// code is the authenticator app's code for secret on the server's clock,
// moved on first to the next 30-second step: a code is taken once (a
// replay is refused). Moving after computing it would leave the code a
// step behind the server's, and two behind — refused — if the browser
// then took longer than what was left of the step.
func (s *server) code(t *testing.T, secret string) string {
	t.Helper()
	s.App.TestClock.Advance(30 * time.Second)
	c, err := totp.GenerateCode(strings.TrimSpace(secret), s.App.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// texts are the texts of every element css matches.
func (p *person) texts(css string) []string {
	p.t.Helper()
	nodes, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+jsString(css)+`)).map(e => e.textContent.trim())`))
	if err != nil {
		p.t.Fatalf("%s: texts of %s: %v", p.name, css, err)
	}
	return nodes
}

// Nina looks after her identity: she signs up and verifies her address,
// turns two-factor sign-in on with a code computed from the key, signs in
// with a code and once with a recovery code, changes her password (the
// browser on her phone is signed out), sees and ends her sessions, reads
// her security log, and, having forgotten the new password, resets it
// through the e-mailed link.
func TestAPersonSecuresTheirSignIn(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		nina := srv.person(t, browser, "Nina")
		nina.open("/signup")
		nina.fill("#f-name", "Nina Hire")
		nina.fill("#f-email", "nina@example.com")
		nina.fill("#f-password", "correct horse battery")
		nina.click(`form[action="/signup"] button[type="submit"]`)
		nina.sees("Check your e-mail", "We sent a message to nina@example.com.")
		if shoot {
			nina.screenshot("signup-sent")
		}
		nina.open(apptest.EmailLink(t, srv.App.DB, "nina@example.com", "email_verify"))
		nina.click("#verify-submit")
		nina.sees("Your e-mail address is verified.", "Sign in to Atelier")
		nina.fill("#f-email", "nina@example.com")
		nina.fill("#f-password", "correct horse battery")
		nina.click(`form[action="/signin"] button[type="submit"]`)
		nina.sees("Hello, Nina Hire")
		nina.seesNot("Confirm your address")

		// She turns two-factor sign-in on with a code from her app (here
		// computed from the key the page writes out), and keeps the ten
		// recovery codes shown once.
		nina.open("/settings/security")
		nina.click("#two-factor-link")
		nina.click("#two-factor-start")
		secret := nina.within("#two-factor-secret")
		if n := nina.count("#two-factor-qr"); n != 1 {
			t.Fatal("no QR code to scan")
		}
		if shoot {
			nina.screenshot("two-factor-enrol")
		}
		nina.fill("#two-factor-confirm-code", "000000")
		nina.click("#two-factor-confirm")
		nina.sees("That code is wrong")
		nina.fill("#two-factor-confirm-code", srv.code(t, secret))
		nina.click("#two-factor-confirm")
		codes := nina.texts("#recovery-codes li")
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes", len(codes))
		}

		// Signing in now takes a code after the password.
		nina.click(`form[action="/signout"] button`)
		nina.signIn("nina@example.com", "correct horse battery")
		nina.sees("Enter the code from your authenticator app.")
		if shoot {
			nina.screenshot("signin-two-factor")
		}
		nina.fill("#two-factor-code", srv.code(t, secret))
		nina.click("#two-factor-submit")
		nina.sees("Hello, Nina Hire")
		// Her phone is lost for a day: a recovery code works, once.
		nina.click(`form[action="/signout"] button`)
		nina.signIn("nina@example.com", "correct horse battery")
		nina.fill("#two-factor-code", codes[0])
		nina.click("#two-factor-submit")
		nina.sees("Hello, Nina Hire")
		nina.click(`form[action="/signout"] button`)
		nina.signIn("nina@example.com", "correct horse battery")
		nina.fill("#two-factor-code", codes[0])
		nina.click("#two-factor-submit")
		nina.sees("That code is wrong")
		nina.fill("#two-factor-code", srv.code(t, secret))
		nina.click("#two-factor-submit")
		nina.sees("Hello, Nina Hire")

		// Her phone is signed in too.
		phone := srv.person(t, browser, "Nina's phone")
		phone.signIn("nina@example.com", "correct horse battery")
		phone.fill("#two-factor-code", srv.code(t, secret))
		phone.click("#two-factor-submit")
		phone.sees("Hello, Nina Hire")

		// She changes her password: the phone is signed out.
		nina.open("/settings")
		nina.click(`.tabs a[href="/settings/security"]`)
		nina.fill("#f-current-password", "not my password")
		nina.fill("#f-new-password", "battery staple horse")
		nina.click("#password-submit")
		nina.sees("That is not your current password.")
		nina.fill("#f-current-password", "correct horse battery")
		nina.fill("#f-new-password", "battery staple horse")
		nina.click("#password-submit")
		nina.sees("Your password is changed. Your other sessions are signed out.")
		phone.open("/settings")
		phone.sees("Sign in to Atelier")

		// Signed in again on the phone, then signed out from the laptop.
		phone.signIn("nina@example.com", "battery staple horse")
		phone.fill("#two-factor-code", srv.code(t, secret))
		phone.click("#two-factor-submit")
		phone.sees("Hello, Nina Hire")
		nina.click(`.tabs a[href="/settings/sessions"]`)
		nina.sees("Signed-in browsers", "This browser", "Chrome on Linux")
		if n := nina.count(".session"); n != 2 {
			t.Fatalf("%d sessions listed", n)
		}
		if shoot {
			nina.screenshot("settings-sessions")
		}
		nina.click("#revoke-others")
		nina.sees("1 other session(s) signed out.")
		phone.open("/settings")
		phone.sees("Sign in to Atelier")

		nina.click(`.tabs a[href="/settings/security-log"]`)
		nina.sees("Security log", "Every other session signed out", "Password changed", "Signed in with a recovery code",
			"Sign-in refused: wrong code", "Two-factor sign-in turned on", "E-mail address confirmed", "Signed in")
		if shoot {
			nina.screenshot("settings-security-log")
		}

		// She forgets the new password: a link resets it and signs every
		// browser out.
		phone.click("#forgot-password")
		phone.fill("#f-email", "nina@example.com")
		phone.click("#reset-submit")
		phone.sees("If an Atelier account uses nina@example.com, a link to reset its password is on its way there.")
		link := apptest.EmailLink(t, srv.App.DB, "nina@example.com", "password_reset")
		phone.open(link)
		phone.fill("#f-new-password", "a fresh staple horse")
		phone.click("#new-password-submit")
		phone.sees("Your password is changed and every session is signed out.")
		phone.signIn("nina@example.com", "a fresh staple horse")
		phone.fill("#two-factor-code", srv.code(t, secret)) // a reset keeps two-factor on
		phone.click("#two-factor-submit")
		phone.sees("Hello, Nina Hire")
		nina.open("/settings")
		nina.sees("Sign in to Atelier")
		// The link works once.
		phone.open(link)
		phone.fill("#f-new-password", "another staple horse")
		phone.click("#new-password-submit")
		phone.sees("This link was already used")
	})
}
