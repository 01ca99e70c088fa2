package orders

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
	"atelier/internal/money"
	"atelier/internal/users"
)

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

// States of an hourly contract as shown; suspended is a flag over the
// stored state.
const (
	ContractActive    ContractState = "active"
	ContractPaused    ContractState = "paused"
	ContractSuspended ContractState = "suspended"
	ContractEnded     ContractState = "ended"
)

// ContractState is where an hourly contract is.
type ContractState string

// ReportStatus is where a weekly report is.
type ReportStatus string

// Statuses of a weekly report.
const (
	ReportDraft    ReportStatus = "draft"    // filed, editable until its charge
	ReportCharged  ReportStatus = "charged"  // paid into escrow, disputable
	ReportDisputed ReportStatus = "disputed" // held in escrow for the resolution center
	ReportReleased ReportStatus = "released" // paid to the freelancer
	ReportFailed   ReportStatus = "failed"   // its charge failed; the contract is suspended
)

// ReportStatuses lists every status of a weekly report; ContractStates
// every stored state of a contract (suspended is a flag over them).
var (
	ReportStatuses = []ReportStatus{ReportDraft, ReportCharged, ReportDisputed, ReportReleased, ReportFailed}
	ContractStates = []ContractState{ContractActive, ContractPaused, ContractEnded}
)

// Timings of a week.
const (
	week             = 7 * 24 * time.Hour
	ChargeAfterWeek  = 12 * time.Hour // after the week's end: the edit deadline and the charge
	minDisputeWindow = 4 * 24 * time.Hour
	claimFor         = 5 * time.Minute // a node charging a report; then another may
	MaxLimitHours    = 168
	maxReportNote    = 1000
	minHourlyRate    = 100 // 1.00 of the currency
	dayLayout        = "2006-01-02"
)

// WeekStart is the Monday 00:00 UTC that starts t's week.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// chargeAt is when a week is charged: Monday 12:00 UTC after it.
func chargeAt(weekStart time.Time) time.Time { return weekStart.Add(week + ChargeAfterWeek) }

// disputeUntil is the end of the client's dispute window for a week charged
// at t: the first Friday 23:59:59 UTC at least 4 days after the charge.
func disputeUntil(t time.Time) time.Time {
	friday := WeekStart(t).AddDate(0, 0, 5).Add(-time.Second)
	for friday.Sub(t) < minDisputeWindow {
		friday = friday.AddDate(0, 0, 7)
	}
	return friday
}

// Hourly is an hourly contract as its order shows it.
type Hourly struct {
	Rate money.Money `json:"hourly_rate"`
	// WeeklyLimitHours is the limit of the current week; NextWeekLimitHours
	// next week's (lower after a cut).
	WeeklyLimitHours   int `json:"weekly_limit_hours"`
	NextWeekLimitHours int `json:"next_week_limit_hours"`
	// LimitAwaitingApproval is a raised limit that waits for the admin
	// (the spending gate), 0 when none does.
	LimitAwaitingApproval int            `json:"limit_awaiting_approval"`
	State                 ContractState  `json:"state"` // active, paused, suspended, ended
	CurrentWeekStart      string         `json:"current_week_start"`
	PausedAt              time.Time      `json:"paused_at,omitzero"`
	SuspendedAt           time.Time      `json:"suspended_at,omitzero"`
	EndedAt               time.Time      `json:"ended_at,omitzero"`
	Charged               money.Money    `json:"charged"`  // every week charged, fees included
	Held                  money.Money    `json:"held"`     // in escrow: charged or disputed weeks
	Released              money.Money    `json:"released"` // paid out to the freelancer (before commission)
	Reports               []WeeklyReport `json:"reports"`

	state     ContractState
	startedAt time.Time
	thisWeek  time.Time
}

// ReportDay is one day of a weekly report.
type ReportDay struct {
	Date    string  `json:"date"` // YYYY-MM-DD
	Hours   float64 `json:"hours"`
	Minutes int     `json:"minutes"`
	Note    string  `json:"note"`

	day time.Time
}

// Day is the report day's date (00:00 UTC).
func (d ReportDay) Day() time.Time { return d.day }

// Start is the report's Monday (00:00 UTC).
func (r WeeklyReport) Start() time.Time { return r.weekStart }

// ThisWeek is the Monday of the week the contract is in now.
func (h Hourly) ThisWeek() time.Time { return h.thisWeek }

