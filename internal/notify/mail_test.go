package notify

import "testing"

func TestParseSMTP(t *testing.T) {
	m, err := ParseSMTP("smtp://ann:s%40cret@mail.example:2525?from=atelier@example.com", "https://atelier.example/")
	if err != nil || m.Host != "mail.example" || m.Port != 2525 || m.Username != "ann" || m.Password != "s@cret" ||
		m.From != "atelier@example.com" || m.TLS != "starttls" || m.PublicURL != "https://atelier.example" {
		t.Fatalf("%+v %v", m, err)
	}
	if m, err := ParseSMTP("smtps://mail.example?from=a@example.com", ""); err != nil || m.TLS != "tls" || m.Port != 465 {
		t.Fatalf("smtps: %+v %v", m, err)
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
