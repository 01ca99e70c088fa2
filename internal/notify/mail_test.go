package notify

import (
	"regexp"
	"strings"
	"testing"

	"atelier/internal/i18n"

	"github.com/wneessen/go-mail"
)

func TestParseSMTP(t *testing.T) {
	m, err := ParseSMTP("smtp://ann:s%40cret@mail.example:2525?from=atelier@example.com", "https://atelier.example/")
	if err != nil || m.Host != "mail.example" || m.Port != 2525 || m.Username != "ann" || m.Password != "s@cret" ||
		m.From != "atelier@example.com" || m.TLS != "starttls" || m.PublicURL != "https://atelier.example" {
		t.Fatalf("%+v %v", m, err)
	}
	if m, err := ParseSMTP("smtps://mail.example?from=a@example.com", ""); err != nil || m.TLS != "tls" || m.Port != 465 {
		t.Fatalf("smtps: %+v %v", m, err)
	}
	// A refusal never repeats the password (it goes to the logs).
	for _, bad := range []string{"smtp://ann:hunter2@mail example?from=a@b.c", "http://ann:hunter2@mail.example?from=a@b.c"} {
		if _, err := ParseSMTP(bad, ""); err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	for _, bad := range []string{"", "http://mail.example?from=a@b.c", "smtp://mail.example", "smtp://?from=a@b.c",
		"smtp://mail.example?from=a@b.c&tls=maybe", "smtp://mail.example:port?from=a@b.c"} {
		if _, err := ParseSMTP(bad, ""); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCategory(t *testing.T) {
	for kind, want := range map[string]string{"order_delivered": "orders", "hourly_charged": "orders", "request_cancel": "orders",
		"invitation_received": "team", "role_changed": "team", "pro_approved": "profile", "something_new": "other"} {
		if got := Category(kind); got != want {
			t.Errorf("%s: %s, want %s", kind, got, want)
		}
	}
}

// Every kind of notice makes a whole e-mail in both languages: a subject
// with its values filled in, the link back as an absolute URL in the text
// and in the HTML.
func TestEveryNoticeMakesAnEmail(t *testing.T) {
	m := SMTP{From: "atelier@example.com", PublicURL: "https://atelier.example"}
	placeholder := regexp.MustCompile(`\{([a-z_]+)\}`)
	kinds := 0
	for _, key := range i18n.Keys("en") {
		kind, ok := strings.CutPrefix(key, "notification.")
		if !ok {
			continue
		}
		kinds++
		for _, lang := range []string{"en", "fr"} {
			params := map[string]any{}
			for _, p := range placeholder.FindAllStringSubmatch(i18n.T("en", key), -1) { // the values the code passes
				params[p[1]] = "V-" + p[1]
			}
			if _, ok := params["role"]; ok {
				params["role"] = "billing_manager"
			}
			if _, ok := params["deadline"]; ok {
				params["deadline"] = "2026-12-01T12:00:00Z"
			}
			msg, err := m.Compose(Email{To: "reader@example.com", Lang: lang, Kind: kind, Params: params, Link: "/orders/ord_1"})
			if err != nil {
				t.Fatalf("%s %s: %v", kind, lang, err)
			}
			var b strings.Builder
			if _, err := msg.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			subject := msg.GetGenHeader(mail.HeaderSubject)
			raw := b.String()
			if len(subject) != 1 || subject[0] == key || strings.ContainsAny(subject[0], "{}") || strings.Contains(subject[0], "billing_manager") {
				t.Errorf("%s in %s: subject %q", kind, lang, subject)
			}
			if !strings.Contains(raw, "https://atelier.example/orders/ord_1") || !strings.Contains(raw, "text/html") {
				t.Errorf("%s in %s: no link back or no HTML part", kind, lang)
			}
		}
	}
	if kinds < 50 {
		t.Fatalf("only %d kinds of notices", kinds)
	}
}