// WeeklyReport is a week of hourly work and its money.
type WeeklyReport struct {
	ID        string      `json:"id"`
	OrderID   string      `json:"order_id"`
	WeekStart string      `json:"week_start"` // the Monday, YYYY-MM-DD
	Days      []ReportDay `json:"days"`
	Hours     float64     `json:"hours"`
	Minutes   int         `json:"minutes"`
	// Amount is hours × rate (rounded half up to the cent), Fees the
	// buyer's fees on it, Total the charge: stored when charged, a quote
	// before.
	Amount        money.Money  `json:"amount"`
	Fees          money.Money  `json:"fees"`
	Total         money.Money  `json:"total"`
	Status        ReportStatus `json:"status"`
	EditableUntil time.Time    `json:"editable_until"` // and charged at
	PaidWith      string       `json:"paid_with,omitempty"`
	InvoiceID     string       `json:"invoice_id,omitempty"`
	ChargedAt     time.Time    `json:"charged_at,omitzero"`
	DisputeUntil  time.Time    `json:"dispute_until,omitzero"`
	DisputedAt    time.Time    `json:"disputed_at,omitzero"`
	DisputeReason string       `json:"dispute_reason,omitempty"`
	ReleasedAt    time.Time    `json:"released_at,omitzero"`
	Failure       string       `json:"failure,omitempty"` // the error code of a failed charge
	// Actions are what the viewer may do on the week now: dispute
	// (actions.go).
	Actions []Action `json:"actions,omitempty"`

	weekStart time.Time
	chargeRef string
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

// weekAmount is what minutes of work cost at rate: rounded half up to the
// cent, with the buyer's fees on it (the percentage only: a week is not a
// small order).
func (s *Service) weekAmount(rate money.Money, minutes int) (money.Money, money.Money) {
	amount := money.New((rate.Amount*int64(minutes)+30)/60, rate.Currency)
	return amount, s.Billing.Week(amount).ServiceFee
}

func hoursOf(minutes int) float64 { return float64(minutes) / 60 }

// checkHourlyTerms validates an hourly rate and weekly limit.
func checkHourlyTerms(rate *money.Money, limit int, currency string, maxAmount int64) error {
	if err := offerAmount("hourly_rate", rate, currency, maxAmount); err != nil {
		return err
	}
	if rate.Amount < minHourlyRate {
		return errs.Invalid("hourly_rate", "hourly_rate_too_low").With("min", money.New(minHourlyRate, currency).String())
	}
	if limit < 1 || limit > MaxLimitHours {
		return errs.Invalid("weekly_limit_hours", "weekly_limit_invalid").With("max", MaxLimitHours)
	}
	if rate.Amount*int64(limit) > maxAmount {
		return errs.Invalid("weekly_limit_hours", "amount_too_large")
	}
	return nil
}

// insertContract creates an hourly order's contract and its first limit,
// which applies from the start.
func insertContract(ctx context.Context, tx *db.Tx, orderID string, rate money.Money, limit int) error {
	if _, err := tx.Exec(ctx, `INSERT INTO hourly_contracts (order_id, rate, currency, state) VALUES (?, ?, ?, 'active')`,
		orderID, rate.Amount, rate.Currency); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO hourly_limits (order_id, from_week, limit_hours) VALUES (?, 0, ?)`, orderID, limit)
	return err
}

// startHourly records the start of a contract (at acceptance, or at the
// admin's approval): nothing is charged until the first week's report.
func (s *Service) startHourly(ctx context.Context, tx *db.Tx, o Order) error {
	if _, err := event(ctx, tx, o.ID, "", "hourly_started", ""); err != nil {
		return err
	}
	return s.notifyFreelancer(ctx, tx, o, "hourly_started", map[string]any{"title": o.Title})
}

// limitFor is the weekly limit in effect the week starting at w.
func limitFor(ctx context.Context, q db.Queryer, orderID string, w time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT limit_hours FROM hourly_limits WHERE order_id = ? AND from_week <= ? ORDER BY from_week DESC LIMIT 1`,
		orderID, db.Micros(w)).Scan(&n)
	return n, db.NoRows(err)
}

