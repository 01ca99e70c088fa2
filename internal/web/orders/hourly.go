package orders

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"atelier/internal/errs"
	"atelier/internal/httpx"
	"atelier/internal/orders"
	"atelier/internal/orders/hourly"
	"atelier/internal/users"
	"atelier/internal/web/site"
)

// Hourly contracts on the order page (PRODUCT.md §6, rules.md "Hourly
// contracts"): the contract's state, rate, limits and money; the
// freelancer's weekly report form — the seven days of a week, Monday to
// Sunday, each with its hours and what was done; the weekly review that
// both sides read and where the client disputes a charged week; and the
// controls: pause, resume, end (after a confirmation page), the weekly
// limit and the retry of a failed charge. The domain decides every rule;
// the page only disables what cannot be sent (days to come, days outside
// the contract) so nobody types hours that will be refused.

const dayLayout = "2006-01-02"

// IsHourly tells whether the order is an hourly contract.
func (d orderData) IsHourly() bool { return d.Order.Kind == orders.KindHourly && d.Order.Hourly != nil }

// CanSeeInvoices: the people of the account who read invoices.
func (d orderData) CanSeeInvoices() bool { return d.Order.Can(orders.ActSeeInvoices) }

// hourlyPart is what the order page of an hourly contract adds: the week
// the report form shows, its days, and the reports as the review lists
// them.
type hourlyPart struct {
	Now       time.Time
	Week      time.Time    // the Monday of the week in the form
	Weeks     []weekChoice // the weeks the freelancer may still report
	Days      []dayRow
	Limit     int                  // the limit of the week in the form
	Report    *orders.WeeklyReport // that week's report, when filed
	CanReport bool                 // the freelancer's form shows
	Reports   []reportView         // newest week first
	ThisWeek  *orders.WeeklyReport // the current week's report, if any
	// Typed is the total of a refused form's hours, shown against the
	// limit; TypedShown tells whether there is one.
	Typed      float64
	TypedShown bool
	RetryKey   string
}

// weekChoice is a week the form can show.
type weekChoice struct {
	Start    time.Time
	Current  bool // this week (else last week)
	Selected bool
}

// End is the week's Sunday.
func (w weekChoice) End() time.Time { return w.Start.AddDate(0, 0, 6) }

// dayRow is one day of the report form.
type dayRow struct {
	Index      int
	Date       time.Time
	Hours      string
	Note       string
	Off        string // why the day cannot be reported: a message key, or ""
	DayError   string
	HoursError string
	NoteError  string
}

// reportView is a weekly report as the review shows it.
type reportView struct {
	orders.WeeklyReport
	Start      time.Time
	CanDispute bool
}

// WeekEnd is the report's Sunday.
func (r reportView) WeekEnd() time.Time { return r.Start.AddDate(0, 0, 6) }

// EditUntil is when the week's report locks and is charged.
func (h *hourlyPart) EditUntil() time.Time {
	return h.Week.AddDate(0, 0, 7).Add(orders.ChargeAfterWeek)
}

// WeekEnd is the Sunday of the week in the form.
func (h *hourlyPart) WeekEnd() time.Time { return h.Week.AddDate(0, 0, 6) }

// ThisWeekPercent is how much of this week's limit is reported, for the
// progress bar.
func (d orderData) ThisWeekPercent() int {
	h := d.Order.Hourly
	if h == nil || d.Hourly == nil || d.Hourly.ThisWeek == nil || h.WeeklyLimitHours == 0 {
		return 0
	}
	return min(100, d.Hourly.ThisWeek.Minutes*100/(h.WeeklyLimitHours*60))
}

// ThisWeekStart is the Monday of the current week.
func (d orderData) ThisWeekStart() time.Time { return d.Order.Hourly.ThisWeek() }

// ThisWeekHours is what this week's report holds so far, in hours.
func (d orderData) ThisWeekHours() float64 {
	if d.Hourly == nil || d.Hourly.ThisWeek == nil {
		return 0
	}
	return d.Hourly.ThisWeek.Hours
}

// NextMonday is when a cut of the limit applies.
func (d orderData) NextMonday() time.Time { return d.ThisWeekStart().AddDate(0, 0, 7) }

// CanPause, CanResume, CanEnd: either side, on a running contract.
func (d orderData) CanPause() bool  { return d.Order.Can(orders.ActPause) }
func (d orderData) CanResume() bool { return d.Order.Can(orders.ActResume) }
func (d orderData) CanEnd() bool    { return d.Order.Can(orders.ActEnd) }

// CanSetLimit: the client's side, while the contract runs.
func (d orderData) CanSetLimit() bool { return d.Order.Can(orders.ActSetLimit) }

// CanRetry: the client's side of a suspended contract.
func (d orderData) CanRetry() bool { return d.Order.Can(orders.ActRetryCharge) }

// LimitCut tells whether next week's limit is lower than this week's.
func (d orderData) LimitCut() bool {
	h := d.Order.Hourly
	return h != nil && h.NextWeekLimitHours != h.WeeklyLimitHours
}

