package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/internal/app"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// hourlyShop is a shop whose Fanny is Pro, with an hourly contract that
// Alice accepted (80.00 an hour, 10 hours a week), and the test clock
// moved to the next Monday 00:00 UTC (t0).
type hourlyShop struct {
	*shop
	order string
	t0    time.Time
}

// makePro makes Fanny's profile Pro through the operator's queue.
func (s *shop) makePro(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	op, err := s.a.Users.CreateOperator(ctx, users.NewUser{Name: "Olivia Operator", Email: "olivia@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	approvePro(t, s.a, op, s.fanny, s.service.FreelancerID, "Portfolio.")
}

// approvePro makes a freelancer's profile Pro through the operators'
// queue: its owner u applies with message, the operator approves.
func approvePro(t *testing.T, a *app.App, op, u users.User, freelancerID, message string) {
	t.Helper()
	ctx := context.Background()
	ap, err := a.Catalog.ApplyForPro(ctx, u, freelancerID, message)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Catalog.ApproveProApplication(ctx, op, ap.ID); err != nil {
		t.Fatal(err)
	}
}

// hourlyForm is the offer form as Fanny fills it for an hourly offer.
func (s *shop) hourlyForm(t *testing.T) url.Values {
	t.Helper()
	_, body, _ := s.seller.do("GET", "/offers/new?account="+s.acc.ID, nil)
	return url.Values{"idempotency_key": {formKey.FindStringSubmatch(body)[1]}, "other_account_id": {s.acc.ID}, "rows": {"3"},
		"kind": {"hourly"}, "title": {"Backend work"}, "description": {"Go and SQL."}, "revisions": {"1"},
		"hourly_rate": {"80"}, "weekly_limit_hours": {"10"}}
}

func newHourlyShop(t *testing.T, engine db.Engine) *hourlyShop {
	t.Helper()
	ctx := context.Background()
	s := newShop(t, engine)
	s.makePro(t)
	status, _, h := s.seller.do("POST", "/offers", s.hourlyForm(t))
	m := offerLocation.FindStringSubmatch(h.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("send the hourly offer: %d %q", status, h.Get("Location"))
	}
	o, err := s.a.Offers.AcceptOffer(ctx, s.admin, m[1], "", "")
	if err != nil {
		t.Fatal(err)
	}
	hs := &hourlyShop{shop: s, order: o.ID, t0: clocktest.NextMonday(s.a.Clock.Now())}
	hs.at(t, 0)
	return hs
}

// at moves the test clock to t0 + d and runs the timers that are due.
func (h *hourlyShop) at(t *testing.T, d time.Duration) {
	t.Helper()
	if _, err := h.a.Jobs.Advance(context.Background(), h.t0.Add(d).Sub(h.a.Clock.Now())); err != nil {
		t.Fatal(err)
	}
}

func (h *hourlyShop) page() string { return "/orders/" + h.order }

func (h *hourlyShop) date(n int) string { return h.t0.AddDate(0, 0, n).Format("2006-01-02") }

// week is the report form of the week starting t0 + 7×offset days with
// hours per day from Monday ("" leaves a day empty).
func (h *hourlyShop) week(offset int, hours ...string) url.Values {
	v := url.Values{"form": {"report"}, "week_start": {h.date(7 * offset)}}
	for i, x := range hours {
		if x != "" {
			n := string(rune('0' + i))
			v.Set("hours."+n, x)
			v.Set("note."+n, "API work, day "+n)
		}
	}
	return v
}

const hour = time.Hour
const day = 24 * time.Hour

func TestHourlyOfferIsForProOnlyAndShowsWhatApprovalCounts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		s := newShop(t, engine)
		// Not Pro: hourly is shown disabled, with the reason.
		_, body, _ := s.seller.do("GET", "/offers/new?account="+s.acc.ID, nil)
		if !strings.Contains(body, `id="kind-hourly" disabled`) || strings.Contains(body, `name="hourly_rate"`) {
			t.Fatal("a freelancer who is not Pro can choose hourly")
		}
		has(t, "the offer form", body, i18n.T("en", "offer_form.kind_hourly_pro_only"))
		// A forged post is refused by the domain, on the page.
		status, body, _ := s.seller.do("POST", "/offers", s.hourlyForm(t))
		if status != http.StatusForbidden {
			t.Fatalf("hourly offer from a non-Pro: %d", status)
		}
		has(t, "the refusal", body, i18n.T("en", "error.hourly_pro_only"))

		s.makePro(t)
		_, body, _ = s.seller.do("GET", "/offers/new?account="+s.acc.ID, nil)
		if strings.Contains(body, `id="kind-hourly" disabled`) || !strings.Contains(body, `name="weekly_limit_hours"`) {
			t.Fatal("a Pro freelancer cannot choose hourly")
		}
		// A bad limit lands on its field and sends nothing.
		form := s.hourlyForm(t)
		form.Set("weekly_limit_hours", "200")
		status, body, _ = s.seller.do("POST", "/offers", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-weekly-limit-hours-error">`+html.EscapeString(i18n.T("en", "error.weekly_limit_invalid", "max", 168))) {
			t.Fatalf("bad limit: %d, no inline error", status)
		}
		form.Set("weekly_limit_hours", "10")
		status, _, h := s.seller.do("POST", "/offers", form)
		m := offerLocation.FindStringSubmatch(h.Get("Location"))
		if status != http.StatusSeeOther || m == nil {
			t.Fatalf("send: %d %q", status, h.Get("Location"))
		}
		// Alice sees the rate, the limit and one week at the limit with
		// its fees (800.00 + 44.00), which is what approval counts.
		_, body, _ = s.alice.do("GET", "/offers/"+m[1], nil)
		has(t, "the hourly offer", body, i18n.T("en", "hourly.per_hour", "rate", "$80.00"), i18n.T("en", "hourly.limit_hours", "n", 10),
			"$800.00", i18n.T("en", "offer.hourly_counts", "total", "$844.00"),
			i18n.T("en", "offer.answer.lead_hourly", "rate", "$80.00", "limit", 10))
		status, _, h = s.alice.do("POST", "/offers/"+m[1]+"/accept", url.Values{"idempotency_key": {key(t, body, "/offers/"+m[1]+"/accept")}})
		if status != http.StatusSeeOther || !orderLocation.MatchString(h.Get("Location")) {
			t.Fatalf("accept: %d %q", status, h.Get("Location"))
		}
		_, body, _ = s.alice.do("GET", h.Get("Location"), nil)
		has(t, "the new contract", body, i18n.T("en", "flash.offer_accepted_hourly"), i18n.T("en", "hourly.title"), i18n.T("en", "hourly.state.active"),
			i18n.T("en", "hourly.review.none"))
	})
}

