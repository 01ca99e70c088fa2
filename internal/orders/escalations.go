package orders

import (
	"context"
	"errors"
	"slices"
	"strings"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
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
	Request Request     `json:"request"`
	Order   Order       `json:"order"`
	Held    money.Money `json:"held"` // what the escrow holds now
	// Evidence is the order's whole timeline: messages, deliveries with
	// their files, requests and answers, oldest first.
	Evidence []Event   `json:"evidence"`
	Requests []Request `json:"requests"` // every request of the order
}

func notifyUser(ctx context.Context, tx *db.Tx, userID string, o Order, kind string, params map[string]any) error {
	return notify.User(ctx, tx, userID, kind, params, "/orders/"+o.ID)
}

// Escalations lists escalations for operators: open ones (the queue),
// oldest first, or decided ones (?status=decided), and withdrawn ones.
func (s *Service) Escalations(ctx context.Context, actor users.User, status string, r page.Request) (page.Page[Request], error) {
	if err := OperatorOnly(actor); err != nil {
		return page.Page[Request]{}, err
	}
	if status == "" {
		status = RequestOpen
	}
	if !slices.Contains(EscalationStatuses, status) {
		return page.Page[Request]{}, errs.Invalid("status", "status_invalid")
	}
	r = r.Norm()
	rows, err := s.DB.Query(ctx, requestSelect+`WHERE r.kind = 'escalate' AND r.status = `+db.Words(status)+` AND r.id > ? ORDER BY r.id LIMIT ?`, r.After, r.Limit+1)
	if err != nil {
		return page.Page[Request]{}, err
	}
	defer rows.Close()
	var list []Request
	now := s.DB.Clock.Now()
	for rows.Next() {
		q, err := scanRequest(rows, now)
		if err != nil {
			return page.Page[Request]{}, err
		}
		list = append(list, q)
	}
	return page.Cut(list, r, func(q Request) string { return q.ID }), rows.Err()
}

// loadEscalation reads an escalation and its order for an operator.
func (s *Service) loadEscalation(ctx context.Context, q db.Queryer, id string) (Request, Order, error) {
	r, err := scanRequest(q.QueryRow(ctx, requestSelect+`WHERE r.id = ? AND r.kind = 'escalate'`, id), s.DB.Clock.Now())
	if errors.Is(err, db.ErrNotFound) {
		return Request{}, Order{}, errs.NotFound("escalation_not_found")
	} else if err != nil {
		return Request{}, Order{}, err
	}
	o, err := Load(ctx, q, r.OrderID)
	if err != nil {
		return Request{}, Order{}, err
	}
	now := s.DB.Clock.Now()
	o.Side = "operator"
	o.at(now)
	if o.Kind == KindMilestones {
		if o.Milestones, err = MilestonesOf(ctx, q, o.ID); err != nil {
			return Request{}, Order{}, err
		}
	}
	if err := attachRequests(ctx, q, &o, now); err != nil {
		return Request{}, Order{}, err
	}
	return r, o, nil
}

// Escalation returns an escalation with the order's evidence (operators).
func (s *Service) Escalation(ctx context.Context, actor users.User, id string) (Escalation, error) {
	if err := OperatorOnly(actor); err != nil {
		return Escalation{}, err
	}
	r, o, err := s.loadEscalation(ctx, s.DB, id)
	if err != nil {
		return Escalation{}, err
	}
	e := Escalation{Request: r, Order: o}
	if e.Held, err = held(ctx, s.DB, o); err != nil {
		return Escalation{}, err
	}
	if e.Evidence, err = s.events(ctx, o.ID, ""); err != nil {
		return Escalation{}, err
	}
	if e.Requests, err = requestsOf(ctx, s.DB, o.ID, "", s.DB.Clock.Now()); err != nil {
		return Escalation{}, err
	}
	return e, nil
}

