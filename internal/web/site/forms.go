package site

import (
	"regexp"
	"strconv"
	"strings"

	"atelier/internal/catalog"
	"atelier/internal/errs"
	"atelier/internal/money"
)

// Reading what people type in forms: amounts in the page's language,
// counts and quantities, and where a refusal is shown.

// ParseAmount reads an amount as a person types it on a page in lang,
// into minor units of currency: in English "1,250.50" (a comma groups
// three digits, the point is the decimal point); in French "1 250,50" (a
// space, no-break or narrow no-break space groups; the comma is the
// decimal one, and a point is read as one too when there is no comma, as
// numeric keypads type it). Spaces group in either language. A group that
// is not three digits, or more decimals than the currency has, is refused,
// never guessed: "12.345" is not 12,345.00, and "0.001" not 1.00. Empty is
// nil. A negative amount is passed on for the domain to refuse.
func ParseAmount(field, s, currency, lang string) (*money.Money, error) {
	s = strings.TrimSpace(s)
	for _, sym := range []string{currency, "$", "€", "£"} {
		if sym != "" {
			s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, sym), sym))
		}
	}
	if s == "" {
		return nil, nil
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	point := "."
	if lang == "fr" && strings.Contains(s, ",") {
		point = ","
	}
	units, frac, hasPoint := strings.Cut(s, point)
	bad := errs.Invalid(field, "amount_invalid")
	if hasPoint && strings.Contains(frac, point) {
		return nil, bad // two decimal points
	}
	// Split the units at each grouping character, keeping empty groups:
	// "1,,234", ",5" and "1, " are no numbers either.
	isGroup := func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' || (lang != "fr" && r == ',') }
	var groups []string
	var g strings.Builder
	for _, r := range units {
		if isGroup(r) {
			groups = append(groups, g.String())
			g.Reset()
			continue
		}
		g.WriteRune(r)
	}
	groups = append(groups, g.String())
	for i, g := range groups {
		if g == "" || (i > 0 && len(g) != 3) || (len(groups) > 1 && len(g) > 3) {
			return nil, bad // "1,2,3" or "12,34" is no number
		}
	}
	units = strings.Join(groups, "")
	if units == "" || len(units) > 13 || !digits(units) || !digits(frac) {
		return nil, bad
	}
	decimals := money.Decimals(currency)
	if len(frac) > decimals {
		return nil, errs.Invalid(field, "amount_too_precise").With("decimals", decimals)
	}
	for len(frac) < decimals {
		frac += "0"
	}
	u, _ := strconv.ParseInt(units, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	scale := int64(1)
	for range decimals {
		scale *= 10
	}
	amount := u*scale + f
	if neg {
		amount = -amount
	}
	return &money.Money{Amount: amount, Currency: currency}, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// AmountText writes an amount the way the form reads it back: "250.00".
func AmountText(m *money.Money) string {
	if m == nil {
		return ""
	}
	a := m.Amount
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return sign + strconv.FormatInt(a/100, 10) + "." + strconv.FormatInt(a%100/10, 10) + strconv.FormatInt(a%10, 10)
}

// RequiredAmount reads an amount that must be typed; an empty one is
// passed on as zero, for the domain to refuse.
func RequiredAmount(field, s, currency, lang string) (money.Money, error) {
	m, err := ParseAmount(field, s, currency, lang)
	if err != nil || m == nil {
		return money.New(0, currency), err
	}
	return *m, nil
}

// AlertUnless moves the error of a field the page has no input for into
// the page's alert, so no refusal goes unseen.
func AlertUnless(f *Form, fields ...string) {
	for name, msg := range f.Errors {
		known := false
		for _, k := range fields {
			if k == name {
				known = true
			}
		}
		if !known {
			f.Alert = msg
			delete(f.Errors, name)
		}
	}
}

// RowErrors puts the refusals about a form's repeated rows (packages,
// milestones) on the rows they came from. field matches the name of such
// a refusal: its first group is the row's number among the rows sent to
// the domain, its second the field; rows[i] is the form's row the i-th
// came from, and name writes the name of a field of a form's row. It
// returns the names it wrote, for AlertUnless with the form's other
// fields.
func RowErrors(f *Form, rows []int, field *regexp.Regexp, name func(row int, field string) string) []string {
	moved := map[string]string{}
	var fields []string
	for n, msg := range f.Errors {
		if m := field.FindStringSubmatch(n); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(rows) {
				n = name(rows[i], m[2])
			}
			fields = append(fields, n)
		}
		moved[n] = msg
	}
	f.Errors = moved
	return fields
}

// FormatInt groups the digits of a count for the language: "1,234" or
// "1 234" (with a narrow no-break space).
func FormatInt(lang string, n int64) string {
	sep := ","
	if lang == "fr" {
		sep = "\u202f"
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// WholeNumber reads a count typed in a form; empty is zero, for the
// catalog to judge.
func WholeNumber(field, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errs.Invalid(field, "number_invalid")
	}
	return n, nil
}

// Quantity reads the typed quantity; one that is not a number gets the
// catalog's own message.
func Quantity(raw string, l catalog.Listing) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, errs.Invalid("quantity", "quantity_invalid").With("max", l.MaxQuantity)
	}
	return n, nil
}

// HoursText writes hours for the language: 7.5, or 7,5 in French.
func HoursText(lang string, h float64) string {
	s := strconv.FormatFloat(h, 'f', -1, 64)
	if lang == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
