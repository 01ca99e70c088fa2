package invoicedoc

import (
	"strconv"
	"strings"
	"time"

	"atelier/internal/billing"
	"atelier/internal/i18n"
	"atelier/internal/money"
)

// LineText words an invoice line in lang: a line with a label is
// translated ("invoice.line.<label>"), its values written the language's
// way (a week as a date, hours with its decimal mark, a rate "5000 USD" as
// money); any other line is what was issued (a service's title, in the
// words of its seller).
func LineText(lang string, l billing.Line) string {
	if l.Label == "" {
		return l.Description
	}
	args := make([]any, 0, 2*len(l.Args))
	for k, v := range l.Args {
		switch k {
		case "reason": // why a credit note credits
			v = i18n.T(lang, "invoice.credit_reason."+v)
		case "week":
			if t, err := time.Parse("2006-01-02", v); err == nil {
				v = i18n.Day(lang, t)
			}
		case "hours":
			if strings.HasPrefix(lang, "fr") {
				v = strings.ReplaceAll(v, ".", ",")
			}
		case "rate":
			if amount, currency, ok := strings.Cut(v, " "); ok {
				if n, err := strconv.ParseInt(amount, 10, 64); err == nil {
					v = money.New(n, currency).Format(lang)
				}
			}
		}
		args = append(args, k, v)
	}
	return i18n.T(lang, "invoice.line."+l.Label, args...)
}
