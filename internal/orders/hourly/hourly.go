// Package hourly runs hourly contracts, the orders of accepted hourly
// offers (Pro freelancers only), over the core of orders: the weekly
// reports, their charges, disputes and releases, pauses, ends and weekly
// limits. The contract, its weeks and what each side may do on them are
// read by orders (orders.Hourly, orders.ReportWeeks, orders.Action).
//
// An hourly contract is the order of an accepted hourly offer (Pro
// freelancers only). It runs week by week, Monday 00:00 to Sunday 23:59:59
// UTC, until either side ends it:
//
//   - the freelancer files one weekly report (hours per day, in quarter
//     hours, with what was done) and may replace it until Monday 12:00 UTC
//     after the week; never for future days, never above the weekly limit
//     in effect that week;
//   - at Monday 12:00 a timer charges the week's hours × the rate, plus the
//     buyer's fees quoted on that week's amount, into the order's escrow
//     (credits and balance first, else the default card), with an invoice,
//     once: the node that claims the report charges it, and the report's
//     conditional UPDATE and unique constraints refuse a second charge;
//   - the client side may dispute a charged week until the first Friday
//     23:59:59 UTC at least 4 days after its charge (the Friday of the
//     charge week for a Monday charge); after that a timer releases it to
//     the freelancer like any order (less the commission). A disputed week
//     stays held in escrow for the resolution center (a later issue);
//   - a failed charge suspends the contract: nothing more is charged and no
//     report is filed until the client retries the charge successfully.
//
// The order row keeps the offer's quote, one week at the weekly limit: it is
// what the account's approval threshold and monthly limits count.
package hourly

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/orders"
	"atelier/internal/orders/approvals"
	"atelier/internal/users"
)

// Service runs hourly contracts.
type Service struct {
	DB        *db.DB
	Billing   *billing.Service
	Orders    *orders.Service
	Approvals *approvals.Service // a raised weekly limit passes its gate
}

// Timings of a week.
const (
	minDisputeWindow = 4 * 24 * time.Hour
	claimFor         = 5 * time.Minute // a node charging a report; then another may
	maxReportNote    = 1000
)

// disputeUntil is the end of the client's dispute window for a week charged
// at t: the first Friday 23:59:59 UTC at least 4 days after the charge.
func disputeUntil(t time.Time) time.Time {
	friday := orders.WeekStart(t).AddDate(0, 0, 5).Add(-time.Second)
	for friday.Sub(t) < minDisputeWindow {
		friday = friday.AddDate(0, 0, 7)
	}
	return friday
}

// NewReportDay is one day as the freelancer reports it: hours in quarter
// hours (7.25, 7.5, 7.75…).
type NewReportDay struct {
	Date  string  `json:"date"`
	Hours float64 `json:"hours"`
	Note  string  `json:"note"`
}

// NewReport is a week's report as filed.
type NewReport struct {
	WeekStart string         `json:"week_start"` // the Monday, YYYY-MM-DD
	Days      []NewReportDay `json:"days"`
}

var errReportNotFound = errs.NotFound("report_not_found")

// parseWeek reads a week's Monday: YYYY-MM-DD, or an RFC 3339 time at
// Monday 00:00 UTC.
func parseWeek(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	t, err := time.Parse(orders.DayLayout, v)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			return time.Time{}, errs.Invalid("week_start", "week_start_invalid")
		}
		t = t.UTC()
	}
	if !orders.WeekStart(t).Equal(t) {
		return time.Time{}, errs.Invalid("week_start", "week_start_invalid")
	}
	return t, nil
}

type reportDay struct {
	date    time.Time
	minutes int
	note    string
}

// checkDays validates a report's days on their own: dates inside the week,
// once each; hours above 0, at most 24, in quarter hours; a note.
func checkDays(ws time.Time, in []NewReportDay) ([]reportDay, int, error) {
	if len(in) == 0 {
		return nil, 0, errs.Invalid("days", "required")
	}
	if len(in) > 7 {
		return nil, 0, errs.Invalid("days", "too_many").With("max", 7)
	}
	seen := map[string]bool{}
	var out []reportDay
	total := 0
	for i, d := range in {
		f := "days." + strconv.Itoa(i) + "."
		date, err := time.Parse(orders.DayLayout, strings.TrimSpace(d.Date))
		if err != nil {
			return nil, 0, errs.Invalid(f+"date", "date_invalid")
		}
		if date.Before(ws) || !date.Before(ws.Add(orders.Week)) {
			return nil, 0, errs.Invalid(f+"date", "day_outside_week")
		}
		if seen[date.Format(orders.DayLayout)] {
			return nil, 0, errs.Invalid(f+"date", "day_duplicate")
		}
		seen[date.Format(orders.DayLayout)] = true
		if math.IsNaN(d.Hours) || d.Hours <= 0 || d.Hours > 24 {
			return nil, 0, errs.Invalid(f+"hours", "hours_invalid")
		}
		quarters := math.Round(d.Hours * 4)
		if math.Abs(d.Hours*4-quarters) > 1e-9 {
			return nil, 0, errs.Invalid(f+"hours", "hours_not_quarter")
		}
		if quarters < 1 { // a hair above 0 rounds to no time at all (found by FuzzCheckDays)
			return nil, 0, errs.Invalid(f+"hours", "hours_invalid")
		}
		note, err := orders.Text(f+"note", d.Note, true)
		if err != nil {
			return nil, 0, err
		}
		if len([]rune(note)) > maxReportNote {
			return nil, 0, errs.Invalid(f+"note", "too_long").With("max", maxReportNote)
		}
		m := int(quarters) * 15
		total += m
		out = append(out, reportDay{date: date, minutes: m, note: note})
	}
	return out, total, nil
}

