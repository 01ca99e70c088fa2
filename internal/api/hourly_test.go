package api_test

import (
	"strings"
	"testing"
	"time"

	"atelier/internal/app/apptest"
	"atelier/internal/billing"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
)

// hourlyMarket is a market whose seller is Pro, with an accepted hourly
// contract at 80.00 an hour, 10 hours a week, and the test clock moved to
// the next Monday 00:00 UTC (t0). at moves the clock to t0 + d.
type hourlyMarket struct {
	market
	order string
	t0    time.Time
	clock *apptest.Client
}

func newHourlyMarket(t *testing.T, e db.Engine, accept func(m market, offer string) map[string]any) hourlyMarket {
	t.Helper()
	m := newMarket(t, e)
	ops := operator(t, m)
	app := m.seller.Must(201, "POST", "/api/v1/freelancers/"+m.freelancer+"/pro-application", map[string]any{"message": "Portfolio."})
	ops.Must(200, "POST", "/api/v1/pro-applications/"+app["id"].(string)+"/approve", nil)
	of := m.seller.Must(201, "POST", "/api/v1/offers", map[string]any{"account_id": m.ac, "kind": "hourly", "title": "Backend work",
		"description": "Go and SQL", "hourly_rate": usd(8000), "weekly_limit_hours": 10})
	// Quoted as one week at the limit: 800.00 + 5.5%.
	if of["kind"] != "hourly" || amount(of["hourly_rate"]) != 8000 || of["weekly_limit_hours"].(float64) != 10 || amount(of["price"]) != 80000 || amount(of["total"]) != 84400 {
		t.Fatalf("hourly offer %v", of)
	}
	if accept == nil {
		accept = func(m market, offer string) map[string]any {
			return m.admin.Must(201, "POST", "/api/v1/offers/"+offer+"/accept", map[string]any{})
		}
	}
	o := accept(m, of["id"].(string))
	h := hourlyMarket{market: m, order: o["id"].(string), clock: m.s.Client(t)}
	now, err := time.Parse(time.RFC3339Nano, h.clock.Must(200, "GET", "/api/v1/test-clock", nil)["now"].(string))
	if err != nil {
		t.Fatal(err)
	}
	h.t0 = clocktest.NextMonday(now)
	h.at(t, 0)
	return h
}

// at moves the test clock to t0 + d and runs what became due.
func (h hourlyMarket) at(t *testing.T, d time.Duration) {
	t.Helper()
	now, _ := time.Parse(time.RFC3339Nano, h.clock.Must(200, "GET", "/api/v1/test-clock", nil)["now"].(string))
	if by := h.t0.Add(d).Sub(now); by > 0 {
		h.clock.Must(200, "POST", "/api/v1/test-clock/advance", map[string]any{"duration": by.String()})
	}
}

const hour = time.Hour
const day = 24 * time.Hour

// date is the day t0 + n days.
func (h hourlyMarket) date(n int) string { return h.t0.AddDate(0, 0, n).Format("2006-01-02") }

func (h hourlyMarket) report(weekOffset int, hours ...float64) map[string]any {
	var days []map[string]any
	for i, x := range hours {
		if x != 0 {
			days = append(days, map[string]any{"date": h.date(weekOffset*7 + i), "hours": x, "note": "Worked on the API"})
		}
	}
	return map[string]any{"week_start": h.date(weekOffset * 7), "days": days}
}

func (h hourlyMarket) path(rest string) string { return "/api/v1/orders/" + h.order + rest }

func (h hourlyMarket) reports(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range h.admin.Must(200, "GET", h.path("/weekly-reports"), nil)["items"].([]any) {
		out = append(out, r.(map[string]any))
	}
	return out
}

func (h hourlyMarket) hourly(t *testing.T) map[string]any {
	t.Helper()
	return h.admin.Must(200, "GET", h.path(""), nil)["hourly"].(map[string]any)
}

func (h hourlyMarket) held(t *testing.T) int64 {
	t.Helper()
	v, err := billing.Escrowed(t.Context(), h.s.App.DB, h.order, "USD")
	if err != nil {
		t.Fatal(err)
	}
	return v.Amount
}