// Decide applies an operator's decision to an open escalation, once.
func (s *Service) Decide(ctx context.Context, actor users.User, id string, d Decision) (Escalation, error) {
	if err := OperatorOnly(actor); err != nil {
		return Escalation{}, err
	}
	note, err := Text("note", d.Note, true)
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
		if d.Days < 1 || d.Days > MaxExtendDays {
			return Escalation{}, errs.Invalid("days", "extend_days_invalid").With("max", MaxExtendDays)
		}
	default:
		return Escalation{}, errs.Invalid("outcome", "outcome_invalid")
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, o, err := s.loadEscalation(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Status != RequestOpen {
			return errs.Conflict("escalation_not_open")
		}
		if err := running(o); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE order_requests SET status = 'decided', decided_at = ?, decided_by = ?, outcome = ?, note = ? WHERE id = ? AND status = 'open'`,
			db.Micros(tx.Now), actor.ID, d.Outcome, note, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("escalation_not_open")
		}
		if _, err := AddEvent(ctx, tx, o.ID, actor.ID, "decided_"+d.Outcome, note); err != nil {
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
		if err := s.NotifyFreelancer(ctx, tx, o, "escalation_decided", params); err != nil {
			return err
		}
		return s.NotifyBuyer(ctx, tx, o, "escalation_decided", params)
	})
	if err != nil {
		return Escalation{}, err
	}
	return s.Escalation(ctx, actor, id)
}

// completeByDecision completes a running order on an operator's word.
func (s *Service) completeByDecision(ctx context.Context, tx *db.Tx, o Order, actorID string) error {
	if _, err := tx.Exec(ctx, `UPDATE order_requests SET status = 'closed', decided_at = ? WHERE order_id = ? AND status = 'open'`, db.Micros(tx.Now), o.ID); err != nil {
		return err
	}
	if o.Kind != KindMilestones {
		return s.completeFrom(ctx, tx, o, actorID, []Status{Active, Delivered})
	}
	if o.Status == AwaitingPayment {
		return s.FinishMilestones(ctx, tx, o, actorID, []Status{AwaitingPayment})
	}
	for _, m := range o.Milestones {
		switch m.Status {
		case MilestoneActive:
			// Delivered on the operator's word, then approved.
			auto := db.Micros(tx.Now)
			if _, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'delivered', delivered_at = ?, auto_approve_at = ? WHERE id = ? AND status = 'active'`,
				auto, auto, m.ID); err != nil {
				return err
			}
			if err := Transition(ctx, tx, o.ID, []Status{Active}, Delivered, `, delivered_at = ?, auto_complete_at = ?`, auto, auto); err != nil {
				return err
			}
			fallthrough
		case MilestoneDelivered:
			_, err := s.ReleaseMilestone(ctx, tx, o, m, actorID, true)
			return err
		}
	}
	return errs.Conflict("order_state_changed")
}

// cancelPartly cancels a running order giving the client back amount of
// what the escrow holds and releasing the rest to the freelancer.
func (s *Service) cancelPartly(ctx context.Context, tx *db.Tx, o Order, amount money.Money, note, actorID string) error {
	amount.Currency = strings.ToUpper(amount.Currency)
	if err := checkPartialRefund(ctx, tx, o, amount); err != nil {
		return err
	}
	total, fees, _, err := refundTarget(o)
	if err != nil {
		return err
	}
	price, feesLeft := Split(total.Amount, fees.Amount, total.Amount-amount.Amount)
	if err := s.endOrder(ctx, tx, o, note); err != nil {
		return err
	}
	c := o.Total.Currency
	if err := s.Release(ctx, tx, o, money.New(price, c), money.New(feesLeft, c)); err != nil {
		return err
	}
	if err := s.refundAll(ctx, tx, o); err != nil { // the rest: amount
		return err
	}
	if _, err := AddEvent(ctx, tx, o.ID, actorID, "cancelled", note); err != nil {
		return err
	}
	params := map[string]any{"title": o.Title, "reason": note}
	if err := s.NotifyFreelancer(ctx, tx, o, "order_cancelled", params); err != nil {
		return err
	}
	return s.NotifyBuyer(ctx, tx, o, "order_cancelled", params)
}

// NotifyOperators tells every operator of something waiting in their
// queues (an escalation, a guarantee claim), in the app and by e-mail.
func NotifyOperators(ctx context.Context, tx *db.Tx, kind string, params map[string]any, link string) error {
	ids, err := db.Strings(ctx, tx, `SELECT id FROM users WHERE is_operator = TRUE ORDER BY id`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := notify.User(ctx, tx, id, kind, params, link); err != nil {
			return err
		}
	}
	return nil
}
