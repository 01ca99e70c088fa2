package money

import "testing"

func TestFormat(t *testing.T) {
	cases := []struct {
		m    Money
		lang string
		want string
	}{
		{New(123456, "USD"), "en", "$1,234.56"},
		{New(123456, "EUR"), "fr", "1\u202f234,56\u00a0€"},
		{New(5, "USD"), "en", "$0.05"},
		{New(-2000, "EUR"), "en", "-€20.00"},
		{New(100000000, "USD"), "en", "$1,000,000.00"},
	}
	for _, c := range cases {
		if got := c.m.Format(c.lang); got != c.want {
			t.Errorf("%v.Format(%q) = %q, want %q", c.m, c.lang, got, c.want)
		}
	}
	if got := New(1250, "USD").String(); got != "12.50 USD" {
		t.Errorf("String = %q", got)
	}
}