// loadHourly fills an hourly order's contract, limits and reports.
func (s *Service) loadHourly(ctx context.Context, q db.Queryer, o *Order, now time.Time) error {
	h := &Hourly{}
	var paused, suspended, ended db.NullInt
	c := o.Total.Currency
	h.Rate.Currency = c
	if err := q.QueryRow(ctx, `SELECT rate, state, paused_at, suspended_at, ended_at FROM hourly_contracts WHERE order_id = ?`, o.ID).
		Scan(&h.Rate.Amount, &h.state, &paused, &suspended, &ended); err != nil {
		return db.NoRows(err)
	}
	h.PausedAt, h.SuspendedAt, h.EndedAt = db.NullTime(paused), db.NullTime(suspended), db.NullTime(ended)
	h.State = h.state
	if !h.SuspendedAt.IsZero() && h.state != ContractEnded {
		h.State = ContractSuspended
	}
	h.startedAt = o.StartedAt
	ws := WeekStart(now)
	h.thisWeek, h.CurrentWeekStart = ws, ws.Format(dayLayout)
	var err error
	if h.WeeklyLimitHours, err = limitFor(ctx, q, o.ID, ws); err != nil {
		return err
	}
	if h.NextWeekLimitHours, err = limitFor(ctx, q, o.ID, ws.Add(week)); err != nil {
		return err
	}
	if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(limit_hours), 0) FROM spend_approvals WHERE order_id = ? AND kind = 'hourly_limit' AND status = 'pending'`,
		o.ID).Scan(&h.LimitAwaitingApproval); err != nil {
		return err
	}
	if h.Reports, err = s.reportsOf(ctx, q, o.ID, h.Rate); err != nil {
		return err
	}
	h.Charged, h.Held, h.Released = money.New(0, c), money.New(0, c), money.New(0, c)
	for _, r := range h.Reports {
		switch r.Status {
		case ReportCharged, ReportDisputed:
			h.Charged.Amount += r.Total.Amount
			h.Held.Amount += r.Total.Amount
		case ReportReleased:
			h.Charged.Amount += r.Total.Amount
			h.Released.Amount += r.Amount.Amount
		}
	}
	o.Hourly = h
	return nil
}

const reportSelect = `SELECT id, order_id, week_start, minutes, status, amount, fees, currency, charge_at, paid_with, charge_ref, invoice_id,
	charged_at, dispute_until, disputed_at, dispute_reason, released_at, failure FROM hourly_reports `

func (s *Service) scanReport(row interface{ Scan(...any) error }, rate money.Money) (WeeklyReport, error) {
	var r WeeklyReport
	var ws, charge int64
	var c string
	var charged, until, disputed, released db.NullInt
	if err := row.Scan(&r.ID, &r.OrderID, &ws, &r.Minutes, &r.Status, &r.Amount.Amount, &r.Fees.Amount, &c, &charge, &r.PaidWith, &r.chargeRef,
		&r.InvoiceID, &charged, &until, &disputed, &r.DisputeReason, &released, &r.Failure); err != nil {
		return WeeklyReport{}, db.NoRows(err)
	}
	r.weekStart = db.Time(ws)
	r.WeekStart = r.weekStart.Format(dayLayout)
	r.Hours = hoursOf(r.Minutes)
	r.Amount.Currency, r.Fees.Currency = c, c
	if r.Status == ReportDraft || r.Status == ReportFailed {
		r.Amount, r.Fees = s.weekAmount(rate, r.Minutes) // a quote until charged
	}
	r.Total = money.New(r.Amount.Amount+r.Fees.Amount, c)
	r.EditableUntil = db.Time(charge)
	r.ChargedAt, r.DisputeUntil, r.DisputedAt, r.ReleasedAt = db.NullTime(charged), db.NullTime(until), db.NullTime(disputed), db.NullTime(released)
	r.Days = []ReportDay{}
	return r, nil
}

func (s *Service) fillDays(ctx context.Context, q db.Queryer, list []WeeklyReport) error {
	for i := range list {
		rows, err := q.Query(ctx, `SELECT day, minutes, note FROM hourly_report_days WHERE report_id = ? ORDER BY day`, list[i].ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var d ReportDay
			if err := rows.Scan(&d.Date, &d.Minutes, &d.Note); err != nil {
				rows.Close()
				return err
			}
			d.Hours = hoursOf(d.Minutes)
			if d.day, err = time.Parse(dayLayout, d.Date); err != nil {
				rows.Close()
				return err
			}
			list[i].Days = append(list[i].Days, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// reportsOf lists an order's weekly reports, oldest week first, with days.
func (s *Service) reportsOf(ctx context.Context, q db.Queryer, orderID string, rate money.Money) ([]WeeklyReport, error) {
	rows, err := q.Query(ctx, reportSelect+`WHERE order_id = ? ORDER BY week_start`, orderID)
	if err != nil {
		return nil, err
	}
	list := []WeeklyReport{}
	for rows.Next() {
		r, err := s.scanReport(rows, rate)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return list, s.fillDays(ctx, q, list)
}

var errReportNotFound = errs.NotFound("report_not_found")

// parseWeek reads a week's Monday: YYYY-MM-DD, or an RFC 3339 time at
// Monday 00:00 UTC.
func parseWeek(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	t, err := time.Parse(dayLayout, v)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			return time.Time{}, errs.Invalid("week_start", "week_start_invalid")
		}
		t = t.UTC()
	}
	if !WeekStart(t).Equal(t) {
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
		date, err := time.Parse(dayLayout, strings.TrimSpace(d.Date))
		if err != nil {
			return nil, 0, errs.Invalid(f+"date", "date_invalid")
		}
		if date.Before(ws) || !date.Before(ws.Add(week)) {
			return nil, 0, errs.Invalid(f+"date", "day_outside_week")
		}
		if seen[date.Format(dayLayout)] {
			return nil, 0, errs.Invalid(f+"date", "day_duplicate")
		}
		seen[date.Format(dayLayout)] = true
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
		note, err := text(f+"note", d.Note, true)
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

// hourlyOrder checks that o is a running hourly contract's order.
func hourlyOrder(o Order) error {
	if o.Kind != KindHourly || o.Hourly == nil {
		return errs.Conflict("order_not_hourly")
	}
	switch o.Status {
	case PendingApproval:
		return errs.Conflict("order_not_started")
	case Cancelled, Rejected:
		return errs.Conflict("order_closed")
	}
	return nil
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// FileReport files (or replaces) the freelancer's report of one week. It
// is refused, storing nothing, for a day in the future, before the
// contract's start, after its pause or end, or when the week's total
// exceeds the limit in effect that week; from Monday 12:00 UTC after the
// week (its charge) it can no longer change.
func (s *Service) FileReport(ctx context.Context, actor users.User, orderID string, in NewReport) (WeeklyReport, error) {
	ws, err := parseWeek(in.WeekStart)
	if err != nil {
		return WeeklyReport{}, err
	}
	days, total, err := checkDays(ws, in.Days)
	if err != nil {
		return WeeklyReport{}, err
	}
	var id string
	_, err = s.act(ctx, actor, orderID, FreelancerSide, func(tx *db.Tx, o Order) error {
		if err := hourlyOrder(o); err != nil {
			return err
		}
		h := o.Hourly
		today := dayOf(tx.Now)
		for i, d := range days {
			if code := dayRefusal(h, d.date, today); code != "" {
				return errs.Invalid("days."+strconv.Itoa(i)+".date", code)
			}
		}
		if !h.SuspendedAt.IsZero() {
			return errs.Conflict("contract_suspended")
		}
		if !tx.Now.Before(chargeAt(ws)) {
			return errs.Conflict("report_locked")
		}
		limit, err := limitFor(ctx, tx, o.ID, ws)
		if err != nil {
			return err
		}
		if total > limit*60 {
			return errs.Invalid("days", "weekly_limit_exceeded").With("limit", limit)
		}
		if id, err = saveReport(ctx, tx, o, ws, days, total, actor.ID); err != nil {
			return err
		}
		hours := strconv.FormatFloat(hoursOf(total), 'f', -1, 64)
		if _, err := event(ctx, tx, o.ID, actor.ID, "hourly_report_filed", ws.Format(dayLayout)+": "+hours+" h"); err != nil {
			return err
		}
		return s.notifyBuyer(ctx, tx, o, "hourly_report_filed", map[string]any{"title": o.Title, "week": ws.Format(dayLayout), "hours": hours})
	})
	if err != nil {
		return WeeklyReport{}, err
	}
	return s.Report(ctx, actor, orderID, id)
}

// saveReport writes a week's report: a new draft, or the draft of the week
// again (a report charged or being charged is locked), with its days.
func saveReport(ctx context.Context, tx *db.Tx, o Order, ws time.Time, days []reportDay, total int, actorID string) (string, error) {
	var id string
	var status ReportStatus
	err := tx.QueryRow(ctx, `SELECT id, status FROM hourly_reports WHERE order_id = ? AND week_start = ?`, o.ID, db.Micros(ws)).Scan(&id, &status)
	switch {
	case errors.Is(db.NoRows(err), db.ErrNotFound):
		id = db.NewID("hwr")
		_, err = tx.Exec(ctx, `INSERT INTO hourly_reports (id, order_id, week_start, minutes, status, currency, charge_at, filed_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`, id, o.ID, db.Micros(ws), total, o.Hourly.Rate.Currency, db.Micros(chargeAt(ws)), actorID,
			db.Micros(tx.Now), db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return "", errs.Conflict("order_state_changed")
		}
		if err != nil {
			return "", err
		}
	case err != nil:
		return "", err
	case status != ReportDraft:
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
			id, d.date.Format(dayLayout), d.minutes, d.note); err != nil {
			return "", err
		}
	}
	return id, nil
}

// Reports lists an hourly order's weekly reports to either side.
func (s *Service) Reports(ctx context.Context, actor users.User, orderID string) ([]WeeklyReport, error) {
	o, _, err := s.view(ctx, s.DB, actor, orderID)
	if err != nil {
		return nil, err
	}
	if o.Hourly == nil {
		return nil, errs.Conflict("order_not_hourly")
	}
	return o.Hourly.Reports, nil
}

// Report returns one weekly report to either side of its order.
func (s *Service) Report(ctx context.Context, actor users.User, orderID, reportID string) (WeeklyReport, error) {
	list, err := s.Reports(ctx, actor, orderID)
	if err != nil {
		return WeeklyReport{}, err
	}
	for _, r := range list {
		if r.ID == reportID {
			return r, nil
		}
	}
	return WeeklyReport{}, errReportNotFound
}

// DisputeReport contests a charged week (the client's side) within its
// dispute window: its money stays in escrow, and the report waits as
// disputed for the resolution center.
func (s *Service) DisputeReport(ctx context.Context, actor users.User, orderID, reportID, reason string) (WeeklyReport, error) {
	reason, err := text("reason", reason, true)
	if err != nil {
		return WeeklyReport{}, err
	}
	_, err = s.act(ctx, actor, orderID, ClientSide, func(tx *db.Tx, o Order) error {
		if o.Kind != KindHourly || o.Hourly == nil {
			return errReportNotFound
		}
		for _, r := range o.Hourly.Reports {
			if r.ID != reportID {
				continue
			}
			switch r.Status {
			case ReportDraft, ReportFailed:
				return errs.Conflict("report_not_charged")
			case ReportDisputed:
				return errs.Conflict("report_disputed")
			case ReportReleased:
				return errs.Conflict("dispute_window_closed")
			}
			if tx.Now.After(r.DisputeUntil) {
				return errs.Conflict("dispute_window_closed")
			}
			res, err := tx.Exec(ctx, `UPDATE hourly_reports SET status = 'disputed', disputed_at = ?, disputed_by = ?, dispute_reason = ?, updated_at = ?
				WHERE id = ? AND status = 'charged' AND dispute_until >= ?`, db.Micros(tx.Now), actor.ID, reason, db.Micros(tx.Now), r.ID, db.Micros(tx.Now))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.Conflict("order_state_changed")
			}
			if _, err := event(ctx, tx, o.ID, actor.ID, "hourly_report_disputed", r.WeekStart+"\n\n"+reason); err != nil {
				return err
			}
			if err := notifyOperators(ctx, tx, "hourly_dispute_opened", map[string]any{"title": o.Title, "week": r.WeekStart},
				"/operator/hourly-disputes"); err != nil {
				return err
			}
			return s.notifyFreelancer(ctx, tx, o, "hourly_report_disputed", map[string]any{"title": o.Title, "week": r.WeekStart, "reason": reason})
		}
		return errReportNotFound
	})
	if err != nil {
		return WeeklyReport{}, err
	}
	return s.Report(ctx, actor, orderID, reportID)
}

// notifyOther tells the other side of an order than the actor's.
func (s *Service) notifyOther(ctx context.Context, tx *db.Tx, o Order, kind string, params map[string]any) error {
	if o.Side == ClientSide {
		return s.notifyFreelancer(ctx, tx, o, kind, params)
	}
	return s.notifyBuyer(ctx, tx, o, kind, params)
}

// actHourly runs a change of an hourly contract for one side ("" for either).
func (s *Service) actHourly(ctx context.Context, actor users.User, orderID string, a Action, fn func(tx *db.Tx, o Order, h *Hourly) error) (Order, error) {
	wantSide := ""
	if a == ActSetLimit {
		wantSide = ClientSide
	}
	return s.act(ctx, actor, orderID, wantSide, func(tx *db.Tx, o Order) error {
		if err := o.refusal(a, tx.Now); err != nil {
			return err
		}
		return fn(tx, o, o.Hourly)
	})
}

// PauseHourly pauses a contract (either side): no hours may be reported for
// the days after the pause's day until it resumes. Reports already filed
// are charged as usual.
func (s *Service) PauseHourly(ctx context.Context, actor users.User, orderID string) (Order, error) {
	return s.actHourly(ctx, actor, orderID, ActPause, func(tx *db.Tx, o Order, h *Hourly) error {
		res, err := tx.Exec(ctx, `UPDATE hourly_contracts SET state = 'paused', paused_at = ? WHERE order_id = ? AND state = 'active'`, db.Micros(tx.Now), o.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("order_state_changed")
		}
		if _, err := event(ctx, tx, o.ID, actor.ID, "hourly_paused", ""); err != nil {
			return err
		}
		return s.notifyOther(ctx, tx, o, "hourly_paused", map[string]any{"title": o.Title, "by": actor.Name})
	})
}

// ResumeHourly resumes a paused contract (either side).
func (s *Service) ResumeHourly(ctx context.Context, actor users.User, orderID string) (Order, error) {
	return s.actHourly(ctx, actor, orderID, ActResume, func(tx *db.Tx, o Order, h *Hourly) error {
		res, err := tx.Exec(ctx, `UPDATE hourly_contracts SET state = 'active', paused_at = NULL WHERE order_id = ? AND state = 'paused'`, o.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("order_state_changed")
		}
		if _, err := event(ctx, tx, o.ID, actor.ID, "hourly_resumed", ""); err != nil {
			return err
		}
		return s.notifyOther(ctx, tx, o, "hourly_resumed", map[string]any{"title": o.Title, "by": actor.Name})
	})
}

// EndHourly ends a contract for good (either side) and completes its order.
// The freelancer may still report the days up to the end's day until the
// week's charge, and the last week is charged, disputable and released
// like any other.
func (s *Service) EndHourly(ctx context.Context, actor users.User, orderID string) (Order, error) {
	return s.actHourly(ctx, actor, orderID, ActEnd, func(tx *db.Tx, o Order, h *Hourly) error {
		res, err := tx.Exec(ctx, `UPDATE hourly_contracts SET state = 'ended', ended_at = ?, paused_at = NULL WHERE order_id = ? AND state <> 'ended'`,
			db.Micros(tx.Now), o.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("order_state_changed")
		}
		if err := transition(ctx, tx, o.ID, []Status{Active}, Completed, `, completed_at = ?, closed_at = ?`, db.Micros(tx.Now), db.Micros(tx.Now)); err != nil {
			return err
		}
		if _, err := event(ctx, tx, o.ID, actor.ID, "hourly_ended", ""); err != nil {
			return err
		}
		return s.notifyOther(ctx, tx, o, "hourly_ended", map[string]any{"title": o.Title, "by": actor.Name})
	})
}

// SetWeeklyLimit changes a contract's weekly limit (the client's side): a
// raise applies at once, to the current week; a cut from next week, so
// hours already worked this week stay reportable.
func (s *Service) SetWeeklyLimit(ctx context.Context, actor users.User, orderID string, hours int) (Order, error) {
	if hours < 1 || hours > MaxLimitHours {
		return Order{}, errs.Invalid("weekly_limit_hours", "weekly_limit_invalid").With("max", MaxLimitHours)
	}
	return s.actHourly(ctx, actor, orderID, ActSetLimit, func(tx *db.Tx, o Order, h *Hourly) error {
		if h.Rate.Amount*int64(hours) > s.Billing.Config.MaxAmount {
			return errs.Invalid("weekly_limit_hours", "amount_too_large")
		}
		ws := WeekStart(tx.Now)
		current, err := limitFor(ctx, tx, o.ID, ws)
		if err != nil {
			return err
		}
		if next, err := limitFor(ctx, tx, o.ID, ws.Add(week)); err != nil {
			return err
		} else if hours > max(current, next) {
			// A raise is a new commitment of a week at the new limit: it
			// passes the gate, and waits for the admin above the policy.
			wait, err := s.gateLimit(ctx, tx, o, h, actor, hours)
			if err != nil || wait {
				return err
			}
		} else if err := closeCommitments(ctx, tx, `order_id = ? AND kind = 'hourly_limit' AND status = 'pending'`, o.ID); err != nil {
			return err // a cut, or no raise: what waited is moot
		}
		from := ws
		if hours < current {
			from = ws.Add(week)
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
		body := fmt.Sprintf("%d h → %d h, from %s", current, hours, from.Format(dayLayout))
		if _, err := event(ctx, tx, o.ID, actor.ID, "hourly_limit_changed", body); err != nil {
			return err
		}
		return s.notifyFreelancer(ctx, tx, o, "hourly_limit_changed", map[string]any{"title": o.Title, "hours": hours, "from": from.Format(dayLayout)})
	})
}

// reportPayment charges one week into the order's escrow with its own
// invoice, once: the claim locks the report while it waits to be charged
// and start marks it charged, both conditional on its status (and start on
// the hours that were priced).
func (s *Service) reportPayment(o Order, rate money.Money, r WeeklyReport, key string) payment {
	amount, fees := s.weekAmount(rate, r.Minutes)
	hours := strconv.FormatFloat(hoursOf(r.Minutes), 'f', -1, 64)
	desc := fmt.Sprintf("%s — week of %s: %s h × %s", o.Title, r.WeekStart, hours, rate.String())
	return payment{order: o, amount: money.New(amount.Amount+fees.Amount, amount.Currency), key: key,
		line: billing.OrderCharge{AccountID: o.AccountID, OrderID: o.ID, Description: desc, Quantity: 1, UnitPrice: amount, Fees: fees, Kind: "hourly",
			Label: "hourly_week", Args: map[string]string{"title": o.Title, "week": r.WeekStart, "hours": hours,
				"rate": strconv.FormatInt(rate.Amount, 10) + " " + rate.Currency}},
		claim: func(ctx context.Context, tx *db.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE hourly_reports SET updated_at = ? WHERE id = ? AND status IN ('draft', 'failed')`, db.Micros(tx.Now), r.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.Conflict("order_state_changed")
			}
			return nil
		},
		start: func(ctx context.Context, tx *db.Tx, paidWith, charge, invoiceID string) error {
			res, err := tx.Exec(ctx, `UPDATE hourly_reports SET status = 'charged', amount = ?, fees = ?, paid_with = ?, charge_ref = ?, invoice_id = ?,
				charged_at = ?, dispute_until = ?, claimed_until = NULL, failure = '', updated_at = ? WHERE id = ? AND status IN ('draft', 'failed') AND minutes = ?`,
				amount.Amount, fees.Amount, paidWith, charge, invoiceID, db.Micros(tx.Now), db.Micros(disputeUntil(tx.Now)), db.Micros(tx.Now), r.ID, r.Minutes)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.Conflict("order_state_changed")
			}
			total := money.New(amount.Amount+fees.Amount, amount.Currency)
			if _, err := event(ctx, tx, o.ID, "", "hourly_charged", r.WeekStart+": "+hours+" h, "+total.String()); err != nil {
				return err
			}
			params := map[string]any{"title": o.Title, "week": r.WeekStart, "hours": hours, "total": total.String()}
			if err := s.notifyBuyer(ctx, tx, o, "hourly_charged", params); err != nil {
				return err
			}
			return s.notifyFreelancer(ctx, tx, o, "hourly_charged", params)
		},
		recorded: func(ctx context.Context) string {
			var ref string
			if err := s.DB.QueryRow(ctx, `SELECT charge_ref FROM hourly_reports WHERE id = ?`, r.ID).Scan(&ref); err != nil {
				return ""
			}
			return ref
		}}
}

