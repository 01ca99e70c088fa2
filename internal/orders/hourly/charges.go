package hourly

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/jobs"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// reportPayment charges one week into the order's escrow with its own
// invoice, once: the claim locks the report while it waits to be charged
// and start marks it charged, both conditional on its status (and start on
// the hours that were priced).
func (s *Service) reportPayment(o orders.Order, rate money.Money, r orders.WeeklyReport, key string) orders.Payment {
	amount, fees := s.Orders.WeekAmount(rate, r.Minutes)
	hours := strconv.FormatFloat(orders.HoursOf(r.Minutes), 'f', -1, 64)
	desc := fmt.Sprintf("%s — week of %s: %s h × %s", o.Title, r.WeekStart, hours, rate.String())
	return orders.Payment{Order: o, Amount: money.New(amount.Amount+fees.Amount, amount.Currency), Key: key,
		Line: billing.OrderCharge{AccountID: o.AccountID, OrderID: o.ID, Description: desc, Quantity: 1, UnitPrice: amount, Fees: fees, Kind: "hourly",
			Label: "hourly_week", Args: map[string]string{"title": o.Title, "week": r.WeekStart, "hours": hours,
				"rate": strconv.FormatInt(rate.Amount, 10) + " " + rate.Currency}},
		Claim: func(ctx context.Context, tx *db.Tx) error {
			if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE hourly_reports SET updated_at = ? WHERE id = ? AND status IN ('draft', 'failed')`, db.Micros(tx.Now), r.ID); err != nil {
				return err
			}
			return nil
		},
		Start: func(ctx context.Context, tx *db.Tx, paidWith, charge, invoiceID string) error {
			if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE hourly_reports SET status = 'charged', amount = ?, fees = ?, paid_with = ?, charge_ref = ?, invoice_id = ?,
				charged_at = ?, dispute_until = ?, claimed_until = NULL, failure = '', updated_at = ? WHERE id = ? AND status IN ('draft', 'failed') AND minutes = ?`,
				amount.Amount, fees.Amount, paidWith, charge, invoiceID, db.Micros(tx.Now), db.Micros(disputeUntil(tx.Now)), db.Micros(tx.Now), r.ID, r.Minutes); err != nil {
				return err
			}
			total := money.New(amount.Amount+fees.Amount, amount.Currency)
			if _, err := orders.AddEvent(ctx, tx, o.ID, "", "hourly_charged", r.WeekStart+": "+hours+" h, "+total.String()); err != nil {
				return err
			}
			params := map[string]any{"title": o.Title, "week": r.WeekStart, "hours": hours, "total": total.String()}
			if err := s.Orders.NotifyBuyer(ctx, tx, o, "hourly_charged", params); err != nil {
				return err
			}
			return s.Orders.NotifyFreelancer(ctx, tx, o, "hourly_charged", params)
		},
		Recorded: func(ctx context.Context) string {
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
	o, err := orders.Load(ctx, s.DB, orderID)
	if err != nil {
		return err
	}
	var rate money.Money
	rate.Currency = o.Total.Currency
	if err := s.DB.QueryRow(ctx, `SELECT rate FROM hourly_contracts WHERE order_id = ?`, orderID).Scan(&rate.Amount); err != nil {
		return err
	}
	r, err := s.Orders.LoadReport(ctx, s.DB, reportID, rate)
	if err != nil {
		return err
	}
	if r.Status != orders.ReportDraft && r.Status != orders.ReportFailed {
		return errs.Conflict("order_state_changed")
	}
	// The key names the hours too: a report changed between the read and
	// the charge is charged anew, never at the old amount.
	return s.Orders.Pay(ctx, s.reportPayment(o, rate, r, "hourly:"+r.ID+":"+strconv.Itoa(r.Minutes)+":"+key))
}

// failCharge records a refused charge: the report fails and the contract is
// suspended until the client retries; both sides are told.
func (s *Service) failCharge(ctx context.Context, orderID, reportID, code string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := orders.Load(ctx, tx, orderID)
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
		if _, err := orders.AddEvent(ctx, tx, o.ID, "", "hourly_charge_failed", code); err != nil {
			return err
		}
		if err := s.Orders.NotifyBuyer(ctx, tx, o, "hourly_charge_failed", map[string]any{"title": o.Title}); err != nil {
			return err
		}
		return s.Orders.NotifyFreelancer(ctx, tx, o, "hourly_suspended", map[string]any{"title": o.Title})
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
	type due struct{ id, order string }
	list, err := db.Collect(ctx, s.DB, func(r db.Row) (d due, err error) {
		err = r.Scan(&d.id, &d.order)
		return
	}, `SELECT r.id, r.order_id `+weeksToCharge+` AND r.charge_at <= ? AND (r.claimed_until IS NULL OR r.claimed_until < ?)
		ORDER BY r.charge_at, r.id LIMIT 200`, db.Micros(now), db.Micros(now))
	if err != nil {
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
func (s *Service) RetryHourlyCharge(ctx context.Context, actor users.User, orderID, key string) (orders.Order, error) {
	var due []string
	var o orders.Order
	if _, err := s.Orders.Act(ctx, actor, orderID, orders.ClientSide, func(tx *db.Tx, cur orders.Order) error {
		if err := cur.Refusal(orders.ActRetryCharge, tx.Now); err != nil {
			return err
		}
		o = cur
		for _, r := range cur.Hourly.Reports {
			if r.Status == orders.ReportFailed || (r.Status == orders.ReportDraft && !tx.Now.Before(r.EditableUntil)) {
				due = append(due, r.ID)
			}
		}
		return nil
	}); err != nil {
		return orders.Order{}, err
	}
	if key == "" {
		key = db.NewID("try")
	}
	for _, id := range due {
		if err := s.chargeReport(ctx, orderID, id, "retry:"+key); err != nil {
			if e, ok := errs.As(err); ok && e.Code != "order_state_changed" {
				if ferr := s.failCharge(ctx, orderID, id, e.Code); ferr != nil {
					return orders.Order{}, ferr
				}
			}
			return orders.Order{}, err
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
		if _, err := orders.AddEvent(ctx, tx, orderID, actor.ID, "hourly_reinstated", ""); err != nil {
			return err
		}
		return s.Orders.NotifyFreelancer(ctx, tx, o, "hourly_reinstated", map[string]any{"title": o.Title})
	})
	if err != nil {
		return orders.Order{}, err
	}
	return s.Orders.Get(ctx, actor, orderID)
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
			o, err := orders.Load(ctx, tx, orderID)
			if err != nil {
				return err
			}
			r, err := s.Orders.LoadReport(ctx, tx, id, money.New(0, o.Total.Currency))
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
			if err := s.Orders.Release(ctx, tx, o, r.Amount, r.Fees); err != nil {
				return err
			}
			if _, err := orders.AddEvent(ctx, tx, o.ID, "", "hourly_released", r.WeekStart+": "+r.Amount.String()); err != nil {
				return err
			}
			released = true
			return s.Orders.NotifyFreelancer(ctx, tx, o, "hourly_released", map[string]any{"title": o.Title, "week": r.WeekStart, "amount": r.Amount.String()})
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
	o, _, err := s.Orders.View(ctx, s.DB, actor, orderID)
	if err != nil {
		return 0, err
	}
	return s.LimitOf(ctx, o, ws)
}

// LimitOf is the weekly limit in effect the week starting at ws of o, an
// hourly order as orders read it for its viewer (the order page's read).
func (s *Service) LimitOf(ctx context.Context, o orders.Order, ws time.Time) (int, error) {
	if o.Hourly == nil {
		return 0, errs.Conflict("order_not_hourly")
	}
	return orders.LimitFor(ctx, s.DB, o.ID, ws)
}

// The rows each timer applies, written once for the timer (rows due now)
// and for its Next (the earliest due later).
const (
	// weeksToCharge: reported weeks of contracts that are not suspended.
	weeksToCharge = `FROM hourly_reports r JOIN hourly_contracts c ON c.order_id = r.order_id WHERE r.status = 'draft' AND c.suspended_at IS NULL`
	// weeksCharged: charged weeks waiting for their dispute window to end.
	weeksCharged = `FROM hourly_reports WHERE status = 'charged'`
)

// Timers are the deadlines of hourly contracts, in the order a sweep runs
// them.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "hourly_charge", Fire: s.ChargeHourlyWeeks, Next: jobs.NextDue(s.DB, weeksToCharge, "r.charge_at", 0)},
		// A week is released once its dispute window has passed: the
		// microsecond after dispute_until.
		{Name: "hourly_release", Fire: s.ReleaseHourlyWeeks, Next: jobs.NextDue(s.DB, weeksCharged, "dispute_until", time.Microsecond)},
	}
}
