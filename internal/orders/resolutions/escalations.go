package resolutions

import (
	"context"
	"errors"
	"slices"
	"strings"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Escalations: a side asks the platform to step in. An operator hears both
// sides from the order's evidence log — its messages, deliveries and
// requests, the whole timeline — and decides one outcome:
//
//   - complete: the order completes and the escrow is released to the
//     freelancer (a milestone order: the running milestone is approved and
//     the order stops there);
//   - cancel_full: the order is cancelled and the client gets back all the
//     escrow holds;
//   - cancel_partial: the order is cancelled, the client gets back amount,
//     and the rest of the escrow is released to the freelancer as payment
//     (less the commission, with the same share of the buyer's fees to the
//     platform);
//   - extend: the due date moves days later and the order goes on.

// Outcomes of an escalation.
const (
	OutcomeComplete      = "complete"
	OutcomeCancelFull    = "cancel_full"
	OutcomeCancelPartial = "cancel_partial"
	OutcomeExtend        = "extend"
)

// Decision is an operator's decision on an escalation.
type Decision struct {
	Outcome string       `json:"outcome"`
	Amount  *money.Money `json:"amount,omitempty"` // cancel_partial: what the client gets back
	Days    int          `json:"days,omitempty"`   // extend
	Note    string       `json:"note"`             // the operator's reasons, which both sides read
}

// Escalation is an escalated request with what the operator decides from.
type Escalation struct {
	Request orders.Request `json:"request"`
	Order   orders.Order   `json:"order"`
	Held    money.Money    `json:"held"` // what the escrow holds now
	// Evidence is the order's whole timeline: messages, deliveries with
	// their files, requests and answers, oldest first.
	Evidence []orders.Event   `json:"evidence"`
	Requests []orders.Request `json:"requests"` // every request of the order
}

func notifyUser(ctx context.Context, tx *db.Tx, userID string, o orders.Order, kind string, params map[string]any) error {
	return notify.User(ctx, tx, userID, kind, params, "/orders/"+o.ID)
}

// Escalations lists escalations for operators: open ones (the queue),
// oldest first, or decided ones (?status=decided), and withdrawn ones.
func (s *Service) Escalations(ctx context.Context, actor users.User, status orders.RequestStatus, r page.Request) (page.Page[orders.Request], error) {
	if err := orders.OperatorOnly(actor); err != nil {
		return page.Page[orders.Request]{}, err
	}
	if status == "" {
		status = orders.RequestOpen
	}
	if !slices.Contains(orders.EscalationStatuses, status) {
		return page.Page[orders.Request]{}, errs.Invalid("status", "status_invalid")
	}
	r = r.Norm()
	rows, err := s.DB.Query(ctx, orders.RequestSelect+`WHERE r.kind = 'escalate' AND r.status = `+db.Words(string(status))+` AND r.id > ? ORDER BY r.id LIMIT ?`, r.After, r.Limit+1)
	if err != nil {
		return page.Page[orders.Request]{}, err
	}
	defer rows.Close()
	var list []orders.Request
	now := s.DB.Clock.Now()
	for rows.Next() {
		q, err := orders.ScanRequest(rows, now)
		if err != nil {
			return page.Page[orders.Request]{}, err
		}
		list = append(list, q)
	}
	return page.Cut(list, r, func(q orders.Request) string { return q.ID }), rows.Err()
}

// loadEscalation reads an escalation and its order for an operator.
func (s *Service) loadEscalation(ctx context.Context, q db.Queryer, id string) (orders.Request, orders.Order, error) {
	r, err := orders.ScanRequest(q.QueryRow(ctx, orders.RequestSelect+`WHERE r.id = ? AND r.kind = 'escalate'`, id), s.DB.Clock.Now())
	if errors.Is(err, db.ErrNotFound) {
		return orders.Request{}, orders.Order{}, errs.NotFound("escalation_not_found")
	} else if err != nil {
		return orders.Request{}, orders.Order{}, err
	}
	o, err := s.Orders.ForOperator(ctx, q, r.OrderID)
	if err != nil {
		return orders.Request{}, orders.Order{}, err
	}
	return r, o, nil
}

// Escalation returns an escalation with the order's evidence (operators).
func (s *Service) Escalation(ctx context.Context, actor users.User, id string) (Escalation, error) {
	if err := orders.OperatorOnly(actor); err != nil {
		return Escalation{}, err
	}
	r, o, err := s.loadEscalation(ctx, s.DB, id)
	if err != nil {
		return Escalation{}, err
	}
	e := Escalation{Request: r, Order: o}
	if e.Held, err = orders.Held(ctx, s.DB, o); err != nil {
		return Escalation{}, err
	}
	if e.Evidence, err = s.Orders.Events(ctx, o.ID, ""); err != nil {
		return Escalation{}, err
	}
	if e.Requests, err = orders.RequestsOf(ctx, s.DB, o.ID, "", s.DB.Clock.Now()); err != nil {
		return Escalation{}, err
	}
	return e, nil
}

// Decide applies an operator's decision to an open escalation, once.
func (s *Service) Decide(ctx context.Context, actor users.User, id string, d Decision) (Escalation, error) {
	if err := orders.OperatorOnly(actor); err != nil {
		return Escalation{}, err
	}
	note, err := orders.Text("note", d.Note, true)
	if err != nil {
		return Escalation{}, err
	}
	switch d.Outcome {
	case OutcomeComplete, OutcomeCancelFull:
	case OutcomeCancelPartial:
		if d.Amount == nil || d.Amount.Amount <= 0 {
			return Escalation{}, errs.Invalid("amount", "amount_not_positive")
		}
	case OutcomeExtend:
		if d.Days < 1 || d.Days > orders.MaxExtendDays {
			return Escalation{}, errs.Invalid("days", "extend_days_invalid").With("max", orders.MaxExtendDays)
		}
	default:
		return Escalation{}, errs.Invalid("outcome", "outcome_invalid")
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, o, err := s.loadEscalation(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Status != orders.RequestOpen {
			return errs.Conflict("escalation_not_open")
		}
		if err := orders.Running(o); err != nil {
			return err
		}
		if err := tx.ExecOne(ctx, errs.Conflict("escalation_not_open"), `UPDATE order_requests SET status = 'decided', decided_at = ?, decided_by = ?, outcome = ?, note = ? WHERE id = ? AND status = 'open'`,
			db.Micros(tx.Now), actor.ID, d.Outcome, note, id); err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "decided_"+d.Outcome, note); err != nil {
			return err
		}
		switch d.Outcome {
		case OutcomeComplete:
			err = s.completeByDecision(ctx, tx, o, actor.ID)
		case OutcomeCancelFull:
			err = s.cancelAgreed(ctx, tx, o, note, actor.ID)
		case OutcomeCancelPartial:
			err = s.cancelPartly(ctx, tx, o, *d.Amount, note, actor.ID)
		case OutcomeExtend:
			if err = resume(ctx, tx, o, r); err == nil {
				err = extendDue(ctx, tx, o, d.Days)
			}
		}
		if err != nil {
			return err
		}
		params := map[string]any{"title": o.Title, "outcome": d.Outcome, "note": note}
		if err := s.Orders.NotifyFreelancer(ctx, tx, o, "escalation_decided", params); err != nil {
			return err
		}
		return s.Orders.NotifyBuyer(ctx, tx, o, "escalation_decided", params)
	})
	if err != nil {
		return Escalation{}, err
	}
	return s.Escalation(ctx, actor, id)
}

