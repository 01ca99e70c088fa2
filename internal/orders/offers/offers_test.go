package offers

import (
	"strings"
	"testing"

	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/orders"
)

// An offer's terms are checked before anything is read or written: each
// bad input is refused with its code and field, a good one gives its price
// and delivery days.
func TestOfferTerms(t *testing.T) {
	t.Parallel()
	usd := func(a int64) *money.Money { m := money.New(a, "USD"); return &m }
	ms := func(amounts ...int64) []OfferMilestone {
		var out []OfferMilestone
		for _, a := range amounts {
			out = append(out, OfferMilestone{Title: "Stage", Amount: *usd(a), DeliveryDays: 3})
		}
		return out
	}
	const max = 1_000_000
	for _, c := range []struct {
		name        string
		in          NewOffer
		field, code string
		price       int64
		days        int
	}{
		{"a fixed price", NewOffer{Kind: orders.KindFixed, Title: " Logo ", Price: usd(50_000), DeliveryDays: 7}, "", "", 50_000, 7},
		{"no title", NewOffer{Kind: orders.KindFixed, Title: "  ", Price: usd(50_000), DeliveryDays: 7}, "title", "required", 0, 0},
		{"negative revisions", NewOffer{Kind: orders.KindFixed, Title: "Logo", Price: usd(1), DeliveryDays: 1, Revisions: -1}, "revisions", "revisions_invalid", 0, 0},
		{"no price", NewOffer{Kind: orders.KindFixed, Title: "Logo", DeliveryDays: 7}, "price", "required", 0, 0},
		{"a price in euros", NewOffer{Kind: orders.KindFixed, Title: "Logo", Price: &money.Money{Amount: 100, Currency: "EUR"}, DeliveryDays: 7}, "price", "currency_mismatch", 0, 0},
		{"a price of 0", NewOffer{Kind: orders.KindFixed, Title: "Logo", Price: usd(0), DeliveryDays: 7}, "price", "amount_not_positive", 0, 0},
		{"a price too large", NewOffer{Kind: orders.KindFixed, Title: "Logo", Price: usd(max + 1), DeliveryDays: 7}, "price", "amount_too_large", 0, 0},
		{"no delivery days", NewOffer{Kind: orders.KindFixed, Title: "Logo", Price: usd(100)}, "delivery_days", "", 0, 0},
		{"two milestones", NewOffer{Kind: orders.KindMilestones, Title: "Site", Milestones: ms(10_000, 20_000)}, "", "", 30_000, 6},
		{"one milestone", NewOffer{Kind: orders.KindMilestones, Title: "Site", Milestones: ms(10_000)}, "milestones", "milestones_too_few", 0, 0},
		{"milestones past the maximum together", NewOffer{Kind: orders.KindMilestones, Title: "Site", Milestones: ms(max, 1)}, "milestones", "amount_too_large", 0, 0},
		{"a price that is not their sum", NewOffer{Kind: orders.KindMilestones, Title: "Site", Milestones: ms(100, 200), Price: usd(250)}, "price", "price_not_milestones_sum", 0, 0},
		{"a milestone without a title", NewOffer{Kind: orders.KindMilestones, Title: "Site", Milestones: []OfferMilestone{{Amount: *usd(1), DeliveryDays: 1}, {Title: "B", Amount: *usd(1), DeliveryDays: 1}}}, "milestones.0.title", "required", 0, 0},
		{"an unknown kind", NewOffer{Kind: "barter", Title: "Logo"}, "kind", "offer_kind_invalid", 0, 0},
	} {
		in := c.in
		price, days, err := in.terms("USD", max)
		if c.field == "" {
			if err != nil || price != c.price || days != c.days {
				t.Errorf("%s: %d, %d days, %v; want %d, %d days", c.name, price, days, err, c.price, c.days)
			}
			if in.Title != strings.TrimSpace(c.in.Title) {
				t.Errorf("%s: title %q not trimmed", c.name, in.Title)
			}
			continue
		}
		e, ok := errs.As(err)
		if !ok || e.Field != c.field || (c.code != "" && e.Code != c.code) {
			t.Errorf("%s: %v, want %s on %s", c.name, err, c.code, c.field)
		}
	}
}