func (h hourlyMarket) hourlyInvoices(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, i := range h.admin.Must(200, "GET", "/api/v1/accounts/"+h.ac+"/invoices", nil)["items"].([]any) {
		if inv := i.(map[string]any); inv["kind"] == "hourly" {
			out = append(out, inv)
		}
	}
	return out
}

// ledgerBalanced fails the test unless the ledger balances (the operator
// was created by newHourlyMarket).
func ledgerBalanced(t *testing.T, m market) {
	t.Helper()
	wantBalancedLedger(t, operatorClient(t, m))
}

// operatorClient signs the operator in (created by newHourlyMarket).
func operatorClient(t *testing.T, m market) *apptest.Client {
	t.Helper()
	ops := m.s.Client(t)
	ops.Token = ops.Must(201, "POST", "/api/v1/sessions", map[string]any{"email": "ops@x.test", "password": "correct horse"})["token"].(string)
	return ops
}

func kinds(items []any, kind string) int {
	n := 0
	for _, it := range items {
		if it.(map[string]any)["kind"] == kind {
			n++
		}
	}
	return n
}

// Four weeks of an hourly contract: bad reports are refused and store
// nothing; a report is replaced until Monday 12:00, then charged once at
// exactly hours × rate plus fees, with an invoice; a week without a report
// charges nothing; undisputed money is released after the Friday; a cut
// limit applies from the next week and a raise at once; a disputed week
// stays held in escrow.
func TestHourlyContractFourWeeks(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		h := newHourlyMarket(t, e, nil)
		o := h.admin.Must(200, "GET", h.path(""), nil)
		hr := o["hourly"].(map[string]any)
		if o["kind"] != "hourly" || o["status"] != "active" || hr["state"] != "active" || hr["weekly_limit_hours"].(float64) != 10 ||
			hr["next_week_limit_hours"].(float64) != 10 || amount(hr["hourly_rate"]) != 8000 || len(hr["reports"].([]any)) != 0 {
			t.Fatalf("contract %v", o)
		}
		if len(h.hourlyInvoices(t)) != 0 || h.held(t) != 0 {
			t.Fatal("a contract was charged at acceptance")
		}
		post := func(c *apptest.Client, body map[string]any) apptest.Response {
			return c.Do("POST", h.path("/weekly-reports"), body)
		}

		// Monday of week 1, 09:00: bad reports are refused.
		h.at(t, 9*hour)
		wantError(t, post(h.seller, h.report(0, 4, 3)), 422, "day_in_future", "days.1.date")
		wantError(t, post(h.seller, h.report(0, 25)), 422, "hours_invalid", "days.0.hours")
		wantError(t, post(h.seller, h.report(0, -2)), 422, "hours_invalid", "days.0.hours")
		wantError(t, post(h.seller, h.report(0, 1.1)), 422, "hours_not_quarter", "days.0.hours")
		wantError(t, post(h.seller, map[string]any{"week_start": h.date(1), "days": []map[string]any{{"date": h.date(1), "hours": 1, "note": "x"}}}),
			422, "week_start_invalid", "week_start")
		wantError(t, post(h.seller, map[string]any{"week_start": h.date(0), "days": []map[string]any{{"date": h.date(7), "hours": 1, "note": "x"}}}),
			422, "day_outside_week", "days.0.date")
		wantError(t, post(h.seller, map[string]any{"week_start": h.date(0), "days": []map[string]any{{"date": h.date(0), "hours": 1, "note": " "}}}),
			422, "required", "days.0.note")
		wantError(t, post(h.seller, map[string]any{"week_start": h.date(7), "days": []map[string]any{{"date": h.date(7), "hours": 1, "note": "x"}}}),
			422, "day_in_future", "days.0.date")
		wantError(t, post(h.member, h.report(0, 4)), 404, "order_not_found", "") // a member sees only the orders they placed

		// Friday of week 1: over the limit is refused; a report is filed,
		// then replaced.
		h.at(t, 4*day+9*hour)
		wantError(t, post(h.seller, h.report(0, 8, 3)), 422, "weekly_limit_exceeded", "days")
		if n := countRows(t, h.market, `SELECT COUNT(*) FROM hourly_reports`); n != 0 {
			t.Fatalf("%d reports stored from refused input", n)
		}
		r := h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(0, 2.5, 3, 2.25, 1))
		if r["status"] != "draft" || r["hours"].(float64) != 8.75 || r["minutes"].(float64) != 525 || len(r["days"].([]any)) != 4 {
			t.Fatalf("filed %v", r)
		}
		r = h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(0, 2.5, 3, 2.5, 1.5))
		// 9.5 h × 80.00 = 760.00, fees 5.5% = 41.80.
		if rs := h.reports(t); len(rs) != 1 || rs[0]["id"] != r["id"] || rs[0]["hours"].(float64) != 9.5 || amount(rs[0]["amount"]) != 76000 ||
			amount(rs[0]["fees"]) != 4180 || amount(rs[0]["total"]) != 80180 {
			t.Fatalf("replaced %v", rs)
		}
		if items := h.seller.Must(200, "GET", h.path("/weekly-reports"), nil)["items"].([]any); len(items) != 1 {
			t.Fatalf("the freelancer's side sees %v", items)
		}

		// Monday of week 2: editable until 12:00, then charged once.
		h.at(t, 7*day+11*hour)
		h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(0, 2.5, 3, 2.5, 1.5))
		if len(h.hourlyInvoices(t)) != 0 {
			t.Fatal("charged before Monday 12:00")
		}
		h.at(t, 7*day+12*hour+30*time.Minute)
		rs := h.reports(t)
		if rs[0]["status"] != "charged" || amount(rs[0]["total"]) != 80180 || rs[0]["paid_with"] != "visa •••• 4242" || rs[0]["invoice_id"] == "" ||
			!strings.HasPrefix(rs[0]["dispute_until"].(string), h.date(11)+"T23:59:59") {
			t.Fatalf("week 1 after Monday 12:00: %v", rs[0])
		}
		invs := h.hourlyInvoices(t)
		if len(invs) != 1 || amount(invs[0]["total"]) != 80180 || amount(invs[0]["fees"]) != 4180 || h.held(t) != 80180 {
			t.Fatalf("invoices %v, escrow %d", invs, h.held(t))
		}
		wantError(t, post(h.seller, h.report(0, 1)), 409, "report_locked", "")

		// The client cuts the limit to 5: this week keeps 10, next week has 5.
		hr = h.admin.Must(200, "POST", h.path("/hourly/limit"), map[string]any{"weekly_limit_hours": 5})["hourly"].(map[string]any)
		if hr["weekly_limit_hours"].(float64) != 10 || hr["next_week_limit_hours"].(float64) != 5 {
			t.Fatalf("after a cut %v", hr)
		}
		wantError(t, h.seller.Do("POST", h.path("/hourly/limit"), map[string]any{"weekly_limit_hours": 20}), 403, "wrong_side", "")
		wantError(t, h.admin.Do("POST", h.path("/hourly/limit"), map[string]any{"weekly_limit_hours": 0}), 422, "weekly_limit_invalid", "weekly_limit_hours")

		// Friday 23:00 of week 2: still disputable and held; released after.
		h.at(t, 11*day+23*hour)
		if h.reports(t)[0]["status"] != "charged" {
			t.Fatal("released before the end of Friday")
		}
		h.at(t, 12*day+30*time.Minute)
		if rs = h.reports(t); rs[0]["status"] != "released" || h.held(t) != 0 {
			t.Fatalf("after Friday: %v, escrow %d", rs[0], h.held(t))
		}
		// 760.00 less 20% commission.
		if earnings := h.seller.Must(200, "GET", "/api/v1/freelancers/"+h.freelancer+"/earnings", nil); amount(earnings["pending"]) != 60800 {
			t.Fatalf("earnings %v", earnings)
		}
		wantError(t, h.admin.Do("POST", h.path("/weekly-reports/"+rs[0]["id"].(string)+"/dispute"), map[string]any{"reason": "late"}), 409, "dispute_window_closed", "")

		// Monday of week 3: week 2 had no report, so nothing was charged.
		// Everyone signs in again: the story lasts longer than a session.
		h.at(t, 14*day+12*hour+30*time.Minute)
		for _, c := range []*apptest.Client{h.seller, h.admin, h.member} {
			c.SignInAgain()
		}
		if n := len(h.hourlyInvoices(t)); n != 1 {
			t.Fatalf("%d hourly invoices after a week without report", n)
		}
		// The cut applies now; a raise applies at once.
		wantError(t, post(h.seller, h.report(2, 6)), 422, "weekly_limit_exceeded", "days")
		hr = h.admin.Must(200, "POST", h.path("/hourly/limit"), map[string]any{"weekly_limit_hours": 20})["hourly"].(map[string]any)
		if hr["weekly_limit_hours"].(float64) != 20 || hr["next_week_limit_hours"].(float64) != 20 {
			t.Fatalf("after a raise %v", hr)
		}
		h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(2, 12))
		h.at(t, 18*day+9*hour)
		h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(2, 12, 8))

		// Monday of week 4: week 3 is charged (20 h × 80.00 + 5.5%), then disputed.
		h.at(t, 21*day+12*hour+30*time.Minute)
		rs = h.reports(t)
		w3 := rs[1]
		if len(rs) != 2 || w3["status"] != "charged" || amount(w3["amount"]) != 160000 || amount(w3["total"]) != 168800 || h.held(t) != 168800 {
			t.Fatalf("week 3 %v", rs)
		}
		dispute := h.path("/weekly-reports/" + w3["id"].(string) + "/dispute")
		wantError(t, h.seller.Do("POST", dispute, map[string]any{"reason": "no"}), 403, "wrong_side", "")
		wantError(t, h.admin.Do("POST", dispute, map[string]any{"reason": " "}), 422, "required", "reason")
		if d := h.admin.Must(200, "POST", dispute, map[string]any{"reason": "Tuesday was a holiday"}); d["status"] != "disputed" || d["dispute_reason"] != "Tuesday was a holiday" {
			t.Fatalf("disputed %v", d)
		}
		wantError(t, h.admin.Do("POST", dispute, map[string]any{"reason": "again"}), 409, "report_disputed", "")

		// After Friday of week 4 the disputed week stays held.
		h.at(t, 26*day+hour)
		if rs = h.reports(t); rs[1]["status"] != "disputed" || h.held(t) != 168800 {
			t.Fatalf("disputed week after Friday: %v, escrow %d", rs[1], h.held(t))
		}
		// Pro earnings clear after 7 days: the released week is available now.
		if earnings := h.seller.Must(200, "GET", "/api/v1/freelancers/"+h.freelancer+"/earnings", nil); amount(earnings["pending"])+amount(earnings["available"]) != 60800 {
			t.Fatalf("earnings after a dispute %v", earnings)
		}
		hr = h.hourly(t)
		if amount(hr["charged"]) != 80180+168800 || amount(hr["held"]) != 168800 || amount(hr["released"]) != 76000 {
			t.Fatalf("contract totals %v", hr)
		}
		if invs = h.hourlyInvoices(t); len(invs) != 2 || amount(invs[0]["total"]) != 168800 {
			t.Fatalf("invoices %v", invs)
		}
		timeline := h.admin.Must(200, "GET", h.path("/timeline"), nil)["items"].([]any)
		if kinds(timeline, "hourly_charged") != 2 || kinds(timeline, "hourly_released") != 1 || kinds(timeline, "hourly_report_disputed") != 1 {
			t.Fatalf("timeline %v", timeline)
		}
		buyerNotes := h.admin.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		sellerNotes := h.seller.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		if kinds(buyerNotes, "hourly_report_filed") == 0 || kinds(buyerNotes, "hourly_charged") != 2 || kinds(sellerNotes, "hourly_report_disputed") != 1 ||
			kinds(sellerNotes, "hourly_released") != 1 || kinds(sellerNotes, "hourly_limit_changed") != 2 {
			t.Fatalf("notifications: buyer %v, seller %v", buyerNotes, sellerNotes)
		}
		ledgerBalanced(t, h.market)

		// An operator settles the disputed week: 500.00 of its 1,688.00
		// back to the client, the rest released to the freelancer.
		ops := operatorClient(t, h.market)
		if notes := ops.Must(200, "GET", "/api/v1/me/notifications", nil)["items"].([]any); kinds(notes, "hourly_dispute_opened") != 1 {
			t.Fatalf("operators were not told of the dispute: %v", notes)
		}
		queue := ops.Must(200, "GET", "/api/v1/hourly-disputes", nil)["items"].([]any)
		if len(queue) != 1 || queue[0].(map[string]any)["report"].(map[string]any)["id"] != w3["id"] || len(queue[0].(map[string]any)["report"].(map[string]any)["days"].([]any)) == 0 {
			t.Fatalf("queue %v", queue)
		}
		decide := "/api/v1/weekly-reports/" + w3["id"].(string) + "/decide"
		wantError(t, h.admin.Do("GET", "/api/v1/hourly-disputes", nil), 403, "operator_only", "")
		wantError(t, h.admin.Do("POST", decide, map[string]any{"refund": usd(100), "note": "x"}), 403, "operator_only", "")
		wantError(t, ops.Do("POST", decide, map[string]any{"refund": usd(168801), "note": "Too much"}), 422, "refund_above_charge", "refund")
		wantError(t, ops.Do("POST", decide, map[string]any{"refund": usd(100), "note": " "}), 422, "required", "note")
		balance := func() float64 {
			return amount(h.admin.Must(200, "GET", "/api/v1/accounts/"+h.ac+"/balance", nil)["available"])
		}
		before := balance()
		w := ops.Must(200, "POST", decide, map[string]any{"refund": usd(50000), "note": "Tuesday was a public holiday."})
		if w["report"].(map[string]any)["status"] != "released" || h.held(t) != 0 || balance() != before+50000 {
			t.Fatalf("settled %v, escrow %v, balance %v → %v", w, h.held(t), before, balance())
		}
		wantError(t, ops.Do("POST", decide, map[string]any{"refund": usd(0), "note": "again"}), 409, "report_not_disputed", "")
		// The freelancer gets 1,188.00 of the 1,688.00 total, less the
		// commission, on top of the week released before.
		if earnings := h.seller.Must(200, "GET", "/api/v1/freelancers/"+h.freelancer+"/earnings", nil); amount(earnings["pending"])+amount(earnings["available"]) <= 60800 {
			t.Fatalf("earnings after the decision %v", earnings)
		}
		sellerNotes = h.seller.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		buyerNotes = h.admin.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		if kinds(sellerNotes, "hourly_dispute_decided") != 1 || kinds(buyerNotes, "hourly_dispute_decided") != 1 {
			t.Fatal("both sides are told of the decision")
		}
		if len(ops.Must(200, "GET", "/api/v1/hourly-disputes", nil)["items"].([]any)) != 0 {
			t.Fatal("a settled week stays in the queue")
		}
		ledgerBalanced(t, h.market)
	})
}