func TestFreelancerFilesAndEditsAWeeklyReport(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		h := newHourlyShop(t, engine)
		h.at(t, 2*day+10*hour) // Wednesday 10:00
		_, body, _ := h.seller.do("GET", h.page(), nil)
		if !strings.Contains(body, `action="/orders/`+h.order+`/weekly-reports"`) {
			t.Fatal("no weekly report form for the freelancer")
		}
		// Monday to Wednesday are open; Thursday to Sunday are to come.
		for i := range 7 {
			n := string(rune('0' + i))
			disabled := strings.Contains(body, `name="hours.`+n+`" type="text" inputmode="decimal" placeholder="0" value="" disabled`)
			if disabled != (i > 2) {
				t.Errorf("day %d disabled: %v", i, disabled)
			}
		}
		if !strings.Contains(body, `id="report-deadline"`) {
			t.Error("the form does not say until when it can change")
		}
		if _, body, _ := h.alice.do("GET", h.page(), nil); strings.Contains(body, `/weekly-reports"`) {
			t.Error("the client is shown the report form")
		}

		// Above the limit: the message is on the week's total; nothing stored.
		status, body, _ := h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "8", "4"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-days-error">`+html.EscapeString(i18n.T("en", "error.weekly_limit_exceeded", "limit", 10))) {
			t.Fatalf("over the limit: %d, no error on the total", status)
		}
		if !strings.Contains(body, `name="hours.1" type="text" inputmode="decimal" placeholder="0" value="4"`) {
			t.Error("the hours typed were lost")
		}
		has(t, "the refused form", body, i18n.T("en", "hourly.report.typed_total", "hours", "12 h", "limit", 10))
		// A day to come (posted anyway) and a bad quarter: each on its row.
		status, body, _ = h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "2", "", "", "", "1"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-day-4-error">`+html.EscapeString(i18n.T("en", "error.day_in_future"))) {
			t.Fatalf("a future day: %d, no error on Friday's row", status)
		}
		status, body, _ = h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "2", "7.3"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-hours-1-error">`+html.EscapeString(i18n.T("en", "error.hours_not_quarter"))) {
			t.Fatalf("not a quarter: %d, no error on Tuesday's row", status)
		}
		noNote := h.week(0, "2")
		noNote.Set("note.0", "")
		status, body, _ = h.seller.do("POST", h.page()+"/weekly-reports", noNote)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-note-0-error">`) {
			t.Fatalf("no note: %d, no error on Monday's note", status)
		}
		var n int
		h.a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM hourly_reports`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d reports after refused forms", n)
		}

		// Filed (a comma is a decimal point too), then prefilled and edited.
		status, _, hd := h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "8", "1,5"))
		if status != http.StatusSeeOther || !strings.HasPrefix(hd.Get("Location"), h.page()+"?week="+h.date(0)) {
			t.Fatalf("file: %d %q", status, hd.Get("Location"))
		}
		_, body, _ = h.seller.do("GET", hd.Get("Location"), nil)
		has(t, "the saved report", body, i18n.T("en", "flash.hourly_report_filed"),
			i18n.T("en", "hourly.report.saved_total", "hours", "9.5 h", "limit", 10), i18n.T("en", "hourly.report.save"))
		if !strings.Contains(body, `name="hours.1" type="text" inputmode="decimal" placeholder="0" value="1.5"`) ||
			!strings.Contains(body, `value="API work, day 1"`) {
			t.Fatal("the form is not prefilled with the saved report")
		}
		if status, _, _ := h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "6", "", "2.25")); status != http.StatusSeeOther {
			t.Fatalf("edit: %d", status)
		}
		rs, err := h.a.Hourly.Reports(context.Background(), h.fanny, h.order)
		if err != nil || len(rs) != 1 || rs[0].Minutes != 495 || len(rs[0].Days) != 2 {
			t.Fatalf("reports after the edit: %+v %v", rs, err)
		}
		// The client reads the draft in the review.
		_, body, _ = h.alice.do("GET", h.page(), nil)
		has(t, "the client's review", body, i18n.T("en", "hourly.report_status.draft"), "8.25 h", "$660.00", "API work, day 2")

		// Next Monday morning both weeks are open; last week's form is
		// the one picked, until 12:00.
		h.at(t, 7*day+9*hour)
		_, body, _ = h.seller.do("GET", h.page()+"?week="+h.date(0), nil)
		if !strings.Contains(body, `id="week-previous"`) || !strings.Contains(body, `name="week_start" value="`+h.date(0)+`"`) {
			t.Fatal("last week cannot be picked on Monday morning")
		}
		h.at(t, 7*day+12*hour+time.Minute)
		_, body, _ = h.seller.do("GET", h.page()+"?week="+h.date(0), nil)
		if strings.Contains(body, `id="week-previous"`) || !strings.Contains(body, `name="week_start" value="`+h.date(7)+`"`) {
			t.Fatal("last week is still offered after Monday 12:00")
		}
		status, body, _ = h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "1"))
		if status != http.StatusConflict || !strings.Contains(body, html.EscapeString(i18n.T("en", "error.report_locked"))) {
			t.Fatalf("a locked week: %d", status)
		}
	})
}

func TestClientReviewsTheChargedWeekAndDisputesIt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		h := newHourlyShop(t, engine)
		h.at(t, 4*day)
		if status, _, _ := h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "8", "1.5")); status != http.StatusSeeOther {
			t.Fatalf("file: %d", status)
		}
		h.at(t, 7*day+12*hour+time.Minute) // charged: 9.5 × 80.00 = 760.00 + 41.80
		_, body, _ := h.alice.do("GET", h.page(), nil)
		i := strings.Index(body, `id="report-`+h.date(0)+`"`)
		if i < 0 {
			t.Fatal("the week is not in the client's review")
		}
		week := body[i:]
		has(t, "the charged week", week, i18n.T("en", "hourly.report_status.charged"), "9.5 h", "$760.00", "$41.80", "$801.80",
			i18n.T("en", "hourly.dispute.title"))
		if !strings.Contains(week, `class="report-invoice"`) {
			t.Error("no invoice link on the charged week")
		}
		has(t, "the contract's money", body, i18n.T("en", "hourly.funds.held"))
		if !strings.Contains(body, `id="hourly-held">$801.80`) {
			t.Error("the held money is not the week's total")
		}
		// Bob, a member, is not a side of the order.
		if status, _, _ := h.buyer.do("GET", h.page(), nil); status != http.StatusNotFound {
			t.Errorf("a member who did not order sees it: %d", status)
		}
		// Without the confirmation, nothing happens.
		disputeURL := h.page() + "/weekly-reports/"
		rs, _ := h.a.Hourly.Reports(context.Background(), h.admin, h.order)
		disputeURL += rs[0].ID + "/dispute"
		form := url.Values{"form": {"dispute-" + rs[0].ID}, "reason": {"Tuesday was a holiday."}}
		status, body, _ := h.alice.do("POST", disputeURL, form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-dispute-confirm-`+h.date(0)+`-error">`+html.EscapeString(i18n.T("en", "error.dispute_unconfirmed"))) {
			t.Fatalf("unconfirmed dispute: %d", status)
		}
		// The freelancer cannot dispute.
		form.Set("confirm", "1")
		if status, _, _ := h.seller.do("POST", disputeURL, form); status != http.StatusForbidden {
			t.Errorf("the freelancer disputes: %d", status)
		}
		if status, _, _ := h.alice.do("POST", disputeURL, form); status != http.StatusSeeOther {
			t.Fatalf("dispute: %d", status)
		}
		_, body, _ = h.alice.do("GET", h.page(), nil)
		has(t, "the disputed week", body, i18n.T("en", "flash.hourly_disputed"), i18n.T("en", "hourly.report_status.disputed"),
			i18n.T("en", "hourly.review.dispute_reason", "reason", "Tuesday was a holiday."))
		if strings.Contains(body, `id="dispute-`+h.date(0)+`"`) {
			t.Error("a disputed week can be disputed again")
		}
		// After the Friday, nothing is released: it stays held.
		h.at(t, 12*day)
		_, body, _ = h.seller.do("GET", h.page(), nil)
		has(t, "the freelancer's view", body, i18n.T("en", "hourly.report_status.disputed"))
		if !strings.Contains(body, `id="hourly-released">$0.00`) {
			t.Error("a disputed week was released")
		}

		// An operator settles it from the queue: $300.00 back to the client.
		op := newBrowser(t, h.ts)
		op.signIn("olivia@example.com", "correct horse")
		_, body, _ = op.do("GET", "/operator/hourly-disputes", nil)
		has(t, "the operators' queue", body, "Tuesday was a holiday.", "$801.80")
		if !strings.Contains(body, `action="/operator/hourly-disputes/`+rs[0].ID+`/decide"`) {
			t.Fatal("no decision form in the queue")
		}
		decide := "/operator/hourly-disputes/" + rs[0].ID + "/decide"
		status, body, _ = op.do("POST", decide, url.Values{"currency": {"USD"}, "refund": {"2x"}, "note": {"Holiday."}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.T("en", "error.amount_invalid"))) {
			t.Fatalf("a bad refund: %d", status)
		}
		if status, _, _ := h.alice.do("POST", decide, url.Values{"currency": {"USD"}, "refund": {"300"}, "note": {"Mine."}}); status != http.StatusForbidden {
			t.Fatalf("the client settles its own dispute: %d", status)
		}
		if status, _, h2 := op.do("POST", decide, url.Values{"currency": {"USD"}, "refund": {"300.00"}, "note": {"Tuesday was a public holiday."}}); status != http.StatusSeeOther || h2.Get("Location") != "/operator/hourly-disputes" {
			t.Fatalf("settle: %d", status)
		}
		_, body, _ = op.do("GET", "/operator/hourly-disputes", nil)
		has(t, "the settled queue", body, i18n.T("en", "flash.hourly_dispute_decided"), i18n.T("en", "operator.hourly_disputes.empty"))
		_, body, _ = h.seller.do("GET", h.page(), nil)
		if strings.Contains(body, `id="hourly-released">$0.00`) {
			t.Error("the rest of the settled week was not released")
		}
	})
}

