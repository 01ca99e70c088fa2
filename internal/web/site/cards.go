package site

import (
	"strings"

	"atelier/internal/billing"
)

// Cards as the pages name them, on the billing pages and in the audit log.

// CardLabel names a card the way the pages show it: "Visa •••• 4242".
func CardLabel(m billing.PaymentMethod) string {
	return brandName(m.Brand) + " •••• " + m.Last4
}

// CardText writes a card as the billing pages do, from what the domain
// recorded: "visa 4242" or "visa •••• 4242" become "Visa •••• 4242".
func CardText(s string) string {
	f := strings.Fields(s)
	if len(f) < 2 {
		return s
	}
	return brandName(f[0]) + " •••• " + f[len(f)-1]
}