// Above the approval threshold an hourly contract waits for the admin; once
// approved it starts uncharged. Pausing stops reports after the pause's
// day; ending completes the order, and its last week is still charged.
func TestHourlyApprovalPauseAndEnd(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		h := newHourlyMarket(t, e, func(m market, offer string) map[string]any {
			m.admin.Must(200, "PUT", "/api/v1/accounts/"+m.ac+"/policies", map[string]any{"order_approval_threshold": usd(50000)})
			o := m.member.Must(201, "POST", "/api/v1/offers/"+offer+"/accept", map[string]any{})
			if o["status"] != "pending_approval" || amount(o["total"]) != 84400 {
				t.Fatalf("above the threshold %v", o)
			}
			wantError(t, m.seller.Do("GET", "/api/v1/orders/"+o["id"].(string), nil), 404, "order_not_found", "")
			return o
		})
		wantError(t, h.member.Do("POST", h.path("/hourly/pause"), nil), 409, "order_not_started", "")
		if o := h.admin.Must(200, "POST", h.path("/approve"), nil); o["status"] != "active" || o["hourly"].(map[string]any)["state"] != "active" {
			t.Fatalf("approved %v", o)
		}
		if len(h.hourlyInvoices(t)) != 0 || countRows(t, h.market, `SELECT COUNT(*) FROM invoices`) != 0 {
			t.Fatal("an approved contract was charged")
		}
		wantError(t, h.seller.Do("POST", h.path("/deliveries"), map[string]any{"message": "x"}), 409, "order_is_hourly", "")

		// Wednesday of week 1: the freelancer pauses.
		h.at(t, 2*day+10*hour)
		if hr := h.seller.Must(200, "POST", h.path("/hourly/pause"), nil)["hourly"].(map[string]any); hr["state"] != "paused" {
			t.Fatalf("paused %v", hr)
		}
		wantError(t, h.member.Do("POST", h.path("/hourly/pause"), nil), 409, "contract_not_active", "")
		h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(0, 2, 2, 2))
		h.at(t, 3*day+10*hour)
		wantError(t, h.seller.Do("POST", h.path("/weekly-reports"), h.report(0, 2, 2, 2, 2)), 422, "day_while_paused", "days.3.date")
		if hr := h.member.Must(200, "POST", h.path("/hourly/resume"), nil)["hourly"].(map[string]any); hr["state"] != "active" {
			t.Fatalf("resumed %v", hr)
		}
		wantError(t, h.member.Do("POST", h.path("/hourly/resume"), nil), 409, "contract_not_paused", "")
		h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(0, 2, 2, 2, 2))

		// Thursday: the client ends the contract; the order completes.
		o := h.member.Must(200, "POST", h.path("/hourly/end"), nil)
		if o["status"] != "completed" || o["hourly"].(map[string]any)["state"] != "ended" {
			t.Fatalf("ended %v", o)
		}
		wantError(t, h.seller.Do("POST", h.path("/hourly/resume"), nil), 409, "contract_ended", "")
		wantError(t, h.admin.Do("POST", h.path("/hourly/limit"), map[string]any{"weekly_limit_hours": 3}), 409, "contract_ended", "")
		h.at(t, 4*day+10*hour)
		wantError(t, h.seller.Do("POST", h.path("/weekly-reports"), h.report(0, 2, 2, 2, 2, 1)), 422, "day_after_end", "days.4.date")
		h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(0, 2, 2, 2, 2.5))

		// The last week is charged on Monday at 12:00 like any other.
		h.at(t, 7*day+13*hour)
		rs := h.reports(t)
		if len(rs) != 1 || rs[0]["status"] != "charged" || amount(rs[0]["amount"]) != 68000 || len(h.hourlyInvoices(t)) != 1 {
			t.Fatalf("last week %v", rs)
		}
		sellerNotes := h.seller.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		buyerNotes := h.member.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		if kinds(sellerNotes, "hourly_ended") != 1 || kinds(sellerNotes, "hourly_resumed") != 1 || kinds(buyerNotes, "hourly_paused") != 1 {
			t.Fatalf("notifications: seller %v, buyer %v", sellerNotes, buyerNotes)
		}
		ledgerBalanced(t, h.market)
	})
}

