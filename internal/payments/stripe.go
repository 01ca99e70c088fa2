package payments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"

	"atelier/internal/errs"
	"atelier/internal/money"
)

// Stripe is the real provider, on Stripe's API through stripe-go.
//
// How Atelier's operations map onto Stripe:
//
//   - SaveCard turns the client-side token into a PaymentMethod and creates
//     a Customer that owns it: Stripe only lets a PaymentMethod be charged
//     more than once when it is attached to a Customer. The card's Ref is
//     "cus_…/pm_…", both ids, so a charge needs no extra look-up.
//   - Charge creates and confirms a PaymentIntent in one request
//     (confirm=true, off_session=true: Atelier has no client-side 3-D Secure
//     step, so Stripe must either take the money now or refuse).
//   - Refund creates a Refund on that PaymentIntent.
//   - Payout creates a Payout from the platform's Stripe balance.
//
// Idempotency keys are passed to Stripe as the Idempotency-Key header,
// prefixed with the operation: Stripe refuses a key reused with other
// parameters, and callers may reasonably reuse one key (an order's id) for
// the charge and for its refund.
type Stripe struct {
	sc *stripe.Client
}

// NewStripe returns the Stripe provider for a secret key. baseURL points it
// at another server speaking Stripe's API (stripe-mock in tests); empty
// means Stripe's own API.
func NewStripe(secretKey, baseURL string) *Stripe {
	cfg := &stripe.BackendConfig{
		HTTPClient: &http.Client{Timeout: 80 * time.Second},
		// stripe-go retries network failures and 409s itself, with the
		// same idempotency key, so a retry never charges twice.
		MaxNetworkRetries: stripe.Int64(2),
		LeveledLogger:     slogLogger{},
	}
	if baseURL != "" {
		cfg.URL = stripe.String(strings.TrimRight(baseURL, "/"))
	}
	backends := &stripe.Backends{
		API:         stripe.GetBackendWithConfig(stripe.APIBackend, cfg),
		Connect:     stripe.GetBackendWithConfig(stripe.ConnectBackend, cfg),
		Uploads:     stripe.GetBackendWithConfig(stripe.UploadsBackend, cfg),
		MeterEvents: stripe.GetBackendWithConfig(stripe.MeterEventsBackend, cfg),
	}
	return &Stripe{sc: stripe.NewClient(secretKey, stripe.WithBackends(backends))}
}

// Name implements Provider.
func (*Stripe) Name() string { return "stripe" }

// SaveCard implements Provider.
func (s *Stripe) SaveCard(ctx context.Context, token string) (Card, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Card{}, errs.Invalid("token", "card_token_invalid")
	}
	pm, err := s.sc.V1PaymentMethods.Create(ctx, &stripe.PaymentMethodCreateParams{
		Type: stripe.String(string(stripe.PaymentMethodTypeCard)),
		Card: &stripe.PaymentMethodCreateCardParams{Token: stripe.String(token)},
	})
	if err != nil {
		return Card{}, refusedToken(err)
	}
	cus, err := s.sc.V1Customers.Create(ctx, &stripe.CustomerCreateParams{
		PaymentMethod: stripe.String(pm.ID),
		InvoiceSettings: &stripe.CustomerCreateInvoiceSettingsParams{
			DefaultPaymentMethod: stripe.String(pm.ID),
		},
	})
	if err != nil {
		return Card{}, refusedToken(err)
	}
	c := Card{Ref: cus.ID + "/" + pm.ID}
	if pm.Card != nil {
		c.Brand = string(pm.Card.Brand)
		c.Last4 = pm.Card.Last4
		c.ExpMonth = int(pm.Card.ExpMonth)
		c.ExpYear = int(pm.Card.ExpYear)
	}
	return c, nil
}

// refusedToken maps Stripe's refusal of a token (an unknown or used token,
// a card the bank will not store) to a validation error on "token"; other
// failures stay internal.
func refusedToken(err error) error {
	var se *stripe.Error
	if errors.As(err, &se) && (se.Type == stripe.ErrorTypeCard || se.Type == stripe.ErrorTypeInvalidRequest) {
		return errs.Invalid("token", "card_token_invalid")
	}
	return fmt.Errorf("stripe: save card: %w", err)
}

