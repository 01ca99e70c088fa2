// Package money holds the Money value: an integer amount of minor units and
// an ISO 4217 currency code. There are no floats anywhere near money.
package money

import (
	"fmt"
	"slices"
	"strings"
)

// Money is an amount in minor units (cents) of a currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Currencies Atelier accepts, with the number of minor-unit digits.
var currencies = map[string]int{"USD": 2, "EUR": 2, "GBP": 2}

// DefaultCurrency is used when an account does not choose one.
const DefaultCurrency = "USD"

// Decimals is how many minor-unit digits code has (2 for an unknown code).
func Decimals(code string) int {
	if d, ok := currencies[code]; ok {
		return d
	}
	return 2
}

// Codes are the supported currencies' codes, sorted.
func Codes() []string {
	list := make([]string, 0, len(currencies))
	for c := range currencies {
		list = append(list, c)
	}
	slices.Sort(list)
	return list
}

// ValidCurrency reports whether code is a supported currency.
func ValidCurrency(code string) bool {
	_, ok := currencies[code]
	return ok
}

// New returns an amount of a currency.
func New(amount int64, currency string) Money { return Money{Amount: amount, Currency: currency} }

// MaxAmount is the largest amount Atelier accepts for anything bought — a
// price, a package times its quantity, a milestone offer's sum, a week of
// hours — in minor units: one hundred million. Kept far below int64's
// range, no sum of a few of them can overflow.
const MaxAmount = 100_000_000_00

// String formats the amount in a neutral way, e.g. "12.50 USD".
func (m Money) String() string {
	sign := ""
	if m.Amount < 0 {
		sign = "-"
	}
	a := magnitude(m.Amount)
	return fmt.Sprintf("%s%d.%02d %s", sign, a/100, a%100, m.Currency)
}

// magnitude is |a| without overflow: -a of the smallest int64 is itself.
func magnitude(a int64) uint64 {
	if a < 0 {
		return uint64(-(a + 1)) + 1
	}
	return uint64(a)
}

// Format renders m for people in a language: "$1,234.56" style for English
// and "1 234,56 €" for French (with no-break spaces, so it never wraps).
func (m Money) Format(lang string) string {
	sign := ""
	if m.Amount < 0 {
		sign = "-"
	}
	a := magnitude(m.Amount)
	units, cents := a/100, a%100
	if strings.HasPrefix(lang, "fr") {
		return fmt.Sprintf("%s%s,%02d\u00a0%s", sign, group(units, "\u202f"), cents, symbol(m.Currency))
	}
	sym := symbol(m.Currency)
	if sym == m.Currency {
		return fmt.Sprintf("%s%s.%02d %s", sign, group(units, ","), cents, sym)
	}
	return fmt.Sprintf("%s%s%s.%02d", sign, sym, group(units, ","), cents)
}

func symbol(c string) string {
	switch c {
	case "USD":
		return "$"
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	}
	return c
}

func group(n uint64, sep string) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