// FileReport files (or replaces) the freelancer's report of one week. It
// is refused, storing nothing, for a day in the future, before the
// contract's start, after its pause or end, or when the week's total
// exceeds the limit in effect that week; from Monday 12:00 UTC after the
// week (its charge) it can no longer change.
func (s *Service) FileReport(ctx context.Context, actor users.User, orderID string, in NewReport) (orders.WeeklyReport, error) {
	ws, err := parseWeek(in.WeekStart)
	if err != nil {
		return orders.WeeklyReport{}, err
	}
	days, total, err := checkDays(ws, in.Days)
	if err != nil {
		return orders.WeeklyReport{}, err
	}
	var id string
	_, err = s.Orders.Act(ctx, actor, orderID, orders.FreelancerSide, func(tx *db.Tx, o orders.Order) error {
		if err := orders.HourlyOrder(o); err != nil {
			return err
		}
		h := o.Hourly
		today := orders.DayOf(tx.Now)
		for i, d := range days {
			if code := orders.DayRefusal(h, d.date, today); code != "" {
				return errs.Invalid("days."+strconv.Itoa(i)+".date", code)
			}
		}
		if !h.SuspendedAt.IsZero() {
			return errs.Conflict("contract_suspended")
		}
		if !tx.Now.Before(orders.ChargeAt(ws)) {
			return errs.Conflict("report_locked")
		}
		limit, err := orders.LimitFor(ctx, tx, o.ID, ws)
		if err != nil {
			return err
		}
		if total > limit*60 {
			return errs.Invalid("days", "weekly_limit_exceeded").With("limit", limit)
		}
		if id, err = saveReport(ctx, tx, o, ws, days, total, actor.ID); err != nil {
			return err
		}
		hours := strconv.FormatFloat(orders.HoursOf(total), 'f', -1, 64)
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "hourly_report_filed", ws.Format(orders.DayLayout)+": "+hours+" h"); err != nil {
			return err
		}
		return s.Orders.NotifyBuyer(ctx, tx, o, "hourly_report_filed", map[string]any{"title": o.Title, "week": ws.Format(orders.DayLayout), "hours": hours})
	})
	if err != nil {
		return orders.WeeklyReport{}, err
	}
	return s.Report(ctx, actor, orderID, id)
}

// saveReport writes a week's report: a new draft, or the draft of the week
// again (a report charged or being charged is locked), with its days.
func saveReport(ctx context.Context, tx *db.Tx, o orders.Order, ws time.Time, days []reportDay, total int, actorID string) (string, error) {
	var id string
	var status orders.ReportStatus
	err := tx.QueryRow(ctx, `SELECT id, status FROM hourly_reports WHERE order_id = ? AND week_start = ?`, o.ID, db.Micros(ws)).Scan(&id, &status)
	switch {
	case errors.Is(db.NoRows(err), db.ErrNotFound):
		id = db.NewID("hwr")
		_, err = tx.Exec(ctx, `INSERT INTO hourly_reports (id, order_id, week_start, minutes, status, currency, charge_at, filed_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`, id, o.ID, db.Micros(ws), total, o.Hourly.Rate.Currency, db.Micros(orders.ChargeAt(ws)), actorID,
			db.Micros(tx.Now), db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return "", errs.Conflict("order_state_changed")
		}
		if err != nil {
			return "", err
		}
	case err != nil:
		return "", err
	case status != orders.ReportDraft:
		return "", errs.Conflict("report_locked")
	default:
		res, err := tx.Exec(ctx, `UPDATE hourly_reports SET minutes = ?, filed_by = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
			total, actorID, db.Micros(tx.Now), id)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return "", errs.Conflict("report_locked")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM hourly_report_days WHERE report_id = ?`, id); err != nil {
			return "", err
		}
	}
	for _, d := range days {
		if _, err := tx.Exec(ctx, `INSERT INTO hourly_report_days (report_id, day, minutes, note) VALUES (?, ?, ?, ?)`,
			id, d.date.Format(orders.DayLayout), d.minutes, d.note); err != nil {
			return "", err
		}
	}
	return id, nil
}