// Charge implements Provider. The charge ref is the PaymentIntent's id.
func (s *Stripe) Charge(ctx context.Context, card string, amount money.Money, key, description string) (string, error) {
	customer, pm, ok := strings.Cut(card, "/")
	if !ok { // a bare PaymentMethod id, not attached to a customer
		customer, pm = "", card
	}
	p := &stripe.PaymentIntentCreateParams{
		Amount:             stripe.Int64(amount.Amount),
		Currency:           stripe.String(strings.ToLower(amount.Currency)),
		PaymentMethod:      stripe.String(pm),
		PaymentMethodTypes: stripe.StringSlice([]string{"card"}),
		Confirm:            stripe.Bool(true),
		OffSession:         stripe.Bool(true),
	}
	if customer != "" {
		p.Customer = stripe.String(customer)
	}
	if description != "" {
		p.Description = stripe.String(description)
	}
	if key != "" {
		p.SetIdempotencyKey("charge:" + key)
	}
	pi, err := s.sc.V1PaymentIntents.Create(ctx, p)
	if err != nil {
		var se *stripe.Error
		// Every card error is the bank (or Stripe's fraud checks)
		// refusing this card: card_declined with its decline code,
		// expired_card, incorrect_cvc, authentication_required… The
		// person's remedy is the same: use another card.
		if errors.As(err, &se) && se.Type == stripe.ErrorTypeCard {
			return "", ErrDeclined
		}
		return "", fmt.Errorf("stripe: charge: %w", err)
	}
	// A failed confirmation comes back as an error above. A success is
	// "succeeded" (or "processing"); "requires_action" means the bank wants
	// the cardholder to authenticate, which an off-session charge cannot do.
	switch pi.Status {
	case stripe.PaymentIntentStatusRequiresAction:
		return "", ErrDeclined
	case stripe.PaymentIntentStatusCanceled:
		return "", fmt.Errorf("stripe: charge: payment intent %s was canceled", pi.ID)
	}
	return pi.ID, nil
}

// Refund implements Provider.
func (s *Stripe) Refund(ctx context.Context, chargeRef string, amount money.Money, key string) error {
	p := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(chargeRef),
		Amount:        stripe.Int64(amount.Amount),
	}
	if key != "" {
		p.SetIdempotencyKey("refund:" + key)
	}
	if _, err := s.sc.V1Refunds.Create(ctx, p); err != nil {
		return fmt.Errorf("stripe: refund %s: %w", chargeRef, err)
	}
	return nil
}

// Payout implements Provider. It pays from the platform's Stripe balance to
// the platform's default bank account: the Provider interface names no
// destination, so paying a freelancer's own account (Stripe Connect: a
// Transfer to their connected account) needs the interface to carry one.
func (s *Stripe) Payout(ctx context.Context, amount money.Money, key, description string) (string, error) {
	p := &stripe.PayoutCreateParams{
		Amount:   stripe.Int64(amount.Amount),
		Currency: stripe.String(strings.ToLower(amount.Currency)),
	}
	if description != "" {
		p.Description = stripe.String(description)
	}
	if key != "" {
		p.SetIdempotencyKey("payout:" + key)
	}
	po, err := s.sc.V1Payouts.Create(ctx, p)
	if err != nil {
		return "", fmt.Errorf("stripe: payout: %w", err)
	}
	return po.ID, nil
}

// slogLogger sends stripe-go's own log lines to slog, with Atelier's other
// logs, rather than to stderr. Its "request error" lines are Info: the
// error is returned to the caller, which decides whether it is one (a
// declined card is not).
type slogLogger struct{}

func (slogLogger) Debugf(format string, v ...any) {
	slog.Debug(fmt.Sprintf(format, v...), "via", "stripe-go")
}
func (slogLogger) Infof(format string, v ...any) {
	slog.Debug(fmt.Sprintf(format, v...), "via", "stripe-go")
}
func (slogLogger) Warnf(format string, v ...any) {
	slog.Warn(fmt.Sprintf(format, v...), "via", "stripe-go")
}
func (slogLogger) Errorf(format string, v ...any) {
	slog.Info(fmt.Sprintf(format, v...), "via", "stripe-go")
}
