package billing

import "strings"

// VAT. Atelier is the merchant of record, established in its seller's
// country (France by default). Every invoice is issued at 0% today; what a
// 0% invoice must say depends on the buyer: another EU business with a VAT
// number accounts for the VAT itself (reverse charge), a business outside
// the EU is outside its scope, anyone else reads "VAT not applicable".

// Mention is the catalog key of the sentence a 0% invoice or credit note
// carries: the one issued with it, or, for a document issued before it
// was kept, the one its parties give.
func (inv Invoice) Mention() string {
	if inv.VATMention != "" {
		return inv.VATMention
	}
	return vatMention(inv.Seller, inv.Buyer)
}

// vatMention chooses the catalog key of the sentence a 0% invoice must
// carry, from the countries (ISO 3166 alpha-2 codes) and VAT number printed
// on it — the one place this is decided: the PDF and the page both read it
// (Invoice.Mention).
func vatMention(seller, buyer Party) string {
	sc, bc := countryCode(seller.Country), countryCode(buyer.Country)
	switch {
	case eu[bc] && buyer.VATID != "" && bc != sc:
		return "invoice.vat_reverse_charge"
	case bc != "" && !eu[bc]:
		return "invoice.vat_outside_eu"
	}
	return "invoice.vat_not_applicable"
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
