package site

import "testing"

// A sign-in's destination never leaves the site, whatever the known tricks
// of open redirects: browsers drop tabs and newlines from a Location, read
// a backslash as a slash, and a proxy may decode %2F.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"":                              "/",
		"/orders/ord_1":                 "/orders/ord_1",
		"/accounts/acc_1/approvals?x=1": "/accounts/acc_1/approvals?x=1",
		"/search?q=logo#results":        "/search?q=logo#results",
		"/\t/evil.example":              "/",
		"/%09/evil.example":             "/",
		"/\n/evil.example":              "/",
		"/\r\n/evil.example":            "/",
		"/\\evil.example":               "/",
		"/\\/evil.example":              "/",
		"\\\\evil.example":              "/",
		"//evil.example":                "/",
		"///evil.example":               "/",
		"/%2F%2Fevil.example":           "/",
		"/%2f/evil.example":             "/",
		"/%5Cevil.example":              "/",
		"https:evil.example":            "/",
		"https://evil.example":          "/",
		"javascript:alert(1)":           "/",
		"evil.example":                  "/",
		"/\x00/evil.example":            "/",
		"/\x7f/evil.example":            "/",
		" /evil":                        "/",
		"/ok#\t//evil":                  "/",
	} {
		if got := SafeNext(next); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
