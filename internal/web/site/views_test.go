package site

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/internal/errs"
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

// Amounts are read in the page's language, and a typo is refused, never
// read as a thousand times more: "12.345" is not 12,345.00 and "0.001"
// not 1.00 (the audit's finding).
func TestParseAmount(t *testing.T) {
	t.Parallel()
	const bad, precise = "amount_invalid", "amount_too_precise"
	cases := []struct {
		lang, in string
		want     int64
		refusal  string
	}{
		{"en", "250", 25000, ""}, {"en", "250.00", 25000, ""}, {"en", "99.5", 9950, ""}, {"en", "1,250.50", 125050, ""},
		{"en", "1,234,567.89", 123456789, ""}, {"en", "$1,250", 125000, ""}, {"en", "1 250.50", 125050, ""}, {"en", "0", 0, ""},
		{"en", "-5", -500, ""}, {"en", "5.", 500, ""}, {"en", "12 EUR", 1200, ""},
		{"en", "12.345", 0, precise}, {"en", "0.001", 0, precise}, {"en", "1,250.505", 0, precise},
		{"en", "12,5", 0, bad}, {"en", "12,50", 0, bad}, {"en", "1,2345", 0, bad}, {"en", "1,,234", 0, bad}, {"en", ",5", 0, bad},
		{"en", "1.2.3", 0, bad}, {"en", ".5", 0, bad}, {"en", "abc", 0, bad}, {"en", "1e3", 0, bad}, {"en", "1 250,50", 0, bad},
		{"fr", "250", 25000, ""}, {"fr", "1 250,50", 125050, ""}, {"fr", "1\u00a0250,5", 125050, ""}, {"fr", "1\u202f250,50 €", 125050, ""},
		{"fr", "12,5", 1250, ""}, {"fr", "12.50", 1250, ""}, {"fr", "1 234 567,89", 123456789, ""}, {"fr", "-3,00", -300, ""},
		{"fr", "12,345", 0, precise}, {"fr", "12.345", 0, precise}, {"fr", "0,001", 0, precise},
		{"fr", "1.234,56", 0, bad}, {"fr", "1,250.50", 0, bad}, {"fr", "12 34,5", 0, bad}, {"fr", "1,2,3", 0, bad},
	}
	for _, c := range cases {
		m, err := ParseAmount("f", c.in, "EUR", c.lang)
		if c.refusal != "" {
			if e, ok := errs.As(err); !ok || e.Code != c.refusal || e.Field != "f" {
				t.Errorf("%s %q: %v, %v; want %s", c.lang, c.in, m, err, c.refusal)
			}
			continue
		}
		if err != nil || m == nil || m.Amount != c.want || m.Currency != "EUR" {
			t.Errorf("%s %q: got %+v %v, want %d", c.lang, c.in, m, err, c.want)
		}
	}
	for _, lang := range []string{"en", "fr"} {
		if m, err := ParseAmount("f", "  ", "EUR", lang); m != nil || err != nil {
			t.Errorf("blank: %v %v", m, err)
		}
	}
	m, _ := ParseAmount("f", "1250.5", "USD", "en")
	if got := AmountText(m); got != "1250.50" {
		t.Errorf("AmountText %q", got)
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
