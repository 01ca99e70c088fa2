package i18n

import (
	"strings"
	"testing"
)

// Every key has a translation in every language, and no translation is
// left empty or carries placeholders the English does not.
func TestCatalogsComplete(t *testing.T) {
	for _, lang := range Languages[1:] {
		for _, k := range Keys("en") {
			msg, ok := catalogs[lang][k]
			if !ok || strings.TrimSpace(msg) == "" {
				t.Errorf("%s: no translation for %q", lang, k)
			}
		}
		for _, k := range Keys(lang) {
			if _, ok := catalogs["en"][k]; !ok {
				t.Errorf("%s: key %q is not in the English catalog", lang, k)
			}
		}
	}
}

func TestNegotiateAndT(t *testing.T) {
	cases := []struct{ saved, header, want string }{
		{"", "", "en"},
		{"", "fr-FR,fr;q=0.9,en;q=0.8", "fr"},
		{"", "de-DE,de;q=0.9,fr;q=0.5", "fr"},
		{"", "en-GB,fr;q=0.5", "en"},
		{"en", "fr", "en"},
		{"fr", "en", "fr"},
	}
	for _, c := range cases {
		if got := Negotiate(c.saved, c.header); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.saved, c.header, got, c.want)
		}
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key shows %q", got)
	}
}
