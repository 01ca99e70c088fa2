package billing

import (
	"time"

	"atelier/internal/money"
)

// Invoice is the record of one charge: a deposit, an order, a milestone, a
// week of hourly work, or a fee. Issued by Atelier (the issuer) to a
// business account, numbered without gaps per issuer, and never changed
// once issued: it keeps copies of both parties' details as they were.
type Invoice struct {
	ID        string      `json:"id"`
	Number    string      `json:"number"` // e.g. "ATL-000123": the issuer's prefix and sequence
	Seq       int64       `json:"seq"`    // the sequence number alone: 1, 2, 3… per issuer
	Issuer    string      `json:"issuer"`
	AccountID string      `json:"account_id"`
	Kind      string      `json:"kind"` // deposit, order, milestone, hourly, fee; credit_note
	Ref       string      `json:"ref"`  // what was charged: the deposit, order… id
	IssuedAt  time.Time   `json:"issued_at"`
	Seller    Party       `json:"seller"`
	Buyer     Party       `json:"buyer"`
	Lines     []Line      `json:"lines"`
	Subtotal  money.Money `json:"subtotal"`
	Fees      money.Money `json:"fees"`     // the buyer's service fee and small-order fee
	VATRate   int         `json:"vat_rate"` // basis points: 2000 = 20%
	VAT       money.Money `json:"vat"`
	// VATMention is the catalog key of why the VAT is what it is (reverse
	// charge, outside the EU, not applicable), decided when it was issued.
	VATMention string      `json:"vat_mention,omitempty"`
	Total      money.Money `json:"total"`
	PaidWith   string      `json:"paid_with"` // "visa •••• 4242", "account balance"
	// A credit note's: the numbers of the invoices it corrects, and why
	// (a code: cancellation, partial_refund, …).
	Corrects []string `json:"corrects,omitempty"`
	Reason   string   `json:"reason,omitempty"`
}

// Party is one side of an invoice, as printed on it.
type Party struct {
	Name    string `json:"name"`
	Address string `json:"address"` // may hold several lines
	Country string `json:"country"`
	VATID   string `json:"vat_id"`
	Email   string `json:"email"`
	// Legal is the seller's registration as French invoices print it: its
	// form and share capital, RCS and SIREN ("SAS au capital de 10 000 € ·
	// RCS Paris 123 456 789"); empty for a buyer.
	Legal string `json:"legal,omitempty"`
}

// Line is one line of an invoice: a service, a fee, a deposit.
type Line struct {
	Description string `json:"description"` // as issued, in English
	// Label, when set, words the line in its reader's language: the
	// translation "invoice.line.<label>" filled with Args (see invoicedoc).
	Label     string            `json:"label,omitempty"`
	Args      map[string]string `json:"args,omitempty"`
	Quantity  int               `json:"quantity"`
	UnitPrice money.Money       `json:"unit_price"`
	Amount    money.Money       `json:"amount"`
	VATRate   int               `json:"vat_rate,omitempty"` // a credit note's line: the corrected invoice's rate
}