// A declined weekly charge suspends the contract: no report is filed and
// nothing more is charged until the client fixes the card and retries;
// then each due week is charged once.
func TestHourlyFailedChargeSuspendsUntilRetried(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		h := newHourlyMarket(t, e, nil)
		acc := "/api/v1/accounts/" + h.ac
		visa := h.admin.Must(200, "GET", acc+"/payment-methods", nil)["items"].([]any)[0].(map[string]any)["id"].(string)
		declined := h.admin.Must(201, "POST", acc+"/payment-methods", map[string]any{"type": "card", "token": "tok_chargeDeclined"})["id"].(string)
		h.admin.Must(200, "POST", acc+"/payment-methods/"+declined+"/default", nil)
		wantError(t, h.admin.Do("POST", h.path("/hourly/retry-charge"), nil), 409, "contract_not_suspended", "")

		h.at(t, 4*day+9*hour)
		h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(0, 2, 2, 1))
		h.at(t, 7*day+12*hour+30*time.Minute)
		rs := h.reports(t)
		if rs[0]["status"] != "failed" || rs[0]["failure"] != "card_declined" || h.hourly(t)["state"] != "suspended" || len(h.hourlyInvoices(t)) != 0 {
			t.Fatalf("after a declined charge: %v (%v)", rs, h.hourly(t))
		}
		wantError(t, h.seller.Do("POST", h.path("/weekly-reports"), h.report(1, 3)), 409, "contract_suspended", "")
		wantError(t, h.admin.Do("POST", h.path("/hourly/retry-charge"), nil), 422, "card_declined", "payment_method_id")
		wantError(t, h.seller.Do("POST", h.path("/hourly/retry-charge"), nil), 403, "wrong_side", "")
		h.at(t, 14*day+13*hour)
		if n := countRows(t, h.market, `SELECT COUNT(*) FROM ledger_transactions WHERE ref = ?`, h.order); n != 0 || h.hourly(t)["state"] != "suspended" {
			t.Fatalf("%d ledger transactions while suspended", n)
		}

		h.admin.Must(200, "POST", acc+"/payment-methods/"+visa+"/default", nil)
		r := h.admin.Do("POST", h.path("/hourly/retry-charge"), nil, "Idempotency-Key", "fix-1")
		again := h.admin.Do("POST", h.path("/hourly/retry-charge"), nil, "Idempotency-Key", "fix-1")
		if r.Status != 200 || again.Status != 200 || r.Body["hourly"].(map[string]any)["state"] != "active" {
			t.Fatalf("retry: %d %s / %d", r.Status, r.Raw, again.Status)
		}
		wantError(t, h.admin.Do("POST", h.path("/hourly/retry-charge"), nil), 409, "contract_not_suspended", "")
		h.at(t, 15*day)
		rs = h.reports(t)
		// 5 h × 80.00 = 400.00, fees 22.00.
		if rs[0]["status"] != "charged" || amount(rs[0]["total"]) != 42200 || len(h.hourlyInvoices(t)) != 1 || h.held(t) != 42200 {
			t.Fatalf("after the retry: %v", rs)
		}
		if n := countRows(t, h.market, `SELECT COUNT(*) FROM ledger_transactions WHERE ref = ? AND kind = 'order_payment'`, h.order); n != 1 {
			t.Fatalf("charged %d times", n)
		}
		h.seller.Must(201, "POST", h.path("/weekly-reports"), h.report(2, 1))
		notes := h.admin.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		sellerNotes := h.seller.Must(200, "GET", "/api/v1/me/notifications?limit=100", nil)["items"].([]any)
		if kinds(notes, "hourly_charge_failed") != 1 || kinds(sellerNotes, "hourly_suspended") != 1 || kinds(sellerNotes, "hourly_reinstated") != 1 {
			t.Fatalf("notifications %v / %v", notes, sellerNotes)
		}
		ledgerBalanced(t, h.market)
	})
}