// chargeReport charges one report now; key makes the card charge once per
// attempt.
func (s *Service) chargeReport(ctx context.Context, orderID, reportID, key string) error {
	o, err := load(ctx, s.DB, orderID)
	if err != nil {
		return err
	}
	var rate money.Money
	rate.Currency = o.Total.Currency
	if err := s.DB.QueryRow(ctx, `SELECT rate FROM hourly_contracts WHERE order_id = ?`, orderID).Scan(&rate.Amount); err != nil {
		return err
	}
	r, err := s.scanReport(s.DB.QueryRow(ctx, reportSelect+`WHERE id = ?`, reportID), rate)
	if err != nil {
		return err
	}
	if r.Status != ReportDraft && r.Status != ReportFailed {
		return errs.Conflict("order_state_changed")
	}
	// The key names the hours too: a report changed between the read and
	// the charge is charged anew, never at the old amount.
	return s.pay(ctx, s.reportPayment(o, rate, r, "hourly:"+r.ID+":"+strconv.Itoa(r.Minutes)+":"+key))
}

// failCharge records a refused charge: the report fails and the contract is
// suspended until the client retries; both sides are told.
func (s *Service) failCharge(ctx context.Context, orderID, reportID, code string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := load(ctx, tx, orderID)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE hourly_reports SET status = 'failed', failure = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('draft', 'failed')`,
			code, db.Micros(tx.Now), reportID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // charged meanwhile
		}
		res, err = tx.Exec(ctx, `UPDATE hourly_contracts SET suspended_at = ? WHERE order_id = ? AND suspended_at IS NULL`, db.Micros(tx.Now), orderID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already suspended: told once
		}
		if _, err := event(ctx, tx, o.ID, "", "hourly_charge_failed", code); err != nil {
			return err
		}
		if err := s.notifyBuyer(ctx, tx, o, "hourly_charge_failed", map[string]any{"title": o.Title}); err != nil {
			return err
		}
		return s.notifyFreelancer(ctx, tx, o, "hourly_suspended", map[string]any{"title": o.Title})
	})
}

// ChargeHourlyWeeks is the Monday 12:00 UTC timer: every report whose week
// is over and whose edit window closed is charged, once. A node claims a
// report with a conditional UPDATE before charging it, so two nodes never
// charge the same week; the charge's own transaction is conditional on the
// report's status too. Reports of a suspended contract wait for the
// client's retry. A refused charge (card declined, no payment method)
// fails the report and suspends the contract.
func (s *Service) ChargeHourlyWeeks(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.DB.Query(ctx, `SELECT r.id, r.order_id `+weeksToCharge+` AND r.charge_at <= ? AND (r.claimed_until IS NULL OR r.claimed_until < ?)
		ORDER BY r.charge_at, r.id LIMIT 200`, db.Micros(now), db.Micros(now))
	if err != nil {
		return 0, err
	}
	type due struct{ id, order string }
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.order); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	applied := 0
	for _, d := range list {
		res, err := s.DB.Exec(ctx, `UPDATE hourly_reports SET claimed_until = ? WHERE id = ? AND status = 'draft' AND charge_at <= ?
			AND (claimed_until IS NULL OR claimed_until < ?) AND order_id IN (SELECT order_id FROM hourly_contracts WHERE suspended_at IS NULL)`,
			db.Micros(now.Add(claimFor)), d.id, db.Micros(now), db.Micros(now))
		if err != nil {
			return applied, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			continue // another node has it, or the contract was suspended meanwhile
		}
		err = s.chargeReport(ctx, d.order, d.id, "auto")
		if err == nil {
			applied++
			continue
		}
		e, ok := errs.As(err)
		if !ok {
			return applied, err // the claim expires and a later sweep retries
		}
		if e.Code == "order_state_changed" {
			continue
		}
		if err := s.failCharge(ctx, d.order, d.id, e.Code); err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// RetryHourlyCharge charges the weeks of a suspended contract that are due
// (the failed one and any later), oldest first, and lifts the suspension
// once all are paid (the client's side, who may buy). A refusal keeps the
// contract suspended and answers the card's error. key is the request's
// Idempotency-Key; without one each call is a new attempt.
func (s *Service) RetryHourlyCharge(ctx context.Context, actor users.User, orderID, key string) (Order, error) {
	var due []string
	var o Order
	if _, err := s.act(ctx, actor, orderID, ClientSide, func(tx *db.Tx, cur Order) error {
		if err := cur.refusal(ActRetryCharge, tx.Now); err != nil {
			return err
		}
		o = cur
		for _, r := range cur.Hourly.Reports {
			if r.Status == ReportFailed || (r.Status == ReportDraft && !tx.Now.Before(r.EditableUntil)) {
				due = append(due, r.ID)
			}
		}
		return nil
	}); err != nil {
		return Order{}, err
	}
	if key == "" {
		key = db.NewID("try")
	}
	for _, id := range due {
		if err := s.chargeReport(ctx, orderID, id, "retry:"+key); err != nil {
			if e, ok := errs.As(err); ok && e.Code != "order_state_changed" {
				if ferr := s.failCharge(ctx, orderID, id, e.Code); ferr != nil {
					return Order{}, ferr
				}
			}
			return Order{}, err
		}
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE hourly_contracts SET suspended_at = NULL WHERE order_id = ? AND suspended_at IS NOT NULL`, orderID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if _, err := event(ctx, tx, orderID, actor.ID, "hourly_reinstated", ""); err != nil {
			return err
		}
		return s.notifyFreelancer(ctx, tx, o, "hourly_reinstated", map[string]any{"title": o.Title})
	})
	if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, actor, orderID)
}