func TestClientChangesTheLimitAndEitherSidePausesAndEnds(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		h := newHourlyShop(t, engine)
		h.at(t, 2*day)
		if _, body, _ := h.seller.do("GET", h.page(), nil); strings.Contains(body, `action="/orders/`+h.order+`/hourly/limit"`) {
			t.Error("the freelancer is shown the limit form")
		}
		limit := func(v string) (int, string, http.Header) {
			return h.alice.do("POST", h.page()+"/hourly/limit", url.Values{"form": {"limit"}, "weekly_limit_hours": {v}})
		}
		if status, body, _ := limit("many"); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-weekly-limit-hours-error">`) {
			t.Fatalf("a limit that is not a number: %d", status)
		}
		// A raise applies now; a cut from next week.
		if status, _, _ := limit("20"); status != http.StatusSeeOther {
			t.Fatalf("raise: %d", status)
		}
		_, body, _ := h.alice.do("GET", h.page(), nil)
		has(t, "after the raise", body, i18n.T("en", "flash.hourly_limit_now", "hours", "20"))
		if !strings.Contains(body, `id="limit-this-week">`+html.EscapeString(i18n.T("en", "hourly.limit_hours", "n", 20))) {
			t.Error("the raise does not apply this week")
		}
		if status, _, _ := limit("5"); status != http.StatusSeeOther {
			t.Fatalf("cut: %d", status)
		}
		_, body, _ = h.alice.do("GET", h.page(), nil)
		has(t, "after the cut", body, i18n.T("en", "flash.hourly_limit_next_week", "hours", "5"))
		if !strings.Contains(body, `id="limit-this-week">`+html.EscapeString(i18n.T("en", "hourly.limit_hours", "n", 20))) ||
			!strings.Contains(body, `id="limit-next-week">`+html.EscapeString(i18n.T("en", "hourly.limit_hours", "n", 5))) {
			t.Error("the cut is not for next week only")
		}
		// 12 hours this week fit under this week's 20.
		if status, _, _ := h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "8", "4")); status != http.StatusSeeOther {
			t.Fatalf("12 hours under the raised limit: %d", status)
		}

		// Fanny pauses: Thursday onwards is off; Alice resumes.
		if status, _, _ := h.seller.do("POST", h.page()+"/hourly/pause", url.Values{}); status != http.StatusSeeOther {
			t.Fatalf("pause: %d", status)
		}
		h.at(t, 3*day+hour)
		_, body, _ = h.seller.do("GET", h.page(), nil)
		has(t, "the paused contract", body, i18n.T("en", "hourly.state.paused"), i18n.T("en", "hourly.report.off_paused"))
		_, body, _ = h.alice.do("GET", h.page(), nil)
		if !strings.Contains(body, `action="/orders/`+h.order+`/hourly/resume"`) {
			t.Fatal("the client cannot resume")
		}
		if status, _, _ := h.alice.do("POST", h.page()+"/hourly/resume", url.Values{}); status != http.StatusSeeOther {
			t.Fatalf("resume: %d", status)
		}

		// Ending asks first, then completes the order.
		status, body, _ := h.seller.do("GET", h.page()+"/hourly/end", nil)
		if status != http.StatusOK || !strings.Contains(body, `action="/orders/`+h.order+`/hourly/end"`) {
			t.Fatalf("end confirmation: %d", status)
		}
		has(t, "the confirmation", body, i18n.T("en", "hourly.end.title"), i18n.T("en", "hourly.end.last_week"))
		if status, _, _ := h.seller.do("POST", h.page()+"/hourly/end", url.Values{}); status != http.StatusSeeOther {
			t.Fatalf("end: %d", status)
		}
		_, body, _ = h.alice.do("GET", h.page(), nil)
		has(t, "the ended contract", body, i18n.T("en", "hourly.state.ended"), i18n.T("en", "order.status.completed"))
		if strings.Contains(body, `/hourly/pause"`) || strings.Contains(body, `/hourly/limit"`) {
			t.Error("an ended contract still offers its controls")
		}
		// The ended contract's end page goes back to the order.
		if status, _, hd := h.alice.do("GET", h.page()+"/hourly/end", nil); status != http.StatusSeeOther || hd.Get("Location") != h.page() {
			t.Errorf("end page of an ended contract: %d", status)
		}
		o, err := h.a.Orders.Get(context.Background(), h.admin, h.order)
		if err != nil || o.Status != orders.Completed || o.Hourly.State != orders.ContractEnded {
			t.Fatalf("after the end: %v %v", o.Status, err)
		}
	})
}

