package billing

import (
	"context"
	"strings"

	"atelier/internal/db"
	"atelier/internal/money"
)

// VAT. Atelier is the merchant of record of every charge, established in
// its seller's country (France by default, at its standard rate: 20%).
// Each charge — an order, a milestone, a week of hours, a change of scope,
// a management fee — is taxed on what it costs before VAT (the price and
// the buyer's fees), once, when it is charged, by the buyer's billing
// country and VAT number as they are then:
//
//   - a buyer in the seller's country, or whose country is not known: the
//     seller's rate (a domestic sale; the place of supply is the seller's
//     until the buyer shows it is elsewhere);
//   - a business in another EU member state with a VAT number that looks
//     like one of that state: 0%, reverse charge (« Autoliquidation »): the
//     buyer accounts for the VAT;
//   - a buyer in another EU member state without one: the seller's rate;
//   - a buyer outside the EU: 0%, outside the scope of EU VAT;
//   - a seller outside the EU: 0%, VAT not applicable.
//
// A deposit is not a sale: it is a prepayment of the balance (a
// multi-purpose voucher), invoiced at 0%; the orders it pays carry the VAT.
// VAT is money the platform collects for the state: it goes to the
// platform's vat ledger account, never into escrow, and a refund gives
// back the VAT of what it refunds (its credit note's). Spending policies,
// approvals, rewards and spend count amounts before VAT.

// Tax is how a charge to an account is taxed: the buyer as its invoice
// prints them, the VAT rate, and the catalog key of the sentence that
// says why, when the rate is not the seller's standard one.
type Tax struct {
	Buyer   Party
	Rate    int // basis points: 2000 = 20%
	Mention string
}

// On is the VAT on an amount before VAT.
func (t Tax) On(m money.Money) money.Money { return money.New(vatOn(m.Amount, t.Rate), m.Currency) }

// vatOn is the VAT at rate (basis points) on an amount before VAT,
// rounded half up to the cent.
func vatOn(amount int64, rate int) int64 { return (amount*int64(rate) + 5000) / 10000 }

// TaxFor decides how a charge to the account made now is taxed, from its
// billing details.
func (s *Service) TaxFor(ctx context.Context, q db.Queryer, accountID string) (Tax, error) {
	b, err := buyer(ctx, q, accountID)
	if err != nil {
		return Tax{}, err
	}
	rate, mention := s.vat(b)
	return Tax{Buyer: b, Rate: rate, Mention: mention}, nil
}

// prepayment is how a deposit is taxed: not at all, it is not a sale.
func prepayment(b Party) Tax { return Tax{Buyer: b, Mention: "invoice.vat_prepayment"} }

// vat is the rule above: the rate a charge to buyer bears, and why when
// it is not the seller's standard rate.
func (s *Service) vat(buyer Party) (rate int, mention string) {
	sc, bc := countryCode(s.Config.Seller.Country), countryCode(buyer.Country)
	switch {
	case !eu[sc]:
		return 0, "invoice.vat_not_applicable"
	case bc == "" || bc == sc:
		return s.Config.VATRateBP, ""
	case eu[bc] && VATIDLooksValid(bc, buyer.VATID):
		return 0, "invoice.vat_reverse_charge"
	case eu[bc]:
		return s.Config.VATRateBP, ""
	}
	return 0, "invoice.vat_outside_eu"
}

// Mention is the catalog key of the sentence an invoice or credit note
// carries about its VAT: the one issued with it, or, for a 0% document
// issued before it was kept, "VAT not applicable" or the one its parties
// give.
func (inv Invoice) Mention() string {
	if inv.VATMention != "" || inv.VATRate != 0 {
		return inv.VATMention
	}
	sc, bc := countryCode(inv.Seller.Country), countryCode(inv.Buyer.Country)
	switch {
	case eu[bc] && inv.Buyer.VATID != "" && bc != sc:
		return "invoice.vat_reverse_charge"
	case bc != "" && !eu[bc]:
		return "invoice.vat_outside_eu"
	}
	return "invoice.vat_not_applicable"
}

// VATIDLooksValid says whether id looks like a VAT number of the EU member
// state country (ISO 3166 alpha-2): the state's prefix (EL for Greece)
// then 8 to 12 letters and digits, at least two of them digits. Whether
// the number exists is for VIES to say; this catches a number of another
// state or a typing slip.
func VATIDLooksValid(country, id string) bool {
	id = NormalizeVATID(id)
	prefix := country
	if prefix == "GR" {
		prefix = "EL"
	}
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || len(rest) < 8 || len(rest) > 12 {
		return false
	}
	digits := 0
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r < 'A' || r > 'Z':
			return false
		}
	}
	return digits >= 2
}

// NormalizeVATID writes a VAT number as it is compared and printed:
// capitals, without the spaces, dots and dashes people type in it.
func NormalizeVATID(id string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\t':
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(id)))
}

// countryCode reads a country as printed: an alpha-2 code, or one of a few
// names people type in full; anything else is unknown ("").
func countryCode(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if len(c) == 2 {
		return c
	}
	return countryNames[c]
}

// eu lists the member states (Greece's VAT prefix is EL, its ISO code GR).
var eu = map[string]bool{
	"AT": true, "BE": true, "BG": true, "CY": true, "CZ": true, "DE": true, "DK": true,
	"EE": true, "ES": true, "FI": true, "FR": true, "GR": true, "EL": true, "HR": true,
	"HU": true, "IE": true, "IT": true, "LT": true, "LU": true, "LV": true, "MT": true,
	"NL": true, "PL": true, "PT": true, "RO": true, "SE": true, "SI": true, "SK": true,
}

// countryNames maps the country names most likely typed in full instead of
// a code, in English and French, to their codes.
var countryNames = map[string]string{
	"FRANCE": "FR", "GERMANY": "DE", "ALLEMAGNE": "DE", "BELGIUM": "BE", "BELGIQUE": "BE",
	"SPAIN": "ES", "ESPAGNE": "ES", "ITALY": "IT", "ITALIE": "IT", "NETHERLANDS": "NL",
	"PAYS-BAS": "NL", "LUXEMBOURG": "LU", "IRELAND": "IE", "IRLANDE": "IE", "PORTUGAL": "PT",
	"AUSTRIA": "AT", "AUTRICHE": "AT", "UNITED STATES": "US", "ÉTATS-UNIS": "US", "USA": "US",
	"UNITED KINGDOM": "GB", "ROYAUME-UNI": "GB", "SWITZERLAND": "CH", "SUISSE": "CH",
	"CANADA": "CA",
}
