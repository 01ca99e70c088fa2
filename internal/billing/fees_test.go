package billing_test

import (
	"math/rand/v2"
	"testing"

	"atelier/internal/billing"
	"atelier/internal/money"
)

// The buyer's fees have one reading: the order's, on its total. An order
// paid in milestones pays what it would pay at once (the audit found 100.00
// in three milestones charged 14.49 instead of 5.50, and 0.20 in three
// quoted 9.01), and an hourly week pays the percentage only.
func TestFeesAreTheOrders(t *testing.T) {
	s := &billing.Service{Config: billing.DefaultConfig()}
	usd := func(a int64) money.Money { return money.New(a, "USD") }
	fees := func(qs ...billing.Quote) (n int64) {
		for _, q := range qs {
			n += q.ServiceFee.Amount + q.SmallOrderFee.Amount
		}
		return n
	}
	for _, c := range []struct {
		parts []int64
		want  int64
	}{
		{[]int64{3333, 3333, 3334}, 550},     // 100.00: 5.5%, not a small order
		{[]int64{7, 7, 6}, 301},              // 0.20: 0.01 and the small-order fee once
		{[]int64{5000, 4999}, 550 + 300},     // 99.99: a small order
		{[]int64{10, 10, 1}, 301},            // running roundings never go negative
		{[]int64{6000, 24000}, 1650},         // 300.00
		{[]int64{100_000_000_00}, 550000000}, // the cap
	} {
		amounts := make([]money.Money, len(c.parts))
		var sum int64
		for i, p := range c.parts {
			amounts[i], sum = usd(p), sum+p
		}
		parts := s.Parts(amounts)
		if got := fees(parts...); got != c.want || got != fees(s.Quote(usd(sum))) {
			t.Errorf("%v: fees %d, want %d (at once: %d)", c.parts, got, c.want, fees(s.Quote(usd(sum))))
		}
		for i, q := range parts {
			if q.ServiceFee.Amount < 0 || q.Total.Amount != q.Subtotal.Amount+q.ServiceFee.Amount+q.SmallOrderFee.Amount ||
				(i > 0 && q.SmallOrderFee.Amount != 0) {
				t.Errorf("%v: part %d quoted %+v", c.parts, i, q)
			}
		}
	}
	// Any split of any total pays the fees of the whole.
	rnd := rand.New(rand.NewPCG(7, 11))
	for range 2000 {
		n := 1 + rnd.IntN(8)
		amounts := make([]money.Money, n)
		var sum int64
		for i := range amounts {
			a := 1 + rnd.Int64N(50000)
			amounts[i], sum = usd(a), sum+a
		}
		if got, want := fees(s.Parts(amounts)...), fees(s.Quote(usd(sum))); got != want {
			t.Fatalf("%v: fees %d, at once %d", amounts, got, want)
		}
	}
	// A week of an hourly contract is not a small order.
	if w := s.Week(usd(5000)); w.ServiceFee.Amount != 275 || w.SmallOrderFee.Amount != 0 || w.Total.Amount != 5275 {
		t.Errorf("a week of 50.00: %+v", w)
	}
}
