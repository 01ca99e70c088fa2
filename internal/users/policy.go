package users

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"atelier/internal/errs"
)

// The password policy, in the manner of NIST SP 800-63B (5.1.1.2): long
// enough, checked against passwords known to be breached and against the
// person's own details, and nothing else — no composition rules (a digit,
// a capital…), which make passwords harder to remember and no harder to
// guess, and no expiry.
const (
	MinPassword = 12  // characters (runes)
	MaxPassword = 200 // at least 64, as the guideline asks
)

//go:embed breached.txt
var breachedList string

// breached holds the common breached passwords of MinPassword characters
// or more (shorter ones are refused by length), lower-cased.
var breached = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(breachedList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}()

// CheckPassword refuses a password that is too short or too long, only
// spaces, one character repeated, a known breached password, or the
// person's own e-mail address or name.
func CheckPassword(p, email, name string) error { return policyRefusal("password", p, email, name) }

// policyRefusal is CheckPassword for the form field named field.
func policyRefusal(field, p, email, name string) error {
	n := utf8.RuneCountInString(p)
	switch {
	case n < MinPassword:
		return errs.Invalid(field, "password_too_short").With("min", MinPassword)
	case n > MaxPassword:
		return errs.Invalid(field, "password_too_long").With("max", MaxPassword)
	case strings.TrimFunc(p, unicode.IsSpace) == "":
		return errs.Invalid(field, "password_blank")
	}
	lower := strings.ToLower(strings.TrimSpace(p))
	first, _ := utf8.DecodeRuneInString(lower)
	switch {
	case strings.Trim(lower, string(first)) == "":
		return errs.Invalid(field, "password_common")
	case breached[lower]:
		return errs.Invalid(field, "password_common")
	case lower == strings.ToLower(email) || (name != "" && lower == strings.ToLower(strings.TrimSpace(name))):
		return errs.Invalid(field, "password_personal")
	}
	return nil
}
