package billing_test

import (
	"sync"
	"testing"
	"time"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// The 12 months of the rewards level end to the microsecond, though spend
// is also summed per day; the month chart adds the days of each month; a
// spend moved back in time (the demo's) moves in both.
func TestSpendWindowAndMonths(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		// 2026-03-10 14:00 UTC: mid-day, so the window's first day is cut.
		clk := &fixedClock{at: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}
		f := setupOn(t, e, clk)
		acc, admin, _, _ := f.team(t, "sp")
		spend := func(ref string, amount int64) { t.Helper(); f.recordSpend(t, acc.ID, ref, amount) }
		spend("o1", 60_000)
		clk.set(clk.Now().Add(2 * time.Hour))
		spend("o2", 30_000) // 16:00
		spend("o2", -5_000) // a refund the same day
		level := func() (string, int64) {
			t.Helper()
			r, err := f.bill.Rewards(f.ctx, admin, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			return r.Level, r.Spend12m.Amount
		}
		if l, s := level(); l != "silver" || s != 85_000 {
			t.Fatalf("after 900 USD less a 50 USD refund: %s %d", l, s)
		}
		spend("o3", 20_000) // gold from 1,000 USD
		if l, s := level(); l != "gold" || s != 105_000 {
			t.Fatalf("after 1,050 USD: %s %d", l, s)
		}
		// A year after the first payment, less a microsecond: all of it
		// counts; at the year, the first payment no longer does; two hours
		// later, nothing of that day does.
		first := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			at   time.Time
			want int64
		}{
			{first.Add(365*24*time.Hour - time.Microsecond), 105_000},
			{first.Add(365 * 24 * time.Hour), 45_000},
			{first.Add(365*24*time.Hour + 2*time.Hour), 0},
		} {
			clk.set(c.at)
			if _, s := level(); s != c.want {
				t.Errorf("at %s: spend %d, want %d", c.at, s, c.want)
			}
		}
		// The daily job lowers the level when the year has passed.
		if _, err := f.bill.RecomputeLevels(f.ctx, clk.Now()); err != nil {
			t.Fatal(err)
		}
		if l, _ := level(); l != "silver" {
			t.Errorf("a year later the level is %s", l)
		}

		// The chart: back in March 2026, with o1 moved into February.
		clk.set(time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC))
		if err := f.db.InTx(f.ctx, func(tx *db.Tx) error { return billing.ShiftSpend(f.ctx, tx, "o1", 10*24*time.Hour) }); err != nil {
			t.Fatal(err)
		}
		months, err := f.bill.SpendByMonth(f.ctx, f.db, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, m := range months {
			got[m.Month] = m.Amount.Amount
		}
		if len(months) != 12 || months[11].Month != "2026-03" || got["2026-02"] != 60_000 || got["2026-03"] != 45_000 || got["2026-01"] != 0 {
			t.Fatalf("months %v", got)
		}
	})
}

// fixedClock stands still where the test puts it (clock.Test only goes
// forward from the wall clock).
type fixedClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *fixedClock) set(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// A refund lowers the spend of the payment it refunds, and only while that
// payment is inside the 12-month window: refunding today a payment made 13
// months ago changes neither the level nor this month's spend (the audit
// saw spend drop to 0 and −1,055.00 on the month's chart). An order paid in
// parts gives back from its newest payments first.
func TestRefundCountsInItsPaymentsWindow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		clk := &fixedClock{at: time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)}
		f := setupOn(t, e, clk)
		acc, admin, _, _ := f.team(t, "rw")
		spend := func(ref string, amount int64) { t.Helper(); f.recordSpend(t, acc.ID, ref, amount) }
		check := func(what string, level string, spent int64, month string, inMonth int64) {
			t.Helper()
			r, err := f.bill.Rewards(f.ctx, admin, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			months, err := f.bill.SpendByMonth(f.ctx, f.db, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, m := range months {
				got[m.Month] = m.Amount.Amount
			}
			if r.Level != level || r.Spend12m.Amount != spent || got[month] != inMonth {
				t.Errorf("%s: %s, spend %d, %s %d; want %s, %d, %d", what, r.Level, r.Spend12m.Amount, month, got[month], level, spent, inMonth)
			}
		}
		spend("old", 105_500)
		check("a payment of 1,055.00", "gold", 105_500, "2026-01", 105_500)

		clk.set(time.Date(2027, 2, 15, 10, 0, 0, 0, time.UTC)) // 13 months later
		spend("new", 20_000)
		spend("old", -105_500) // the old order refunded today
		check("a refund of a payment out of the window", "silver", 20_000, "2027-02", 20_000)
		spend("new", -5_000)
		check("a refund of a payment in the window", "silver", 15_000, "2027-02", 15_000)

		// Paid in two parts, a month apart; a refund takes back the newer
		// part first, and what is left of the older one leaves the window
		// with it.
		clk.set(time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC))
		spend("parts", 40_000)
		clk.set(time.Date(2027, 4, 1, 10, 0, 0, 0, time.UTC))
		spend("parts", 30_000)
		spend("parts", -50_000) // 30,000 from April, 20,000 from March
		check("a refund of two parts", "silver", 15_000+20_000, "2027-04", 0)
		check("the older part", "silver", 35_000, "2027-03", 20_000)
		spend("parts", -20_000) // the rest: from March
		check("the rest", "silver", 15_000, "2027-03", 0)
	})
}

// recordSpend records a payment of amount USD cents by the account, as
// ref, in a transaction of its own.
func (f *fixture) recordSpend(t *testing.T, accountID, ref string, amount int64) {
	t.Helper()
	if err := f.db.InTx(f.ctx, func(tx *db.Tx) error { return f.bill.RecordSpend(f.ctx, tx, accountID, ref, usd(amount)) }); err != nil {
		t.Fatal(err)
	}
}
