package hourly

import (
	"math"
	"testing"
	"time"

	"atelier/internal/errs"
	"atelier/internal/orders"
)

// FuzzCheckDays checks a weekly report day with any hours and note: nothing
// panics, refusals are errs.Errors, and an accepted day is 15 to 1,440
// minutes in quarter hours, inside the week. go test runs the seeds; to
// search longer:
//
//	go test -run '^$' -fuzz FuzzCheckDays -fuzztime 1m ./internal/orders/hourly/
func FuzzCheckDays(f *testing.F) {
	for _, h := range []float64{7.5, 0.25, 24, 24.25, 0, -1, 0.1, 1e300, math.NaN(), math.Inf(1), 1.0000000001} {
		f.Add(h, "Design work", 0)
	}
	f.Add(8.0, "", 6)
	f.Add(8.0, "x", 7)
	ws := orders.WeekStart(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	f.Fuzz(func(t *testing.T, hours float64, note string, day int) {
		date := ws.AddDate(0, 0, day%10).Format(orders.DayLayout)
		days, total, err := checkDays(ws, []NewReportDay{{Date: date, Hours: hours, Note: note}})
		if err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("%v: refusal %v", hours, err)
			}
			return
		}
		m := days[0].minutes
		if len(days) != 1 || m < 15 || m > 24*60 || m%15 != 0 || total != m || math.Abs(hours*60-float64(m)) > 1e-6 {
			t.Fatalf("%v hours accepted as %d minutes (total %d)", hours, m, total)
		}
		if days[0].date.Before(ws) || !days[0].date.Before(ws.AddDate(0, 0, 7)) {
			t.Fatalf("day %s outside the week of %s", days[0].date, ws)
		}
	})
}
