package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/notify"
)

func TestSettingsTurnEmailCategoriesOff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		a, srv := setup(t, e)
		u := signUp(t, a, "Nora Notes", "nora@example.com")
		b := newBrowser(t, srv)
		b.signIn("nora@example.com", "correct horse")

		status, body, _ := b.do("GET", "/settings", nil)
		if status != http.StatusOK || strings.Count(body, `type="checkbox"`) != len(notify.Categories) || strings.Count(body, " checked") != len(notify.Categories) {
			t.Fatalf("settings page: status %d, every category should be shown on", status)
		}
		// Untick "team": the form sends the others only.
		status, _, h := b.do("POST", "/settings", url.Values{"email_orders": {"on"}, "email_profile": {"on"}, "email_other": {"on"}})
		if status != http.StatusSeeOther || h.Get("Location") != "/settings" {
			t.Fatalf("save: %d %q", status, h.Get("Location"))
		}
		on, err := a.Notify.EmailSettings(context.Background(), u.ID)
		if err != nil || on["team"] || !on["orders"] || !on["profile"] || !on["other"] {
			t.Fatalf("saved %v %v", on, err)
		}
		_, body, _ = b.do("GET", "/settings", nil)
		if !strings.Contains(body, i18n.T("en", "flash.settings_saved")) || strings.Count(body, " checked") != len(notify.Categories)-1 {
			t.Fatal("the saved page shows no flash or not the saved boxes")
		}
	})
}
