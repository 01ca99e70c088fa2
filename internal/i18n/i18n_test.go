package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// Every error code the code can return has a message in the catalog.
func TestEveryErrorCodeHasAMessage(t *testing.T) {
	re := regexp.MustCompile(`errs\.(?:Invalid\([^,]+, |NotFound\(|Forbidden\(|Conflict\(|Malformed\()"([a-z_]+)"|Code: "([a-z_]+)"`)
	found := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			code := m[1] + m[2]
			found++
			if !Has("error." + code) {
				t.Errorf("%s: error code %q has no message error.%s in en.json", path, code, code)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Fatalf("found only %d error codes: the pattern no longer matches the code", found)
	}
}
