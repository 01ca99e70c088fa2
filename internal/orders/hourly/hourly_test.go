package hourly

import (
	"atelier/internal/orders"
	"testing"
	"time"
)

// Weeks start on Monday 00:00 UTC; a week is charged on Monday 12:00 after
// it and disputable until the first Friday 23:59:59 at least 4 days later.
func TestHourlyWeekTimes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"2026-11-23T00:00:00Z": "2026-11-23T00:00:00Z", // a Monday
		"2026-11-29T23:59:59Z": "2026-11-23T00:00:00Z", // its Sunday
		"2026-11-30T00:00:00Z": "2026-11-30T00:00:00Z",
		"2026-11-27T15:04:05Z": "2026-11-23T00:00:00Z", // a Friday
	} {
		if got := orders.WeekStart(at(in)); !got.Equal(at(want)) {
			t.Errorf("WeekStart(%s) = %s, want %s", in, got, want)
		}
	}
	if got := orders.ChargeAt(at("2026-11-23T00:00:00Z")); !got.Equal(at("2026-11-30T12:00:00Z")) {
		t.Errorf("chargeAt = %s", got)
	}
	for in, want := range map[string]string{
		"2026-11-30T12:00:00Z": "2026-12-04T23:59:59Z", // the Monday charge: that Friday
		"2026-12-01T10:00:00Z": "2026-12-11T23:59:59Z", // a late retry: the next Friday
		"2026-11-30T19:59:59Z": "2026-12-04T23:59:59Z",
	} {
		if got := disputeUntil(at(in)); !got.Equal(at(want)) {
			t.Errorf("disputeUntil(%s) = %s, want %s", in, got, want)
		}
	}
}

// Hours are quarter hours above 0 and at most 24, stored as minutes.
func TestReportDays(t *testing.T) {
	t.Parallel()
	ws := at("2026-11-23T00:00:00Z")
	days, total, err := checkDays(ws, []NewReportDay{{Date: "2026-11-23", Hours: 7.75, Note: "x"}, {Date: "2026-11-24", Hours: 0.25, Note: "y"}})
	if err != nil || total != 480 || days[0].minutes != 465 {
		t.Fatalf("days %v total %d err %v", days, total, err)
	}
	for _, bad := range []float64{0, -1, 24.25, 1.1, 0.2} {
		if _, _, err := checkDays(ws, []NewReportDay{{Date: "2026-11-23", Hours: bad, Note: "x"}}); err == nil {
			t.Errorf("%v hours accepted", bad)
		}
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