// Bad hourly offers are refused and store nothing.
func TestBadHourlyOffers(t *testing.T) {
	dbtest.EachWith(t, newMarket, func(t *testing.T, m market) {
		ops := operator(t, m)
		app := m.seller.Must(201, "POST", "/api/v1/freelancers/"+m.freelancer+"/pro-application", map[string]any{"message": "Portfolio."})
		ops.Must(200, "POST", "/api/v1/pro-applications/"+app["id"].(string)+"/approve", nil)
		post := func(rate any, limit int) apptest.Response {
			return m.seller.Do("POST", "/api/v1/offers", map[string]any{"account_id": m.ac, "kind": "hourly", "title": "X", "hourly_rate": rate, "weekly_limit_hours": limit})
		}
		wantError(t, post(nil, 10), 422, "required", "hourly_rate")
		wantError(t, post(usd(0), 10), 422, "amount_not_positive", "hourly_rate")
		wantError(t, post(usd(50), 10), 422, "hourly_rate_too_low", "hourly_rate")
		wantError(t, post(usd(8000), 0), 422, "weekly_limit_invalid", "weekly_limit_hours")
		wantError(t, post(usd(8000), 169), 422, "weekly_limit_invalid", "weekly_limit_hours")
		if n := countRows(t, m, `SELECT COUNT(*) FROM offers`); n != 0 {
			t.Fatalf("%d offers stored from bad input", n)
		}
	})
}
