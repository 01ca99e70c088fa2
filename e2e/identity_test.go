package e2e

import (
	"context"
	"testing"

	"atelier/internal/app/apptest"
)

// Nina looks after her identity: she signs up and verifies her address,
// changes her password (the browser on her phone is signed out), sees and
// ends her sessions, reads her security log, and, having forgotten the new
// password, resets it through the e-mailed link.
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

		// Her phone is signed in too.
		phone := srv.signedIn(t, browser, "Nina's phone", "nina@example.com")
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
		nina.sees("Security log", "Every other session signed out", "Password changed", "E-mail address confirmed", "Signed in")

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