// completeByDecision completes a running order on an operator's word.
func (s *Service) completeByDecision(ctx context.Context, tx *db.Tx, o orders.Order, actorID string) error {
	if _, err := tx.Exec(ctx, `UPDATE order_requests SET status = 'closed', decided_at = ? WHERE order_id = ? AND status = 'open'`, db.Micros(tx.Now), o.ID); err != nil {
		return err
	}
	if o.Kind != orders.KindMilestones {
		return s.Orders.CompleteFrom(ctx, tx, o, actorID, []orders.Status{orders.Active, orders.Delivered})
	}
	if o.Status == orders.AwaitingPayment {
		return s.Orders.FinishMilestones(ctx, tx, o, actorID, []orders.Status{orders.AwaitingPayment})
	}
	for _, m := range o.Milestones {
		switch m.Status {
		case orders.MilestoneActive:
			// Delivered on the operator's word, then approved.
			auto := db.Micros(tx.Now)
			if _, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'delivered', delivered_at = ?, auto_approve_at = ? WHERE id = ? AND status = 'active'`,
				auto, auto, m.ID); err != nil {
				return err
			}
			if err := orders.Transition(ctx, tx, o.ID, []orders.Status{orders.Active}, orders.Delivered, `, delivered_at = ?, auto_complete_at = ?`, auto, auto); err != nil {
				return err
			}
			fallthrough
		case orders.MilestoneDelivered:
			_, err := s.Orders.ReleaseMilestone(ctx, tx, o, m, actorID, true)
			return err
		}
	}
	return errs.Conflict("order_state_changed")
}

// cancelPartly cancels a running order giving the client back amount of
// what the escrow holds and releasing the rest to the freelancer.
func (s *Service) cancelPartly(ctx context.Context, tx *db.Tx, o orders.Order, amount money.Money, note, actorID string) error {
	amount.Currency = strings.ToUpper(amount.Currency)
	if err := checkPartialRefund(ctx, tx, o, amount); err != nil {
		return err
	}
	total, fees, _, err := refundTarget(o)
	if err != nil {
		return err
	}
	price, feesLeft := orders.Split(total.Amount, fees.Amount, total.Amount-amount.Amount)
	if err := s.endOrder(ctx, tx, o, note); err != nil {
		return err
	}
	c := o.Total.Currency
	if err := s.Orders.Release(ctx, tx, o, money.New(price, c), money.New(feesLeft, c)); err != nil {
		return err
	}
	if err := s.Orders.RefundAll(ctx, tx, o); err != nil { // the rest: amount
		return err
	}
	if _, err := orders.AddEvent(ctx, tx, o.ID, actorID, "cancelled", note); err != nil {
		return err
	}
	params := map[string]any{"title": o.Title, "reason": note}
	if err := s.Orders.NotifyFreelancer(ctx, tx, o, "order_cancelled", params); err != nil {
		return err
	}
	return s.Orders.NotifyBuyer(ctx, tx, o, "order_cancelled", params)
}
