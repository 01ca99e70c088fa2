package orders

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
)

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
	Week            = 7 * 24 * time.Hour
	ChargeAfterWeek = 12 * time.Hour // after the week's end: the edit deadline and the charge
	MaxLimitHours   = 168
	DayLayout       = "2006-01-02"
)

// WeekStart is the Monday 00:00 UTC that starts t's week.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// ChargeAt is when a week is charged: Monday 12:00 UTC after it.
func ChargeAt(weekStart time.Time) time.Time { return weekStart.Add(Week + ChargeAfterWeek) }

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

// WeekAmount is what minutes of work cost at rate: rounded half up to the
// cent, with the buyer's fees on it (the percentage only: a week is not a
// small order).
func (s *Service) WeekAmount(rate money.Money, minutes int) (money.Money, money.Money) {
	amount := money.New((rate.Amount*int64(minutes)+30)/60, rate.Currency)
	return amount, s.Billing.Week(amount).ServiceFee
}

func HoursOf(minutes int) float64 { return float64(minutes) / 60 }

// startHourly records the start of a contract (at acceptance, or at the
// admin's approval): nothing is charged until the first week's report.
func (s *Service) startHourly(ctx context.Context, tx *db.Tx, o Order) error {
	if _, err := AddEvent(ctx, tx, o.ID, "", "hourly_started", ""); err != nil {
		return err
	}
	return s.NotifyFreelancer(ctx, tx, o, "hourly_started", map[string]any{"title": o.Title})
}

// LimitFor is the weekly limit in effect the week starting at w.
func LimitFor(ctx context.Context, q db.Queryer, orderID string, w time.Time) (int, error) {
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
	h.thisWeek, h.CurrentWeekStart = ws, ws.Format(DayLayout)
	var err error
	if h.WeeklyLimitHours, err = LimitFor(ctx, q, o.ID, ws); err != nil {
		return err
	}
	if h.NextWeekLimitHours, err = LimitFor(ctx, q, o.ID, ws.Add(Week)); err != nil {
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
	r.WeekStart = r.weekStart.Format(DayLayout)
	r.Hours = HoursOf(r.Minutes)
	r.Amount.Currency, r.Fees.Currency = c, c
	if r.Status == ReportDraft || r.Status == ReportFailed {
		r.Amount, r.Fees = s.WeekAmount(rate, r.Minutes) // a quote until charged
	}
	r.Total = money.New(r.Amount.Amount+r.Fees.Amount, c)
	r.EditableUntil = db.Time(charge)
	r.ChargedAt, r.DisputeUntil, r.DisputedAt, r.ReleasedAt = db.NullTime(charged), db.NullTime(until), db.NullTime(disputed), db.NullTime(released)
	r.Days = []ReportDay{}
	return r, nil
}

// LoadReport reads one weekly report, without its days (WithDays), its
// amounts quoted at rate until it is charged.
func (s *Service) LoadReport(ctx context.Context, q db.Queryer, id string, rate money.Money) (WeeklyReport, error) {
	return s.scanReport(q.QueryRow(ctx, reportSelect+`WHERE id = ?`, id), rate)
}

func (s *Service) WithDays(ctx context.Context, q db.Queryer, list []WeeklyReport) error {
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
			d.Hours = HoursOf(d.Minutes)
			if d.day, err = time.Parse(DayLayout, d.Date); err != nil {
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
	return list, s.WithDays(ctx, q, list)
}

// HourlyOrder checks that o is a running hourly contract's order.
func HourlyOrder(o Order) error {
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

func DayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// NotifyOther tells the other side of an order than the actor's.
func (s *Service) NotifyOther(ctx context.Context, tx *db.Tx, o Order, kind string, params map[string]any) error {
	if o.Side == ClientSide {
		return s.NotifyFreelancer(ctx, tx, o, kind, params)
	}
	return s.NotifyBuyer(ctx, tx, o, kind, params)
}
