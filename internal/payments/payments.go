// Package payments talks to payment providers: it saves a card for later
// charges, charges it, refunds a charge, and pays money out. Everything
// else about money — balances, escrow, fees, invoices — is the ledger's and
// billing's business; a provider only moves money between Atelier and the
// outside world.
//
// Two providers implement the interface: Test (the default, built in, no
// network) and Stripe (stripe-go, tested against stripe-mock).
package payments

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"atelier/internal/errs"
	"atelier/internal/money"
)

// Card is a saved card, as the provider knows it.
type Card struct {
	Ref      string `json:"-"` // the provider's id for it
	Brand    string `json:"brand"`
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
}

// Provider moves money between Atelier and cards or bank accounts.
type Provider interface {
	// Name is "test" or "stripe".
	Name() string
	// SaveCard turns a client-side token (e.g. "tok_visa") into a card that
	// can be charged later. A token the provider refuses is an
	// *errs.Error on the field "token".
	SaveCard(ctx context.Context, token string) (Card, error)
	// Charge takes amount from a saved card. The idempotency key makes a
	// retried call charge once. A declined card is an *errs.Error
	// ("card_declined"); other failures are plain errors.
	Charge(ctx context.Context, card string, amount money.Money, idempotencyKey, description string) (chargeRef string, err error)
	// Refund gives back all or part of a charge.
	Refund(ctx context.Context, chargeRef string, amount money.Money, idempotencyKey string) error
	// Payout sends a freelancer's withdrawal to their bank account.
	Payout(ctx context.Context, amount money.Money, idempotencyKey, description string) (payoutRef string, err error)
}

// ErrDeclined is the refusal of a card by its bank.
var ErrDeclined = errs.Invalid("payment_method_id", "card_declined")

// Test is the built-in provider. Tokens follow Stripe's test tokens:
// tok_visa and tok_mastercard save cards that work; tok_chargeDeclined saves
// a card whose charges are declined; anything else is refused.
type Test struct {
	mu      sync.Mutex
	charges map[string]string // idempotency key → charge ref
	n       int
}

// NewTest returns the test provider.
func NewTest() *Test { return &Test{charges: map[string]string{}} }

// Name implements Provider.
func (*Test) Name() string { return "test" }

var testCards = map[string]Card{
	"tok_visa":           {Ref: "card_test_visa", Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2034},
	"tok_mastercard":     {Ref: "card_test_mastercard", Brand: "mastercard", Last4: "4444", ExpMonth: 12, ExpYear: 2034},
	"tok_chargeDeclined": {Ref: "card_test_declined", Brand: "visa", Last4: "0002", ExpMonth: 12, ExpYear: 2034},
}

// SaveCard implements Provider.
func (*Test) SaveCard(ctx context.Context, token string) (Card, error) {
	c, ok := testCards[strings.TrimSpace(token)]
	if !ok {
		return Card{}, errs.Invalid("token", "card_token_invalid")
	}
	return c, nil
}

// Charge implements Provider.
func (t *Test) Charge(ctx context.Context, card string, amount money.Money, key, description string) (string, error) {
	if card == "card_test_declined" {
		return "", ErrDeclined
	}
	if _, ok := testCards["tok_"+strings.TrimPrefix(card, "card_test_")]; !ok {
		return "", fmt.Errorf("test provider: unknown card %q", card)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if ref, ok := t.charges[key]; ok && key != "" {
		return ref, nil
	}
	t.n++
	ref := fmt.Sprintf("ch_test_%d", t.n)
	if key != "" {
		t.charges[key] = ref
	}
	return ref, nil
}

// Refund implements Provider.
func (*Test) Refund(ctx context.Context, chargeRef string, amount money.Money, key string) error {
	if !strings.HasPrefix(chargeRef, "ch_test_") {
		return fmt.Errorf("test provider: unknown charge %q", chargeRef)
	}
	return nil
}

// Payout implements Provider.
func (t *Test) Payout(ctx context.Context, amount money.Money, key, description string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	return fmt.Sprintf("po_test_%d", t.n), nil
}