// offKeys words why a day of the report form takes no hours.
var offKeys = map[string]string{
	"day_in_future":    "hourly.report.off_future",
	"day_before_start": "hourly.report.off_before_start",
	"day_after_end":    "hourly.report.off_ended",
	"day_while_paused": "hourly.report.off_paused",
}

// hourlyFor builds the hourly part of the order page for a viewer; week
// is the week asked for (?week= or the posted form's), f the refused form.
func (s *pages) hourlyFor(r *http.Request, u users.User, d *orderData, week string, f *site.Form) error {
	o := d.Order
	h := o.Hourly
	now := s.DB.Clock.Now().UTC()
	p := &hourlyPart{Now: now, RetryKey: site.NewFormKey()}
	for i := len(h.Reports) - 1; i >= 0; i-- {
		rep := h.Reports[i]
		p.Reports = append(p.Reports, reportView{WeeklyReport: rep, Start: rep.Start(),
			CanDispute: rep.Can(orders.ActDispute)})
		if rep.WeekStart == h.CurrentWeekStart {
			p.ThisWeek = &h.Reports[i]
		}
	}
	d.Hourly = p

	// The weeks still open to a report, and their days: the domain's
	// (orders.ReportWeeks), as FileReport applies them.
	open := orders.ReportWeeks(o, now)
	if !d.Freelancer() || len(open) == 0 {
		return nil
	}
	chosen := open[0] // this week first
	for _, w := range open {
		if w.Start.Format(dayLayout) == week {
			chosen = w
		}
	}
	p.Week = chosen.Start
	for _, w := range open {
		p.Weeks = append(p.Weeks, weekChoice{Start: w.Start, Current: w.Current, Selected: w.Start.Equal(chosen.Start)})
	}
	ws := p.Week.Format(dayLayout)
	for i := range h.Reports {
		if h.Reports[i].WeekStart == ws {
			p.Report = &h.Reports[i]
		}
	}
	limit, err := s.Hourly.LimitOf(r.Context(), o, p.Week)
	if err != nil {
		return err
	}
	p.Limit, p.CanReport = limit, true

	posted := f != nil && f.Values.Get("form") == "report" && f.Values.Get("week_start") == ws
	saved := map[string]orders.ReportDay{}
	if p.Report != nil {
		for _, x := range p.Report.Days {
			saved[x.Date] = x
		}
	}
	for i, day := range chosen.Days {
		row := dayRow{Index: i, Date: day.Date, Off: offKeys[day.Refusal]}
		n := strconv.Itoa(i)
		if posted {
			row.Hours, row.Note = f.Values.Get("hours."+n), f.Values.Get("note."+n)
			row.DayError, row.HoursError, row.NoteError = f.Errors["day."+n], f.Errors["hours."+n], f.Errors["note."+n]
			if x, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(row.Hours), ",", ".", 1), 64); err == nil && x > 0 {
				p.Typed += x
				p.TypedShown = true
			}
		} else if x, ok := saved[day.Date.Format(dayLayout)]; ok {
			row.Hours, row.Note = site.HoursText(httpx.Lang(r), x.Hours), x.Note
		}
		p.Days = append(p.Days, row)
	}
	return nil
}

// reportDayField matches the domain's field of a report day: "days.2.hours".
var reportDayField = regexp.MustCompile(`^days\.(\d+)\.(date|hours|note)$`)

// ReportInput reads the weekly report form: the days with hours or a
// note, in order; rows[i] is the form row of the report's day i. Hours
// typed with a comma (7,5) are read as decimals. It is exported for the
// fuzz test of the pages' parsers (internal/web: FuzzReportHours).
func ReportInput(r *http.Request) (hourly.NewReport, []int, error) {
	in := hourly.NewReport{WeekStart: r.PostFormValue("week_start")}
	ws, err := time.Parse(dayLayout, strings.TrimSpace(in.WeekStart))
	if err != nil {
		return in, nil, errs.Invalid("week_start", "week_start_invalid")
	}
	var rows []int
	for i := range 7 {
		n := strconv.Itoa(i)
		hours, note := strings.TrimSpace(r.PostFormValue("hours."+n)), strings.TrimSpace(r.PostFormValue("note."+n))
		if (hours == "" || hours == "0") && note == "" {
			continue
		}
		day := hourly.NewReportDay{Date: ws.AddDate(0, 0, i).Format(dayLayout), Note: note}
		if hours != "" {
			x, err := strconv.ParseFloat(strings.Replace(hours, ",", ".", 1), 64)
			if err != nil {
				return in, rows, errs.Invalid("hours."+n, "hours_invalid")
			}
			day.Hours = x
		}
		in.Days = append(in.Days, day)
		rows = append(rows, i)
	}
	return in, rows, nil
}

