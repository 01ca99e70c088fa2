package catalog_test

import (
	"net/url"
	"testing"
	"unicode/utf8"

	"atelier/internal/catalog"
	"atelier/internal/errs"
	"atelier/internal/page"
)

// FuzzParseSearch reads arbitrary query strings as a search: it never
// panics, refuses with a field-level error, and what it accepts is within
// the bounds the queries rely on. go test runs the seeds; to search longer:
//
//	go test -run '^$' -fuzz FuzzParseSearch -fuzztime 1m ./internal/catalog/
func FuzzParseSearch(f *testing.F) {
	for _, seed := range []string{
		"", "q=logo", "q=logo+design&category=design&sort=price_asc&min_price=1000&max_price=5000&currency=eur",
		"min_rating=4.5&pro=true&max_delivery_days=7&limit=20&cursor=bzoyMA", "min_rating=NaN", "min_rating=-0",
		"min_price=-1", "max_price=99999999999999999999", "cursor=%ff%fe", "cursor=bzotMQ", "q=%00%3Cscript%3E",
		"sort=random", "pro=maybe", "limit=0", "max_delivery_days=366", "q=" + string(make([]byte, 300)),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		s, err := catalog.ParseSearch(v)
		if err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("%q: a refusal that is not an errs.Error: %v", raw, err)
			}
			return
		}
		if utf8.RuneCountInString(s.Q) > 200 || s.MinPrice < 0 || s.MaxPrice < 0 ||
			(s.MinPrice > 0 && s.MaxPrice > 0 && s.MinPrice > s.MaxPrice) ||
			s.MinRating < 0 || s.MinRating > 500 || s.MaxDeliveryDays < 0 || s.MaxDeliveryDays > 365 ||
			s.Offset < 0 || s.Offset > 10000 || s.Limit < 1 || s.Limit > page.MaxLimit {
			t.Fatalf("%q: accepted out of bounds: %+v", raw, s)
		}
	})
}
