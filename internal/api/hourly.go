package api

import (
	"net/http"

	"atelier/internal/orders"
	"atelier/internal/orders/hourly"
	"atelier/internal/page"
)

type disputeIn struct {
	Reason string `json:"reason"`
}

type limitIn struct {
	WeeklyLimitHours int `json:"weekly_limit_hours"`
}

// hourlyRoutes are the weekly reports and the controls of hourly contracts.
func (s *Server) hourlyRoutes() []route {
	return []route{
		{Method: "POST", Path: "/orders/{order}/weekly-reports", Tag: "orders", Status: http.StatusCreated, In: hourly.NewReport{}, Out: orders.WeeklyReport{},
			Summary: "File or replace a week's report (freelancer): hours per day in quarter hours with a note, no future days, within the week's limit; editable until Monday 12:00 UTC after the week, then charged",
			Handle: body(func(c *call, in hourly.NewReport) (any, error) {
				return s.Hourly.FileReport(c.r.Context(), c.user, c.param("order"), in)
			})},
		{Method: "GET", Path: "/orders/{order}/weekly-reports", Tag: "orders", Out: listOut[orders.WeeklyReport]{},
			Summary: "An hourly order's weekly reports with their hours, money and state, oldest week first (both sides)",
			Handle: func(c *call) (any, error) {
				list, err := s.Hourly.Reports(c.r.Context(), c.user, c.param("order"))
				return listOut[orders.WeeklyReport]{Items: list}, err
			}},
		{Method: "POST", Path: "/orders/{order}/weekly-reports/{report}/dispute", Tag: "orders", In: disputeIn{}, Out: orders.WeeklyReport{},
			Summary: "Dispute a charged week until the Friday 23:59:59 UTC after its charge (client): its money stays held in escrow for the resolution center",
			Handle: body(func(c *call, in disputeIn) (any, error) {
				return s.Hourly.DisputeReport(c.r.Context(), c.user, c.param("order"), c.param("report"), in.Reason)
			})},
		{Method: "POST", Path: "/orders/{order}/hourly/pause", Tag: "orders", Out: orders.Order{},
			Summary: "Pause an hourly contract (either side): no hours after today until it resumes",
			Handle:  func(c *call) (any, error) { return s.Hourly.PauseHourly(c.r.Context(), c.user, c.param("order")) }},
		{Method: "POST", Path: "/orders/{order}/hourly/resume", Tag: "orders", Out: orders.Order{},
			Summary: "Resume a paused hourly contract (either side)",
			Handle:  func(c *call) (any, error) { return s.Hourly.ResumeHourly(c.r.Context(), c.user, c.param("order")) }},
		{Method: "POST", Path: "/orders/{order}/hourly/end", Tag: "orders", Out: orders.Order{},
			Summary: "End an hourly contract (either side): the order completes; the days up to today may still be reported, and that week is charged as usual",
			Handle:  func(c *call) (any, error) { return s.Hourly.EndHourly(c.r.Context(), c.user, c.param("order")) }},
		{Method: "POST", Path: "/orders/{order}/hourly/limit", Tag: "orders", In: limitIn{}, Out: orders.Order{},
			Summary: "Change the weekly hour limit (client): a raise applies to the current week, a cut from next week",
			Handle: body(func(c *call, in limitIn) (any, error) {
				return s.Hourly.SetWeeklyLimit(c.r.Context(), c.user, c.param("order"), in.WeeklyLimitHours)
			})},
		{Method: "POST", Path: "/orders/{order}/hourly/retry-charge", Tag: "orders", Idempotent: true, Out: orders.Order{},
			Summary: "Retry the charge of a suspended contract's due weeks after fixing the payment method; the suspension lifts when all are paid (client; Idempotency-Key honoured)",
			Handle: func(c *call) (any, error) {
				return s.Hourly.RetryHourlyCharge(c.r.Context(), c.user, c.param("order"), c.r.Header.Get("Idempotency-Key"))
			}},
		{Method: "GET", Path: "/hourly-disputes", Tag: "resolutions", Out: page.Page[hourly.DisputedWeek]{},
			Summary: "Disputed hourly weeks waiting for a decision, oldest first (operators)",
			Handle: paged(func(c *call, p page.Request) (any, error) {
				return s.Hourly.HourlyDisputes(c.r.Context(), c.user, p)
			})},
		{Method: "POST", Path: "/weekly-reports/{report}/decide", Tag: "resolutions", In: hourly.DisputeDecision{}, Out: hourly.DisputedWeek{},
			Summary: "Settle a disputed week (operators): refund (of the week's total) to the client's balance, the rest released to the freelancer",
			Handle: body(func(c *call, in hourly.DisputeDecision) (any, error) {
				return s.Hourly.DecideDispute(c.r.Context(), c.user, c.param("report"), in)
			})},
	}
}
