package hourly

import (
	"context"
	"strings"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/users"
)

// A disputed hourly week waits in the operators' queue, with its money
// held in escrow. An operator reads the week (days, hours, notes), the
// client's reason and the order's messages, and decides how much of the
// week's charge goes back to the client; the rest is released to the
// freelancer like an undisputed week (commission, fees, the client's
// reward on what was paid).

// DisputedWeek is a week in the operators' queue.
type DisputedWeek struct {
	Report     orders.WeeklyReport `json:"report"`
	OrderTitle string              `json:"order_title"`
	Freelancer string              `json:"freelancer"`
}

// DisputeDecision is an operator's answer to a disputed week: Refund, of
// the week's total (fees included), goes back to the client's balance, 0
// to release everything, the total to refund everything.
type DisputeDecision struct {
	Refund money.Money `json:"refund"`
	Note   string      `json:"note"`
}

// HourlyDisputes lists the disputed weeks, oldest dispute first, for
// operators.
func (s *Service) HourlyDisputes(ctx context.Context, actor users.User, r page.Request) (page.Page[DisputedWeek], error) {
	if err := orders.OperatorOnly(actor); err != nil {
		return page.Page[DisputedWeek]{}, err
	}
	r = r.Norm()
	ids, err := db.Strings(ctx, s.DB, `SELECT id FROM hourly_reports WHERE status = 'disputed' AND id > ? ORDER BY id LIMIT ?`, r.After, r.Limit+1)
	if err != nil {
		return page.Page[DisputedWeek]{}, err
	}
	list := make([]DisputedWeek, 0, len(ids))
	for _, id := range ids {
		w, _, err := s.disputedWeek(ctx, s.DB, id)
		if err != nil {
			return page.Page[DisputedWeek]{}, err
		}
		list = append(list, w)
	}
	return page.Cut(list, r, func(w DisputedWeek) string { return w.Report.ID }), nil
}

// disputedWeek reads a week with its days and its order.
func (s *Service) disputedWeek(ctx context.Context, q db.Queryer, id string) (DisputedWeek, orders.Order, error) {
	var orderID string
	if err := q.QueryRow(ctx, `SELECT order_id FROM hourly_reports WHERE id = ?`, id).Scan(&orderID); err != nil {
		if db.NoRows(err) == db.ErrNotFound {
			return DisputedWeek{}, orders.Order{}, errReportNotFound
		}
		return DisputedWeek{}, orders.Order{}, err
	}
	o, err := orders.Load(ctx, q, orderID)
	if err != nil {
		return DisputedWeek{}, orders.Order{}, err
	}
	r, err := s.Orders.LoadReport(ctx, q, id, money.New(0, o.Total.Currency))
	if err != nil {
		return DisputedWeek{}, orders.Order{}, err
	}
	list := []orders.WeeklyReport{r}
	if err := s.Orders.WithDays(ctx, q, list); err != nil {
		return DisputedWeek{}, orders.Order{}, err
	}
	var name string
	if err := q.QueryRow(ctx, `SELECT display_name FROM freelancers WHERE id = ?`, o.FreelancerID).Scan(&name); err != nil {
		return DisputedWeek{}, orders.Order{}, err
	}
	return DisputedWeek{Report: list[0], OrderTitle: o.Title, Freelancer: name}, o, nil
}

// DecideDispute settles a disputed week: the refund to the client's
// balance, the rest released to the freelancer, both sides told.
func (s *Service) DecideDispute(ctx context.Context, actor users.User, reportID string, d DisputeDecision) (DisputedWeek, error) {
	if err := orders.OperatorOnly(actor); err != nil {
		return DisputedWeek{}, err
	}
	note, err := orders.Text("note", d.Note, true)
	if err != nil {
		return DisputedWeek{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		w, o, err := s.disputedWeek(ctx, tx, reportID)
		if err != nil {
			return err
		}
		r := w.Report
		if r.Status != orders.ReportDisputed {
			return errs.Conflict("report_not_disputed")
		}
		c := r.Total.Currency
		if cur := strings.ToUpper(d.Refund.Currency); cur != "" && cur != c {
			return errs.Invalid("refund", "currency_mismatch").With("currency", c)
		}
		refund := d.Refund.Amount
		if refund < 0 || refund > r.Total.Amount {
			return errs.Invalid("refund", "refund_above_charge").With("max", r.Total.String())
		}
		if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE hourly_reports SET status = 'released', released_at = ?, disputed_at = NULL, updated_at = ?
			WHERE id = ? AND status = 'disputed'`, db.Micros(tx.Now), db.Micros(tx.Now), r.ID); err != nil {
			return err
		}
		left := r.Total.Amount - refund
		price, fees := orders.Split(r.Total.Amount, r.Fees.Amount, left)
		if left > 0 {
			if err := s.Orders.Release(ctx, tx, o, money.New(price, c), money.New(fees, c)); err != nil {
				return err
			}
		}
		if refund > 0 {
			if err := s.Billing.RefundFromEscrow(ctx, tx, o.ID, o.AccountID, money.New(refund, c), "hourly_dispute"); err != nil {
				return err
			}
			if err := s.Billing.RecordSpend(ctx, tx, o.AccountID, o.ID, money.New(-refund, c)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hourly_dispute_decisions (report_id, disputed_at, refund, released, currency, note, decided_by, decided_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, db.Micros(r.DisputedAt), refund, left, c, note, actor.ID, db.Micros(tx.Now)); err != nil {
			return err
		}
		params := map[string]any{"title": o.Title, "week": r.WeekStart, "refund": money.New(refund, c).String(),
			"released": money.New(price, c).String(), "note": note}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "hourly_dispute_decided", r.WeekStart+": "+params["refund"].(string)+" / "+params["released"].(string)+"\n\n"+note); err != nil {
			return err
		}
		if err := s.Orders.NotifyBuyer(ctx, tx, o, "hourly_dispute_decided", params); err != nil {
			return err
		}
		return s.Orders.NotifyFreelancer(ctx, tx, o, "hourly_dispute_decided", params)
	})
	if err != nil {
		return DisputedWeek{}, err
	}
	w, _, err := s.disputedWeek(ctx, s.DB, reportID)
	return w, err
}