// reportFormError puts a refusal about the report's day i on the form row
// it came from; one about the week's total stays on "days"; anything else
// is an alert.
func reportFormError(f *site.Form, rows []int) {
	moved := map[string]string{}
	fields := []string{"days"}
	for name, msg := range f.Errors {
		if m := reportDayField.FindStringSubmatch(name); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(rows) {
				kind := m[2]
				if kind == "date" {
					kind = "day"
				}
				name = kind + "." + strconv.Itoa(rows[i])
			}
		}
		if strings.HasPrefix(name, "hours.") || strings.HasPrefix(name, "note.") || strings.HasPrefix(name, "day.") {
			fields = append(fields, name)
		}
		moved[name] = msg
	}
	f.Errors = moved
	site.AlertUnless(f, fields...)
}

// fileReport posts the weekly report form: the whole week, replacing what
// was filed for it.
func (s *pages) fileReport(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	var rows []int
	redo := func(f *site.Form, status int) error {
		reportFormError(f, rows)
		return s.showOrder(w, r, u, f, status)
	}
	in, rows, err := ReportInput(r)
	if err == nil {
		_, err = s.Hourly.FileReport(r.Context(), u, r.PathValue("order"), in)
	}
	if err != nil {
		return site.ShowAgain(err, redo)
	}
	s.Done(w, r, orderPath(r.PathValue("order"))+"?week="+url.QueryEscape(in.WeekStart)+"#weekly-report", "flash.hourly_report_filed")
	return nil
}

// disputeReport contests a charged week, once the client ticked the box
// that says what a dispute does.
func (s *pages) disputeReport(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	return s.orderAction(w, r, u, "flash.hourly_disputed", func() error {
		if r.PostFormValue("confirm") == "" {
			return errs.Invalid("confirm", "dispute_unconfirmed")
		}
		_, err := s.Hourly.DisputeReport(r.Context(), u, r.PathValue("order"), r.PathValue("report"), r.PostFormValue("reason"))
		return err
	})
}

func (s *pages) pauseHourly(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.hourly_paused", func() error {
		_, err := s.Hourly.PauseHourly(r.Context(), u, r.PathValue("order"))
		return err
	})
}

func (s *pages) resumeHourly(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.hourly_resumed", func() error {
		_, err := s.Hourly.ResumeHourly(r.Context(), u, r.PathValue("order"))
		return err
	})
}

// endHourlyPage asks before ending a contract: it says what still
// happens (the last week is reported, charged and released as usual).
func (s *pages) endHourlyPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.confirmPage(w, r, u, orderData.CanEnd, "hourly_end", "hourly.end.title")
}

func (s *pages) endHourly(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.orderAction(w, r, u, "flash.hourly_ended", func() error {
		_, err := s.Hourly.EndHourly(r.Context(), u, r.PathValue("order"))
		return err
	})
}

// setWeeklyLimit changes the weekly limit; the flash says from when.
func (s *pages) setWeeklyLimit(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	var before, after orders.Order
	var hours int
	err := func() error {
		var err error
		hours, err = site.WholeNumber("weekly_limit_hours", r.PostFormValue("weekly_limit_hours"))
		if err != nil {
			return err
		}
		if before, err = s.Orders.Get(r.Context(), u, r.PathValue("order")); err != nil {
			return err
		}
		after, err = s.Hourly.SetWeeklyLimit(r.Context(), u, r.PathValue("order"), hours)
		return err
	}()
	if err != nil {
		return site.ShowAgain(err, func(f *site.Form, status int) error { return s.showOrder(w, r, u, f, status) })
	}
	flash := "flash.hourly_limit_now"
	if after.Hourly.LimitAwaitingApproval == hours {
		s.Done(w, r, orderPath(r.PathValue("order")), "flash.spend_awaiting_approval")
		return nil
	}
	if before.Hourly != nil && after.Hourly.WeeklyLimitHours == before.Hourly.WeeklyLimitHours && after.Hourly.NextWeekLimitHours != after.Hourly.WeeklyLimitHours {
		flash = "flash.hourly_limit_next_week"
	}
	s.Done(w, r, orderPath(r.PathValue("order")), flash, "hours", strconv.Itoa(after.Hourly.NextWeekLimitHours))
	return nil
}

// retryCharge pays the due weeks of a suspended contract, once per form.
func (s *pages) retryCharge(w http.ResponseWriter, r *http.Request, u users.User) error {
	r.ParseForm()
	key := r.PostFormValue("idempotency_key")
	repeat, err := s.Once(r, u, key, func() error {
		_, err := s.Hourly.RetryHourlyCharge(r.Context(), u, r.PathValue("order"), key)
		return err
	})
	if err != nil {
		// The card's refusal names the payment method: an alert here.
		return site.ShowAgain(err, func(f *site.Form, status int) error {
			site.AlertUnless(f)
			return s.showOrder(w, r, u, f, status)
		})
	}
	flash := "flash.hourly_retried"
	if repeat {
		flash = "flash.milestone_approve_repeated"
	}
	s.Done(w, r, orderPath(r.PathValue("order")), flash)
	return nil
}
