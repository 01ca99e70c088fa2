package money

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzFormat writes any amount in both languages: it never panics, and the
// digits shown are exactly the amount's, with its sign. go test runs the
// seeds; to search longer:
//
//	go test -run '^$' -fuzz FuzzFormat -fuzztime 1m ./internal/money/
func FuzzFormat(f *testing.F) {
	for _, a := range []int64{0, 1, -1, 5, 99, 100, 123456, -123456, 1<<63 - 1, -1 << 63} {
		f.Add(a, "EUR", "fr")
		f.Add(a, "USD", "en")
	}
	f.Add(int64(250), "XYZ", "en")
	f.Fuzz(func(t *testing.T, amount int64, currency, lang string) {
		m := New(amount, currency)
		for _, s := range []string{m.Format(lang), m.String()} {
			var digits strings.Builder
			for _, r := range strings.TrimSuffix(s, currency) {
				if r >= '0' && r <= '9' {
					digits.WriteRune(r)
				}
			}
			want := strconv.FormatUint(magnitude(amount), 10)
			for len(want) < 3 {
				want = "0" + want
			}
			if digits.String() != want || strings.HasPrefix(s, "-") != (amount < 0) {
				t.Fatalf("%d %s %s: %q shows %s", amount, currency, lang, s, digits.String())
			}
		}
	})
}