func TestClientRetriesTheFailedChargeOfASuspendedContract(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		h := newHourlyShop(t, engine)
		cards, err := h.a.Billing.PaymentMethods(ctx, h.admin, h.acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		declined, err := h.a.Billing.AddCard(ctx, h.admin, h.acc.ID, "tok_chargeDeclined")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.a.Billing.SetDefaultMethod(ctx, h.admin, h.acc.ID, declined.ID); err != nil {
			t.Fatal(err)
		}
		h.at(t, 3*day)
		if status, _, _ := h.seller.do("POST", h.page()+"/weekly-reports", h.week(0, "2", "3")); status != http.StatusSeeOther {
			t.Fatalf("file: %d", status)
		}
		h.at(t, 7*day+12*hour+time.Minute) // the charge is declined

		_, body, _ := h.seller.do("GET", h.page(), nil)
		has(t, "the freelancer's suspended contract", body, i18n.T("en", "hourly.state.suspended"), i18n.T("en", "hourly.notice.suspended"),
			i18n.T("en", "hourly.report_status.failed"))
		if strings.Contains(body, `action="/orders/`+h.order+`/weekly-reports"`) || strings.Contains(body, "/hourly/retry-charge") {
			t.Error("a suspended contract offers the freelancer its report form or the retry")
		}
		_, body, _ = h.alice.do("GET", h.page(), nil)
		has(t, "the client's suspended contract", body, i18n.T("en", "hourly.notice.suspended_client"))
		retry := h.page() + "/hourly/retry-charge"
		// Still declined: the card's refusal shows, the contract stays suspended.
		status, body, _ := h.alice.do("POST", retry, url.Values{"idempotency_key": {key(t, body, retry)}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.T("en", "error.card_declined"))) {
			t.Fatalf("retry with the declined card: %d", status)
		}
		if _, err := h.a.Billing.SetDefaultMethod(ctx, h.admin, h.acc.ID, cards[0].ID); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"idempotency_key": {key(t, body, retry)}}
		if status, _, _ := h.alice.do("POST", retry, form); status != http.StatusSeeOther {
			t.Fatalf("retry: %d", status)
		}
		_, body, _ = h.alice.do("GET", h.page(), nil)
		has(t, "after the retry", body, i18n.T("en", "flash.hourly_retried"), i18n.T("en", "hourly.state.active"),
			i18n.T("en", "hourly.report_status.charged"), "$422.00")
		// The same form again does nothing more.
		if status, _, _ := h.alice.do("POST", retry, form); status != http.StatusSeeOther {
			t.Fatalf("the retry again: %d", status)
		}
		_, body, _ = h.alice.do("GET", h.page(), nil)
		has(t, "the repeated retry", body, i18n.T("en", "flash.milestone_approve_repeated"))
		var n int
		h.a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_transactions WHERE ref = ? AND kind = 'order_payment'`, h.order).Scan(&n)
		if n != 1 {
			t.Fatalf("charged %d times", n)
		}
	})
}
