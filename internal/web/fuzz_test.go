package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/errs"
	"atelier/internal/web/orders"
	"atelier/internal/web/site"
)

// The fuzz targets of the pages' parsers live here, at ./internal/web, where
// the CI fuzzes them (.ci/run), though what they read is in the site and
// orders packages.

// FuzzParseAmount reads anything a person may type in an amount field: it
// never panics, refuses with the field's error, and what it accepts reads
// back the same when written plainly. go test runs the seeds; to search
// longer:
//
//	go test -run '^$' -fuzz FuzzParseAmount -fuzztime 1m ./internal/web/
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"", "250", "250.00", "1,250.50", "1 250,50", "1\u202f250,50 €", "$12.5", "-3", "1.2.3",
		"9999999999999.99", "99999999999999", ".5", "5.", ",", "1,2345", "0x10", "１２", "12 EUR", "--1", "1e3", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := site.ParseAmount("limit", s, "EUR", "en")
		if err != nil {
			if e, ok := errs.As(err); !ok || e.Field != "limit" {
				t.Fatalf("%q: refusal %v", s, err)
			}
			return
		}
		if m == nil {
			return
		}
		if m.Currency != "EUR" || m.Amount > 1e15 || m.Amount < -1e15 {
			t.Fatalf("%q: accepted %+v", s, m)
		}
		a, sign := m.Amount, ""
		if a < 0 {
			a, sign = -a, "-"
		}
		plain := fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
		again, err := site.ParseAmount("limit", plain, "EUR", "en")
		if err != nil || again == nil || *again != *m {
			t.Fatalf("%q read as %+v, but %q reads as %+v, %v", s, m, plain, again, err)
		}
	})
}

// FuzzReportHours posts anything in a weekly report's hours field, as the
// form does: nothing panics, a refusal names the row's field, and what is
// read is a number the domain then checks (orders.FuzzCheckDays).
//
//	go test -run '^$' -fuzz FuzzReportHours -fuzztime 1m ./internal/web/
func FuzzReportHours(f *testing.F) {
	for _, s := range []string{"7.5", "7,5", "0", "0.25", "24", "24.25", "-1", "NaN", "Inf", "1e400", "0x1p-2", "7,5,5", " 8 ", "1_000"} {
		f.Add(s, "Design work")
	}
	f.Fuzz(func(t *testing.T, hours, note string) {
		form := url.Values{"week_start": {"2026-11-23"}, "hours.0": {hours}, "note.0": {note}}
		r, _ := http.NewRequest("POST", "/", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_, _, err := orders.ReportInput(r)
		if err != nil {
			if e, ok := errs.As(err); !ok || e.Field != "hours.0" {
				t.Fatalf("%q: refusal %v", hours, err)
			}
		}
	})
}