// Reports lists an hourly order's weekly reports to either side.
func (s *Service) Reports(ctx context.Context, actor users.User, orderID string) ([]orders.WeeklyReport, error) {
	o, _, err := s.Orders.View(ctx, s.DB, actor, orderID)
	if err != nil {
		return nil, err
	}
	if o.Hourly == nil {
		return nil, errs.Conflict("order_not_hourly")
	}
	return o.Hourly.Reports, nil
}

// Report returns one weekly report to either side of its order.
func (s *Service) Report(ctx context.Context, actor users.User, orderID, reportID string) (orders.WeeklyReport, error) {
	list, err := s.Reports(ctx, actor, orderID)
	if err != nil {
		return orders.WeeklyReport{}, err
	}
	for _, r := range list {
		if r.ID == reportID {
			return r, nil
		}
	}
	return orders.WeeklyReport{}, errReportNotFound
}

// DisputeReport contests a charged week (the client's side) within its
// dispute window: its money stays in escrow, and the report waits as
// disputed for the resolution center.
func (s *Service) DisputeReport(ctx context.Context, actor users.User, orderID, reportID, reason string) (orders.WeeklyReport, error) {
	reason, err := orders.Text("reason", reason, true)
	if err != nil {
		return orders.WeeklyReport{}, err
	}
	_, err = s.Orders.Act(ctx, actor, orderID, orders.ClientSide, func(tx *db.Tx, o orders.Order) error {
		if o.Kind != orders.KindHourly || o.Hourly == nil {
			return errReportNotFound
		}
		for _, r := range o.Hourly.Reports {
			if r.ID != reportID {
				continue
			}
			switch r.Status {
			case orders.ReportDraft, orders.ReportFailed:
				return errs.Conflict("report_not_charged")
			case orders.ReportDisputed:
				return errs.Conflict("report_disputed")
			case orders.ReportReleased:
				return errs.Conflict("dispute_window_closed")
			}
			if tx.Now.After(r.DisputeUntil) {
				return errs.Conflict("dispute_window_closed")
			}
			if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE hourly_reports SET status = 'disputed', disputed_at = ?, disputed_by = ?, dispute_reason = ?, updated_at = ?
				WHERE id = ? AND status = 'charged' AND dispute_until >= ?`, db.Micros(tx.Now), actor.ID, reason, db.Micros(tx.Now), r.ID, db.Micros(tx.Now)); err != nil {
				return err
			}
			if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "hourly_report_disputed", r.WeekStart+"\n\n"+reason); err != nil {
				return err
			}
			if err := orders.NotifyOperators(ctx, tx, "hourly_dispute_opened", map[string]any{"title": o.Title, "week": r.WeekStart},
				"/operator/hourly-disputes"); err != nil {
				return err
			}
			return s.Orders.NotifyFreelancer(ctx, tx, o, "hourly_report_disputed", map[string]any{"title": o.Title, "week": r.WeekStart, "reason": reason})
		}
		return errReportNotFound
	})
	if err != nil {
		return orders.WeeklyReport{}, err
	}
	return s.Report(ctx, actor, orderID, reportID)
}

// actHourly runs a change of an hourly contract for one side ("" for either).
func (s *Service) actHourly(ctx context.Context, actor users.User, orderID string, a orders.Action, fn func(tx *db.Tx, o orders.Order, h *orders.Hourly) error) (orders.Order, error) {
	wantSide := ""
	if a == orders.ActSetLimit {
		wantSide = orders.ClientSide
	}
	return s.Orders.Act(ctx, actor, orderID, wantSide, func(tx *db.Tx, o orders.Order) error {
		if err := o.Refusal(a, tx.Now); err != nil {
			return err
		}
		return fn(tx, o, o.Hourly)
	})
}

// PauseHourly pauses a contract (either side): no hours may be reported for
// the days after the pause's day until it resumes. Reports already filed
// are charged as usual.
func (s *Service) PauseHourly(ctx context.Context, actor users.User, orderID string) (orders.Order, error) {
	return s.actHourly(ctx, actor, orderID, orders.ActPause, func(tx *db.Tx, o orders.Order, h *orders.Hourly) error {
		if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE hourly_contracts SET state = 'paused', paused_at = ? WHERE order_id = ? AND state = 'active'`, db.Micros(tx.Now), o.ID); err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "hourly_paused", ""); err != nil {
			return err
		}
		return s.Orders.NotifyOther(ctx, tx, o, "hourly_paused", map[string]any{"title": o.Title, "by": actor.Name})
	})
}

