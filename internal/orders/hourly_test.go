package orders

import (
	"fmt"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The weeks a freelancer may report and the days that take hours: this
// week and last week until Monday 12:00 UTC, never before the contract or
// after its end, never a charged week, nothing while suspended or on an
// order that is not running; within a week, no day in the future, before
// the start, after the end or while paused. FileReport refuses the same
// days with the same codes (dayRefusal).
func TestReportWeeks(t *testing.T) {
	t.Parallel()
	mon, lastMon := at("2026-11-30T00:00:00Z"), at("2026-11-23T00:00:00Z")
	contract := func(edit func(o *Order)) Order {
		o := Order{Kind: KindHourly, Status: Active, Hourly: &Hourly{state: ContractActive, startedAt: at("2026-11-10T09:00:00Z")}}
		if edit != nil {
			edit(&o)
		}
		return o
	}
	type week struct {
		start time.Time
		off   string // each day's refusal, as one letter: . open, f future, b before start, e after end, p paused
	}
	for _, c := range []struct {
		name string
		o    Order
		now  string
		want []week
	}{
		{"Monday morning: this week and last week", contract(nil), "2026-11-30T09:00:00Z",
			[]week{{mon, ".ffffff"}, {lastMon, "......."}}},
		{"Monday noon: last week is charged", contract(nil), "2026-11-30T12:00:00Z", []week{{mon, ".ffffff"}}},
		{"Thursday", contract(nil), "2026-12-03T15:00:00Z", []week{{mon, "....fff"}}},
		{"started last Wednesday", contract(func(o *Order) { o.Hourly.startedAt = at("2026-11-25T16:00:00Z") }), "2026-11-30T08:00:00Z",
			[]week{{mon, ".ffffff"}, {lastMon, "bb....."}}},
		{"started this Tuesday: last week is before it", contract(func(o *Order) { o.Hourly.startedAt = at("2026-12-01T10:00:00Z") }), "2026-11-30T08:00:00Z",
			[]week{{mon, "bffffff"}}},
		{"ended last Friday", contract(func(o *Order) {
			o.Hourly.state, o.Hourly.EndedAt = ContractEnded, at("2026-11-27T18:00:00Z")
		}), "2026-11-30T08:00:00Z", []week{{lastMon, ".....ee"}}},
		{"paused last Saturday", contract(func(o *Order) {
			o.Hourly.state, o.Hourly.PausedAt = ContractPaused, at("2026-11-28T10:00:00Z")
		}), "2026-11-30T08:00:00Z", []week{{mon, "pffffff"}, {lastMon, "......p"}}},
		{"last week's report charged", contract(func(o *Order) {
			o.Hourly.Reports = []WeeklyReport{{WeekStart: "2026-11-23", Status: ReportCharged}}
		}), "2026-11-30T09:00:00Z", []week{{mon, ".ffffff"}}},
		{"a draft stays open", contract(func(o *Order) {
			o.Hourly.Reports = []WeeklyReport{{WeekStart: "2026-11-23", Status: ReportDraft}}
		}), "2026-11-30T09:00:00Z", []week{{mon, ".ffffff"}, {lastMon, "......."}}},
		{"suspended", contract(func(o *Order) { o.Hourly.SuspendedAt = at("2026-11-30T12:00:00Z") }), "2026-12-01T09:00:00Z", nil},
		{"cancelled", contract(func(o *Order) { o.Status = Cancelled }), "2026-12-01T09:00:00Z", nil},
		{"waiting for approval", contract(func(o *Order) { o.Status = PendingApproval }), "2026-12-01T09:00:00Z", nil},
	} {
		got := ReportWeeks(c.o, at(c.now))
		var gotW []week
		for _, w := range got {
			off := ""
			for _, d := range w.Days {
				off += map[string]string{"": ".", "day_in_future": "f", "day_before_start": "b", "day_after_end": "e", "day_while_paused": "p"}[d.Refusal]
			}
			gotW = append(gotW, week{w.Start, off})
			if w.Current != w.Start.Equal(WeekStart(at(c.now))) {
				t.Errorf("%s: week %s Current %v", c.name, w.Start.Format(DayLayout), w.Current)
			}
		}
		if fmt.Sprint(gotW) != fmt.Sprint(c.want) {
			t.Errorf("%s: weeks %v, want %v", c.name, gotW, c.want)
		}
	}
}
