package resolutions

import (
	"strings"
	"testing"

	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/orders"
)

// A request is checked on its own before any order is read: its message
// (a cancellation's reason), and what its kind asks for.
func TestRequestCheck(t *testing.T) {
	t.Parallel()
	usd := func(a int64) *money.Money { m := money.New(a, "USD"); return &m }
	for _, c := range []struct {
		name      string
		in        NewRequest
		field     string // "" when accepted
		code, msg string
	}{
		{"a cancellation with its reason", NewRequest{Kind: orders.RequestCancel, Reason: "  No longer needed "}, "", "", "No longer needed"},
		{"a cancellation without one", NewRequest{Kind: orders.RequestCancel}, "reason", "required", ""},
		{"an escalation", NewRequest{Kind: orders.RequestEscalate, Message: "Help"}, "", "", "Help"},
		{"a message too long", NewRequest{Kind: orders.RequestEscalate, Message: strings.Repeat("x", 10001)}, "message", "too_long", ""},
		{"an extension of a day", NewRequest{Kind: orders.RequestExtendDelivery, Message: "More time", Days: 1}, "", "", "More time"},
		{"an extension of the most days", NewRequest{Kind: orders.RequestExtendDelivery, Message: "x", Days: orders.MaxExtendDays}, "", "", "x"},
		{"an extension of no day", NewRequest{Kind: orders.RequestExtendDelivery, Message: "x"}, "days", "extend_days_invalid", ""},
		{"an extension too long", NewRequest{Kind: orders.RequestExtendDelivery, Message: "x", Days: orders.MaxExtendDays + 1}, "days", "extend_days_invalid", ""},
		{"a new scope", NewRequest{Kind: orders.RequestChangeScope, Message: "x", Price: usd(100)}, "", "", "x"},
		{"a new scope without a price", NewRequest{Kind: orders.RequestChangeScope, Message: "x"}, "price", "amount_not_positive", ""},
		{"a new scope at zero", NewRequest{Kind: orders.RequestChangeScope, Message: "x", Price: usd(0)}, "price", "amount_not_positive", ""},
		{"a partial refund", NewRequest{Kind: orders.RequestPartialRefund, Message: "x", Amount: usd(1)}, "", "", "x"},
		{"a negative refund", NewRequest{Kind: orders.RequestPartialRefund, Message: "x", Amount: usd(-5)}, "amount", "amount_not_positive", ""},
		{"an unknown kind", NewRequest{Kind: "bribe", Message: "x"}, "kind", "request_kind_invalid", ""},
	} {
		msg, err := c.in.check()
		if c.field == "" {
			if err != nil || msg != c.msg {
				t.Errorf("%s: %q, %v; want %q accepted", c.name, msg, err, c.msg)
			}
			continue
		}
		e, ok := errs.As(err)
		if !ok || e.Field != c.field || e.Code != c.code {
			t.Errorf("%s: %v, want %s on %s", c.name, err, c.code, c.field)
		}
	}
}