// ResumeHourly resumes a paused contract (either side).
func (s *Service) ResumeHourly(ctx context.Context, actor users.User, orderID string) (orders.Order, error) {
	return s.actHourly(ctx, actor, orderID, orders.ActResume, func(tx *db.Tx, o orders.Order, h *orders.Hourly) error {
		if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE hourly_contracts SET state = 'active', paused_at = NULL WHERE order_id = ? AND state = 'paused'`, o.ID); err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "hourly_resumed", ""); err != nil {
			return err
		}
		return s.Orders.NotifyOther(ctx, tx, o, "hourly_resumed", map[string]any{"title": o.Title, "by": actor.Name})
	})
}

// EndHourly ends a contract for good (either side) and completes its order.
// The freelancer may still report the days up to the end's day until the
// week's charge, and the last week is charged, disputable and released
// like any other.
func (s *Service) EndHourly(ctx context.Context, actor users.User, orderID string) (orders.Order, error) {
	return s.actHourly(ctx, actor, orderID, orders.ActEnd, func(tx *db.Tx, o orders.Order, h *orders.Hourly) error {
		if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE hourly_contracts SET state = 'ended', ended_at = ?, paused_at = NULL WHERE order_id = ? AND state <> 'ended'`,
			db.Micros(tx.Now), o.ID); err != nil {
			return err
		}
		if err := orders.Transition(ctx, tx, o.ID, []orders.Status{orders.Active}, orders.Completed, `, completed_at = ?, closed_at = ?`, db.Micros(tx.Now), db.Micros(tx.Now)); err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "hourly_ended", ""); err != nil {
			return err
		}
		return s.Orders.NotifyOther(ctx, tx, o, "hourly_ended", map[string]any{"title": o.Title, "by": actor.Name})
	})
}

// SetWeeklyLimit changes a contract's weekly limit (the client's side): a
// raise applies at once, to the current week; a cut from next week, so
// hours already worked this week stay reportable.
func (s *Service) SetWeeklyLimit(ctx context.Context, actor users.User, orderID string, hours int) (orders.Order, error) {
	if hours < 1 || hours > orders.MaxLimitHours {
		return orders.Order{}, errs.Invalid("weekly_limit_hours", "weekly_limit_invalid").With("max", orders.MaxLimitHours)
	}
	return s.actHourly(ctx, actor, orderID, orders.ActSetLimit, func(tx *db.Tx, o orders.Order, h *orders.Hourly) error {
		if h.Rate.Amount*int64(hours) > s.Billing.Config.MaxAmount {
			return errs.Invalid("weekly_limit_hours", "amount_too_large")
		}
		ws := orders.WeekStart(tx.Now)
		current, err := orders.LimitFor(ctx, tx, o.ID, ws)
		if err != nil {
			return err
		}
		if next, err := orders.LimitFor(ctx, tx, o.ID, ws.Add(orders.Week)); err != nil {
			return err
		} else if hours > max(current, next) {
			// A raise is a new commitment of a week at the new limit: it
			// passes the gate, and waits for the admin above the policy.
			wait, err := s.Approvals.GateLimit(ctx, tx, o, h, actor, hours)
			if err != nil || wait {
				return err
			}
		} else if err := approvals.CloseCommitments(ctx, tx, `order_id = ? AND kind = 'hourly_limit' AND status = 'pending'`, o.ID); err != nil {
			return err // a cut, or no raise: what waited is moot
		}
		from := ws
		if hours < current {
			from = ws.Add(orders.Week)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM hourly_limits WHERE order_id = ? AND from_week >= ?`, o.ID, db.Micros(from)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM hourly_limits WHERE order_id = ? AND from_week > ?`, o.ID, db.Micros(ws)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hourly_limits (order_id, from_week, limit_hours) VALUES (?, ?, ?)`, o.ID, db.Micros(from), hours); err != nil {
			return err
		}
		body := fmt.Sprintf("%d h → %d h, from %s", current, hours, from.Format(orders.DayLayout))
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "hourly_limit_changed", body); err != nil {
			return err
		}
		return s.Orders.NotifyFreelancer(ctx, tx, o, "hourly_limit_changed", map[string]any{"title": o.Title, "hours": hours, "from": from.Format(orders.DayLayout)})
	})
}

// CarryLimit raises a weekly limit whose spending the admin approved.
func (s *Service) CarryLimit(ctx context.Context, actor users.User, a approvals.SpendApproval, _ string) error {
	_, err := s.SetWeeklyLimit(ctx, actor, a.OrderID, a.LimitHours)
	return err
}
