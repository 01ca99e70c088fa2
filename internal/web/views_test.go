package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every page parses, and every template a page calls exists.
func TestViewsLoad(t *testing.T) {
	t.Parallel()
	v, err := loadViews()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"landing", "signup", "signin", "dashboard", "accounts", "account_new", "account",
		"members", "account_invitations", "invitations", "invitation", "policies", "audit", "error",
		"services", "service", "freelancer", "sell_start", "sell", "service_form", "operator_pro",
		"billing", "invoices", "invoice", "rewards", "order", "orders", "approvals"} {
		if v.pages[p] == nil {
			t.Errorf("no page %q", p)
		}
	}
}

func TestDatesPerLanguage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC)
	if got := formatDate("en", at); got != "Nov 27, 2026 14:05 UTC" {
		t.Errorf("en: %q", got)
	}
	if got := formatDate("fr", at); got != "27 nov. 2026 14:05 UTC" {
		t.Errorf("fr: %q", got)
	}
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"250", 25000, true}, {"250.00", 25000, true}, {"99.5", 9950, true}, {"1,250.50", 125050, true},
		{"1 250,50", 125050, true}, {"1\u202f250,5", 125050, true}, {"0", 0, true}, {"-5", -500, true},
		{"12,5x", 0, false}, {"abc", 0, false}, {"1.2.3.4", 0, false}, {"1.234.567,8", 123456780, true}, {".5", 0, false},
	}
	for _, c := range cases {
		m, err := parseAmount("f", c.in, "EUR")
		if (err == nil) != c.ok {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		if c.ok && (m == nil || m.Amount != c.want || m.Currency != "EUR") {
			t.Errorf("%q: got %+v, want %d", c.in, m, c.want)
		}
	}
	if m, err := parseAmount("f", "  ", "EUR"); m != nil || err != nil {
		t.Errorf("blank: %v %v", m, err)
	}
	m, _ := parseAmount("f", "1250.5", "USD")
	if got := amountText(m); got != "1250.50" {
		t.Errorf("amountText %q", got)
	}
}

// The Content-Security-Policy refuses inline scripts and event-handler
// attributes, so no template may hold one: scripts live in static/.
func TestTemplatesHaveNoInlineScript(t *testing.T) {
	t.Parallel()
	inline := regexp.MustCompile(`(?i)<script(\s[^>]*)?>|\son[a-z]+\s*=|javascript:`)
	err := fs.WalkDir(files, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range inline.FindAllString(string(b), -1) {
			if strings.HasPrefix(strings.ToLower(m), "<script") && strings.Contains(m, "src=") {
				continue
			}
			t.Errorf("%s: inline script %q (move it to static/)", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
