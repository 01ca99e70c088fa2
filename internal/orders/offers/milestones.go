package offers

import (
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/orders"
	"atelier/internal/orders/attachments"
	"atelier/internal/users"
	"context"
	"errors"
	"time"
)

// insertMilestones creates the milestones of a new milestone order, all
// pending, each with its share of the order's buyer fees.
func (s *Service) insertMilestones(ctx context.Context, tx *db.Tx, orderID string, ms []orders.Milestone) error {
	for _, m := range ms {
		if _, err := tx.Exec(ctx, `INSERT INTO order_milestones (id, order_id, position, title, amount, fees, currency, delivery_days, revisions_allowed, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`, m.ID, orderID, m.Position, m.Title, m.Amount.Amount, m.Fees.Amount, m.Amount.Currency,
			m.DeliveryDays, m.RevisionsAllowed); err != nil {
			return err
		}
	}
	return nil
}

var errMilestoneNotFound = errs.NotFound("milestone_not_found")

// actMilestone runs a milestone transition in a transaction, for the given
// side of a milestone order.
func (s *Service) actMilestone(ctx context.Context, actor users.User, orderID, msID string, a orders.Action, fn func(tx *db.Tx, o orders.Order, m orders.Milestone) error) (orders.Order, error) {
	wantSide := orders.ClientSide // the side is refused before the milestone is looked for
	if a == orders.ActDeliver {
		wantSide = orders.FreelancerSide
	}
	return s.Orders.Act(ctx, actor, orderID, wantSide, func(tx *db.Tx, o orders.Order) error {
		if o.Kind != orders.KindMilestones {
			return errMilestoneNotFound
		}
		for _, m := range o.Milestones {
			if m.ID == msID {
				if err := o.MilestoneRefusal(m, a); err != nil {
					return err
				}
				return fn(tx, o, m)
			}
		}
		return errMilestoneNotFound
	})
}

// DeliverMilestone hands a running milestone's work to the client (the
// freelancer's side); unanswered for 8 days it is approved by itself.
func (s *Service) DeliverMilestone(ctx context.Context, actor users.User, orderID, msID, message string, files []attachments.File) (orders.Order, error) {
	message, err := orders.Text("message", message, true)
	if err != nil {
		return orders.Order{}, err
	}
	if err := attachments.Check(files); err != nil {
		return orders.Order{}, err
	}
	return s.actMilestone(ctx, actor, orderID, msID, orders.ActDeliver, func(tx *db.Tx, o orders.Order, m orders.Milestone) error {
		auto := db.Micros(tx.Now.Add(orders.AutoApproveAfter))
		if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE order_milestones SET status = 'delivered', delivered_at = ?, auto_approve_at = ? WHERE id = ? AND status = 'active'`,
			db.Micros(tx.Now), auto, m.ID); err != nil {
			return err
		}
		if err := orders.Transition(ctx, tx, o.ID, []orders.Status{orders.Active}, orders.Delivered, `, delivered_at = ?, auto_complete_at = ?, review_extension = 0`,
			db.Micros(tx.Now), auto); err != nil {
			return err
		}
		ev, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "milestone_delivered", m.Title+"\n\n"+message)
		if err != nil {
			return err
		}
		if err := attachments.Save(ctx, tx, o.ID, ev, files); err != nil {
			return err
		}
		return s.Orders.NotifyBuyer(ctx, tx, o, "milestone_delivered", map[string]any{"title": o.Title, "milestone": m.Title,
			"auto_approve_at": tx.Now.Add(orders.AutoApproveAfter)})
	})
}

// RequestMilestoneRevision sends a delivered milestone back (the client's
// side) while its revisions last.
func (s *Service) RequestMilestoneRevision(ctx context.Context, actor users.User, orderID, msID, message string) (orders.Order, error) {
	message, err := orders.Text("message", message, true)
	if err != nil {
		return orders.Order{}, err
	}
	return s.actMilestone(ctx, actor, orderID, msID, orders.ActRequestRevision, func(tx *db.Tx, o orders.Order, m orders.Milestone) error {
		if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE order_milestones SET status = 'active', revisions_used = revisions_used + 1, auto_approve_at = NULL
			WHERE id = ? AND status = 'delivered'`, m.ID); err != nil {
			return err
		}
		if err := orders.Transition(ctx, tx, o.ID, []orders.Status{orders.Delivered}, orders.Active, `, auto_complete_at = NULL`); err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "milestone_revision", m.Title+"\n\n"+message); err != nil {
			return err
		}
		return s.Orders.NotifyFreelancer(ctx, tx, o, "milestone_revision_requested", map[string]any{"title": o.Title, "milestone": m.Title})
	})
}

