package orders

import "time"

// The weeks a freelancer may still report on an hourly contract, and the
// days of each that take hours: one reading, which FileReport applies to
// what it is sent and the order page shows as its form.

// ReportWeek is a week still open to a report.
type ReportWeek struct {
	Start   time.Time // its Monday, 00:00 UTC
	Current bool      // this week (else last week, until its charge)
	Days    [7]ReportableDay
}

// ReportableDay is a day of an open week: Refusal is "" when hours may be
// reported for it, else the code FileReport refuses it with
// (day_in_future, day_before_start, day_after_end, day_while_paused).
type ReportableDay struct {
	Date    time.Time
	Refusal string
}

// ReportWeeks are the weeks o's freelancer may report at now, this week
// first: this week, and last week until it is charged (Monday 12:00 UTC);
// none before the contract started or after it ended, none whose report
// was charged already, none while the contract is suspended or the order
// is not running.
func ReportWeeks(o Order, now time.Time) []ReportWeek {
	h := o.Hourly
	if HourlyOrder(o) != nil || !h.SuspendedAt.IsZero() {
		return nil
	}
	current := WeekStart(now)
	var weeks []ReportWeek
	for _, ws := range []time.Time{current, current.AddDate(0, 0, -7)} {
		switch {
		case !now.Before(ChargeAt(ws)): // locked: charged, or being charged
			continue
		case DayOf(h.startedAt).After(ws.AddDate(0, 0, 6)): // before the contract
			continue
		case h.state == ContractEnded && DayOf(h.EndedAt).Before(ws): // after its end
			continue
		}
		if r := h.report(ws); r != nil && r.Status != ReportDraft {
			continue
		}
		w := ReportWeek{Start: ws, Current: ws.Equal(current)}
		for i := range w.Days {
			d := ws.AddDate(0, 0, i)
			w.Days[i] = ReportableDay{Date: d, Refusal: DayRefusal(h, d, DayOf(now))}
		}
		weeks = append(weeks, w)
	}
	return weeks
}

// DayRefusal is why no hours may be reported for date on the contract
// today, or "".
func DayRefusal(h *Hourly, date, today time.Time) string {
	switch {
	case date.After(today):
		return "day_in_future"
	case date.Before(DayOf(h.startedAt)):
		return "day_before_start"
	case h.state == ContractEnded && date.After(DayOf(h.EndedAt)):
		return "day_after_end"
	case h.state == ContractPaused && date.After(DayOf(h.PausedAt)):
		return "day_while_paused"
	}
	return ""
}

// report is the contract's report of the week starting ws, if any.
func (h *Hourly) report(ws time.Time) *WeeklyReport {
	key := ws.Format(DayLayout)
	for i := range h.Reports {
		if h.Reports[i].WeekStart == key {
			return &h.Reports[i]
		}
	}
	return nil
}
