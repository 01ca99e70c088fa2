package users_test

import (
	"strings"
	"testing"

	"atelier/internal/errs"
	"atelier/internal/users"
)

// The password policy: long enough, not blank or one character repeated,
// not a known breached password, not the person's own address or name;
// no composition rules.
func TestCheckPassword(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		password, code string // code "" when accepted
	}{
		{"correct horse", ""},
		{"all lower case words", ""},
		{"éléphant rose", ""},                 // letters beyond ASCII count as one each
		{"elevenchars", "password_too_short"}, // 11
		{"twelve chars", ""},
		{"        ", "password_too_short"},
		{"            ", "password_blank"}, // twelve spaces
		{"\t\t\t\t\t\t\t\t\t\t\t\t", "password_blank"},
		{"aaaaaaaaaaaa", "password_common"},
		{"111111111111", "password_common"},
		{"1qaz2wsx3edc", "password_common"},
		{"QWERTY123456", "password_common"}, // whatever its case
		{"ann@example.com", "password_personal"},
		{"Ann Lovelace!", ""},
		{"ann lovelace", "password_personal"},
		{strings.Repeat("x", 200) + "y", "password_too_long"},
		{strings.Repeat("xy", 100), ""},
	} {
		err := users.CheckPassword(c.password, "ann@example.com", "Ann Lovelace")
		if c.code == "" {
			if err != nil {
				t.Errorf("%q refused: %v", c.password, err)
			}
			continue
		}
		if e, ok := errs.As(err); !ok || e.Code != c.code || e.Field != "password" {
			t.Errorf("%q: %v, want %s", c.password, err, c.code)
		}
	}
}

// Addresses are compared in one form: compatibility forms (full-width
// letters) become the plain ones and the address is lower-cased; an
// address mixing writing systems (a look-alike) is refused.
func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, want, code string
	}{
		{"  Ann@Example.COM ", "ann@example.com", ""},
		{"ａｎｎ@ｅｘａｍｐｌｅ.ｃｏｍ", "ann@example.com", ""},    // full-width
		{"ann@exаmple.com", "", "email_confusable"},   // a Cyrillic а in the domain
		{"newhіre@acme.test", "", "email_confusable"}, // a Cyrillic і
		{"ΑΝΝ@example.com", "ανν@example.com", ""},    // Greek alone is an address of its own
		{"аnn@example.com", "", "email_confusable"},   // Cyrillic а then Latin
		{"élodie@exemple.fr", "élodie@exemple.fr", ""},
		{"ﬁnance@acme.test", "finance@acme.test", ""}, // the ligature ﬁ is f and i
		{"ann.b+orders@acme.test", "ann.b+orders@acme.test", ""},
		{"", "", "email_required"},
		{"ann-at-example", "", "email_invalid"},
		{"ann@localhost", "", "email_invalid"},
	} {
		got, err := users.NormalizeEmail("email", c.in)
		if c.code == "" {
			if err != nil || got != c.want {
				t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if e, ok := errs.As(err); !ok || e.Code != c.code {
			t.Errorf("%q: %q, %v; want %s", c.in, got, err, c.code)
		}
	}
}
