package payments

import (
	"context"
	"errors"
	"testing"

	"atelier/internal/errs"
	"atelier/internal/money"
)

func TestTestProviderCharges(t *testing.T) {
	p := NewTest()
	ctx := context.Background()
	var _ Provider = p

	card, err := p.SaveCard(ctx, "tok_visa")
	if err != nil {
		t.Fatalf("SaveCard(tok_visa): %v", err)
	}
	if card.Brand != "visa" || card.Last4 != "4242" || card.Ref == "" {
		t.Errorf("card = %+v", card)
	}
	ref, err := p.Charge(ctx, card.Ref, money.New(2000, "USD"), "key-1", "Order 1")
	if err != nil || ref == "" {
		t.Fatalf("Charge(tok_visa) = %q, %v", ref, err)
	}
	if err := p.Refund(ctx, ref, money.New(500, "USD"), "key-1"); err != nil {
		t.Errorf("Refund: %v", err)
	}
	if po, err := p.Payout(ctx, money.New(500, "USD"), "w-1", "Withdrawal"); err != nil || po == "" {
		t.Errorf("Payout = %q, %v", po, err)
	}
}

func TestTestProviderDeclines(t *testing.T) {
	p := NewTest()
	ctx := context.Background()
	card, err := p.SaveCard(ctx, "tok_chargeDeclined")
	if err != nil {
		t.Fatalf("SaveCard(tok_chargeDeclined): %v", err)
	}
	_, err = p.Charge(ctx, card.Ref, money.New(2000, "USD"), "key-1", "")
	if !errors.Is(err, ErrDeclined) {
		t.Fatalf("charge on a declining card: err = %v, want ErrDeclined", err)
	}
	if e, ok := errs.As(err); !ok || e.Code != "card_declined" {
		t.Errorf("declined charge is %v, want an *errs.Error card_declined", err)
	}
}

func TestTestProviderRefusesUnknownToken(t *testing.T) {
	_, err := NewTest().SaveCard(context.Background(), "tok_nope")
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.KindInvalid || e.Field != "token" {
		t.Fatalf("SaveCard(tok_nope): err = %v, want an invalid-field error on token", err)
	}
}

func TestTestProviderIdempotency(t *testing.T) {
	p := NewTest()
	ctx := context.Background()
	card, _ := p.SaveCard(ctx, "tok_visa")
	a, err := p.Charge(ctx, card.Ref, money.New(2000, "USD"), "same-key", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Charge(ctx, card.Ref, money.New(2000, "USD"), "same-key", "")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("same idempotency key charged twice: %q then %q", a, b)
	}
	c, _ := p.Charge(ctx, card.Ref, money.New(2000, "USD"), "other-key", "")
	if c == a {
		t.Errorf("a different key returned the same charge %q", c)
	}
}