// ReleaseHourlyWeeks is the timer that pays the freelancer each charged
// week left undisputed past its dispute window: its amount less the
// commission to the freelancer's pending earnings, its fees and the
// commission to the platform; the account earns its rewards credit on it.
// The conditional UPDATE releases a week once, on one node.
func (s *Service) ReleaseHourlyWeeks(ctx context.Context, now time.Time) (int, error) {
	due, err := db.Strings(ctx, s.DB, `SELECT id `+weeksCharged+` AND dispute_until < ? ORDER BY dispute_until, id LIMIT 200`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, id := range due {
		released := false
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			released = false
			var orderID string
			if err := tx.QueryRow(ctx, `SELECT order_id FROM hourly_reports WHERE id = ?`, id).Scan(&orderID); err != nil {
				return err
			}
			o, err := load(ctx, tx, orderID)
			if err != nil {
				return err
			}
			r, err := s.scanReport(tx.QueryRow(ctx, reportSelect+`WHERE id = ?`, id), money.New(0, o.Total.Currency))
			if err != nil {
				return err
			}
			res, err := tx.Exec(ctx, `UPDATE hourly_reports SET status = 'released', released_at = ?, updated_at = ? WHERE id = ? AND status = 'charged' AND dispute_until < ?`,
				db.Micros(now), db.Micros(now), id, db.Micros(now))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return nil // disputed or released meanwhile
			}
			if err := s.Billing.Release(ctx, tx, o.AccountID, o.ID, o.FreelancerID, r.Amount, r.Fees, o.pro); err != nil {
				return err
			}
			if _, err := event(ctx, tx, o.ID, "", "hourly_released", r.WeekStart+": "+r.Amount.String()); err != nil {
				return err
			}
			released = true
			return s.notifyFreelancer(ctx, tx, o, "hourly_released", map[string]any{"title": o.Title, "week": r.WeekStart, "amount": r.Amount.String()})
		})
		if err != nil {
			return applied, err
		}
		if released {
			applied++
		}
	}
	return applied, nil
}

// WeekLimit is the weekly limit in effect the week starting weekStart
// (YYYY-MM-DD, a Monday) of an hourly order, to either side: what a report
// of that week may reach.
func (s *Service) WeekLimit(ctx context.Context, actor users.User, orderID, weekStart string) (int, error) {
	ws, err := parseWeek(weekStart)
	if err != nil {
		return 0, err
	}
	o, _, err := s.view(ctx, s.DB, actor, orderID)
	if err != nil {
		return 0, err
	}
	if o.Hourly == nil {
		return 0, errs.Conflict("order_not_hourly")
	}
	return limitFor(ctx, s.DB, orderID, ws)
}
