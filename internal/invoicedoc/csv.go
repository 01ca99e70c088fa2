package invoicedoc

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"atelier/internal/billing"
	"atelier/internal/i18n"
	"atelier/internal/money"
)

// CSV writes invs as a spreadsheet: a header row in lang, then one row per
// invoice or credit note. Values are for machines as much as people: dates
// in ISO 8601, the kind as its code, amounts as plain decimals ("1234.56")
// in the invoice's currency, whatever the language; a credit note's are
// negative, so a column's sum is what was charged less what was refunded.
// The last columns are what a VAT return needs: the rate (a percentage),
// the buyer's country and VAT number (a reverse-charge sale's proof).
func CSV(w io.Writer, invs []billing.Invoice, lang string) error {
	cw := csv.NewWriter(w)
	head := []string{"invoice.number", "invoice.issued", "invoice.csv.kind", "invoice.csv.buyer",
		"invoice.subtotal", "invoice.fees", "invoice.vat", "invoice.total", "invoice.csv.currency",
		"invoice.csv.vat_rate", "invoice.csv.buyer_country", "invoice.csv.buyer_vat_id"}
	for i, k := range head {
		head[i] = i18n.T(lang, k)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, inv := range invs {
		sign := int64(1)
		if inv.Kind == billing.KindCreditNote {
			sign = -1
		}
		amount := func(m money.Money) string { return decimal(money.New(sign*m.Amount, m.Currency)) }
		row := []string{
			text(inv.Number),
			inv.IssuedAt.UTC().Format("2006-01-02"),
			text(inv.Kind),
			text(inv.Buyer.Name),
			amount(inv.Subtotal),
			amount(inv.Fees),
			amount(inv.VAT),
			amount(inv.Total),
			inv.Total.Currency,
			strconv.FormatFloat(float64(inv.VATRate)/100, 'f', -1, 64),
			text(inv.Buyer.Country),
			text(inv.Buyer.VATID),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// decimal writes minor units as a decimal number: 123456 → "1234.56". Every
// currency Atelier accepts has two minor digits.
func decimal(m money.Money) string {
	sign, a := "", m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
}

// text neutralises a cell a spreadsheet would run as a formula (a buyer
// named "=HYPERLINK(…)"), by the usual leading apostrophe.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