// ApproveMilestone approves a delivered milestone (the client's side): its
// money is released, and the next milestone is charged and starts — unless
// stop is set or it was the last, and then the order completes. A failed
// charge of the next milestone does not undo the approval: the order waits
// in awaiting_payment, the buyer is told, and the client pays it
// (PayMilestone) or stops. key is the request's Idempotency-Key.
func (s *Service) ApproveMilestone(ctx context.Context, actor users.User, orderID, msID string, stop bool, key string) (orders.Order, error) {
	var next bool
	o, err := s.actMilestone(ctx, actor, orderID, msID, orders.ActApproveMilestone, func(tx *db.Tx, o orders.Order, m orders.Milestone) error {
		var err error
		next, err = s.Orders.ReleaseMilestone(ctx, tx, o, m, actor.ID, stop)
		return err
	})
	if err != nil || !next {
		return o, err
	}
	if key == "" {
		key = "auto"
	}
	if err := s.startNext(ctx, orderID, key); err != nil {
		if _, ok := errs.As(err); !ok {
			return orders.Order{}, err
		}
		// The approval stands; the order waits for the client to pay.
		s.Billing.Log.Info("a milestone's charge failed after the previous one's approval", "order", orderID, "err", err)
		if err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			return s.Orders.NotifyBuyer(ctx, tx, o, "milestone_payment_failed", map[string]any{"title": o.Title})
		}); err != nil {
			return orders.Order{}, err
		}
	}
	return s.Orders.Get(ctx, actor, orderID)
}

// startNext charges an order's next pending milestone and starts it; the
// claim moves the order out of awaiting_payment, so one request wins.
func (s *Service) startNext(ctx context.Context, orderID, key string) error {
	o, err := orders.Load(ctx, s.DB, orderID)
	if err != nil {
		return err
	}
	if o.Status != orders.AwaitingPayment {
		return errs.Conflict("order_not_awaiting_payment")
	}
	ms, err := orders.MilestonesOf(ctx, s.DB, orderID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Status != orders.MilestonePending {
			continue
		}
		return s.Orders.Pay(ctx, s.Orders.MilestonePayment(o, m, "order:"+o.ID+":ms:"+m.ID+":"+key, func(ctx context.Context, tx *db.Tx) error {
			return orders.Transition(ctx, tx, o.ID, []orders.Status{orders.AwaitingPayment}, orders.Active, `, auto_complete_at = NULL`)
		}))
	}
	return errs.Conflict("order_not_awaiting_payment")
}

// PayMilestone retries the charge of the next milestone of an order waiting
// in awaiting_payment (the client's side, who may buy): once charged it
// starts. key is the request's Idempotency-Key; without one each call is a
// new attempt.
func (s *Service) PayMilestone(ctx context.Context, actor users.User, orderID, key string) (orders.Order, error) {
	if _, err := s.Orders.Act(ctx, actor, orderID, orders.ClientSide, func(tx *db.Tx, o orders.Order) error {
		if err := o.Refusal(orders.ActPayMilestone, tx.Now); err != nil {
			return err
		}
		return nil
	}); err != nil {
		return orders.Order{}, err
	}
	if key == "" {
		key = db.NewID("try")
	}
	if err := s.startNext(ctx, orderID, "pay:"+key); err != nil {
		return orders.Order{}, err
	}
	return s.Orders.Get(ctx, actor, orderID)
}

// Stop ends a milestone order after an approved milestone (the client's
// side): nothing more is charged and the order completes. While a milestone
// waits for the client, stopping approves it first; while one is in
// progress (charged, being worked on) the order cannot be stopped alone.
func (s *Service) Stop(ctx context.Context, actor users.User, orderID string) (orders.Order, error) {
	return s.Orders.Act(ctx, actor, orderID, orders.ClientSide, func(tx *db.Tx, o orders.Order) error {
		if err := o.Refusal(orders.ActStop, tx.Now); err != nil {
			return err
		}
		if o.Status == orders.AwaitingPayment {
			return s.Orders.FinishMilestones(ctx, tx, o, actor.ID, []orders.Status{orders.AwaitingPayment})
		}
		for _, m := range o.Milestones { // delivered: approving the delivered one stops there
			if m.Status == orders.MilestoneDelivered {
				_, err := s.Orders.ReleaseMilestone(ctx, tx, o, m, actor.ID, true)
				return err
			}
		}
		return errs.Conflict("order_state_changed")
	})
}

// AutoApproveMilestones is the timer of PRODUCT.md §6: a delivered
// milestone left without an answer for 8 days is approved, released, and
// the order stops there. The conditional UPDATE approves a milestone once,
// whichever node fires first.
func (s *Service) AutoApproveMilestones(ctx context.Context, now time.Time) (int, error) {
	type due struct{ id, order string }
	list, err := db.Collect(ctx, s.DB, func(r db.Row) (d due, err error) {
		err = r.Scan(&d.id, &d.order)
		return
	}, `SELECT id, order_id `+milestonesAwaiting+` AND auto_approve_at <= ? ORDER BY auto_approve_at LIMIT 200`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, d := range list {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			o, err := orders.Load(ctx, tx, d.order)
			if err != nil {
				return err
			}
			if h, err := orders.IsHeld(ctx, tx, o.ID); h || err != nil {
				return err // paused while a cancellation or an escalation is open
			}
			ms, err := orders.MilestonesOf(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.ID != d.id || m.Status != orders.MilestoneDelivered || m.AutoApproveAt.After(now) {
					continue
				}
				// A conflict rolls the whole approval back: answered by the
				// client or another node meanwhile (skipped below).
				if _, err := s.Orders.ReleaseMilestone(ctx, tx, o, m, "", true); err != nil {
					return err
				}
				applied++
			}
			return nil
		})
		if err != nil && !errors.Is(err, errs.Conflict("order_state_changed")) {
			return applied, err
		}
	}
	return applied, nil
}
