package invoicedoc

import (
	"testing"

	"atelier/internal/billing"
)

func TestLineTextInBothLanguages(t *testing.T) {
	week := billing.Line{Description: "Support — week of 2026-11-23: 9.5 h × $50.00", Label: "hourly_week",
		Args: map[string]string{"title": "Support", "week": "2026-11-23", "hours": "9.5", "rate": "5000 USD"}}
	deposit := billing.Line{Description: "Deposit to the account balance", Label: "deposit"}
	service := billing.Line{Description: "Logo design — Premium"}
	for _, c := range []struct {
		lang string
		l    billing.Line
		want string
	}{
		{"en", week, "Support — week of Nov 23, 2026: 9.5 h × $50.00"},
		{"fr", week, "Support — semaine du 23 nov. 2026 : 9,5 h × 50,00\u00a0$"},
		{"fr", deposit, "Dépôt sur le solde du compte"},
		{"fr", service, "Logo design — Premium"},
	} {
		if got := LineText(c.lang, c.l); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
}
