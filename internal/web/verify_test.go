package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
)

// The link sent at sign-up opens a page whose button verifies the
// address, once; settings say the address is not verified until then and
// send a new link; a used or made-up link says so on the page.
func TestVerifyingAnAddressFromItsLink(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		b := newBrowser(t, srv)
		status, body, _ := b.do("POST", "/signup", url.Values{"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "password": {"correct horse"}})
		if status != http.StatusOK || !strings.Contains(body, `id="signup-sent"`) {
			t.Fatalf("sign-up: %d", status)
		}
		b.signIn("ada@example.com", "correct horse") // before the link: she may look around
		link := func() string { return apptest.EmailLink(t, a.DB, "ada@example.com", "email_verify") }
		unverified := i18n.T("en", "settings.unverified", "email", "ada@example.com")
		banner := `id="verify-banner"`
		if _, body, _ := b.do("GET", "/", nil); !strings.Contains(body, banner) {
			t.Fatal("no banner on the dashboard of an unverified person")
		}
		if _, body, _ := b.do("GET", "/settings", nil); !strings.Contains(body, unverified) {
			t.Fatal("settings do not say the address is not verified")
		}
		first := link()
		if status, _, h := b.do("POST", "/settings/email-verification", url.Values{}); status != http.StatusSeeOther || h.Get("Location") != "/settings" {
			t.Fatalf("a new link: %d %s", status, h.Get("Location"))
		}
		second := link()
		if second == first {
			t.Fatal("the same link again")
		}
		// Opening the link verifies nothing; its button does.
		if status, body, _ := b.do("GET", second, nil); status != http.StatusOK || !strings.Contains(body, `action="`+second+`"`) {
			t.Fatalf("the link's page: %d", status)
		}
		if _, body, _ := b.do("GET", "/settings", nil); !strings.Contains(body, unverified) {
			t.Fatal("opening the link verified the address")
		}
		status, body, _ = b.do("POST", first, url.Values{})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.T("en", "error.link_used")) {
			t.Fatalf("the replaced link: %d", status)
		}
		if status, _, h := b.do("POST", second, url.Values{}); status != http.StatusSeeOther || h.Get("Location") != "/settings" {
			t.Fatalf("verify: %d %s", status, h.Get("Location"))
		}
		if _, body, _ := b.do("GET", "/settings", nil); strings.Contains(body, unverified) {
			t.Fatal("still not verified")
		}
		if _, body, _ := b.do("GET", "/", nil); strings.Contains(body, banner) {
			t.Fatal("the banner stays once verified")
		}
		anon := newBrowser(t, srv)
		status, body, _ = anon.do("POST", second, url.Values{})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.T("en", "error.link_used")) {
			t.Fatalf("the link again: %d", status)
		}
		status, body, _ = anon.do("POST", "/verify-email/made-up", url.Values{})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.T("en", "error.link_invalid")) {
			t.Fatalf("a made-up link: %d", status)
		}
	})
}
