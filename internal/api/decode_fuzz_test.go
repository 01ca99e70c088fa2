package api

import (
	"bytes"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"atelier/internal/httpx"
	"atelier/internal/orders/hourly"
)

// FuzzDecodeText feeds any bytes to the API's body decoder: it never
// panics, and what it accepts holds no text PostgreSQL would refuse (a NUL,
// or bad bytes turned into U+FFFD), however deep in the body it was.
func FuzzDecodeText(f *testing.F) {
	for _, seed := range []string{
		`{"week_start":"2026-11-30","days":[{"date":"2026-11-30","hours":8,"note":"API"}]}`,
		`{"week_start":"2026-11-30","days":[{"date":"2026-11-30","hours":8,"note":"a\u0000b"}]}`,
		"{\"week_start\":\"caf\xff\"}",
		`{"days":[{"note":"\ud800"}]}`,
		`null`, ``, `[]`, `{"days":null}`, `{"week_start":"\uFFFD"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := &call{r: httptest.NewRequest("POST", "/", bytes.NewReader(body))}
		v, err := decode[hourly.NewReport](c, false)
		if err != nil {
			return
		}
		var walk func(reflect.Value)
		walk = func(x reflect.Value) {
			switch x.Kind() {
			case reflect.String:
				s := x.String()
				if httpx.BadText(s) || (!utf8.Valid(body) && strings.ContainsRune(s, utf8.RuneError)) {
					t.Fatalf("accepted %q from %q", s, body)
				}
			case reflect.Slice:
				for i := range x.Len() {
					walk(x.Index(i))
				}
			case reflect.Struct:
				for i := range x.NumField() {
					walk(x.Field(i))
				}
			}
		}
		walk(reflect.ValueOf(v))
	})
}
