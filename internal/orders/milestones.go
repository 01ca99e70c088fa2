package orders

import (
	"context"
	"errors"
	"time"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/users"
)

// A milestone order runs its milestones one at a time. Each is charged into
// the order's escrow when it starts (its amount plus its share of the
// order's buyer fees, billing.Parts, with its own invoice), delivered by the freelancer, sent back for a
// revision or approved by the client; approval releases it. The order's
// status mirrors the running milestone: active while it is in progress,
// delivered while it waits for the client, awaiting_payment when the next
// milestone's charge failed after an approval.

// MilestoneStatus is where a milestone is.
type MilestoneStatus string

// Statuses of a milestone.
const (
	MilestonePending   MilestoneStatus = "pending"   // not charged yet
	MilestoneActive    MilestoneStatus = "active"    // charged, in progress
	MilestoneDelivered MilestoneStatus = "delivered" // waiting for the client
	MilestoneApproved  MilestoneStatus = "approved"  // released to the freelancer
	MilestoneStopped   MilestoneStatus = "stopped"   // will never run
)

// MilestoneStatuses lists every status of a milestone.
var MilestoneStatuses = []MilestoneStatus{MilestonePending, MilestoneActive, MilestoneDelivered, MilestoneApproved, MilestoneStopped}

// AutoApproveAfter is how long a delivered milestone waits for the client
// before it is approved by itself (and the order stops there).
const AutoApproveAfter = 8 * 24 * time.Hour

// Milestone is one stage of a milestone order.
type Milestone struct {
	ID               string          `json:"id"`
	Position         int             `json:"position"`
	Title            string          `json:"title"`
	Amount           money.Money     `json:"amount"`
	Fees             money.Money     `json:"fees"`
	Total            money.Money     `json:"total"` // what its charge is (or would be)
	DeliveryDays     int             `json:"delivery_days"`
	RevisionsAllowed int             `json:"revisions_allowed"`
	RevisionsUsed    int             `json:"revisions_used"`
	Status           MilestoneStatus `json:"status"`
	Charged          bool            `json:"charged"`
	PaidWith         string          `json:"paid_with,omitempty"`
	InvoiceID        string          `json:"invoice_id,omitempty"`
	StartedAt        time.Time       `json:"started_at,omitzero"`
	DueAt            time.Time       `json:"due_at,omitzero"`
	DeliveredAt      time.Time       `json:"delivered_at,omitzero"`
	AutoApproveAt    time.Time       `json:"auto_approve_at,omitzero"`
	ApprovedAt       time.Time       `json:"approved_at,omitzero"`
	// Actions are what the viewer may do on the milestone now: deliver,
	// approve, request_revision (actions.go).
	Actions []Action `json:"actions,omitempty"`

	chargeRef string
}

func milestonesOf(ctx context.Context, q db.Queryer, orderID string) ([]Milestone, error) {
	rows, err := q.Query(ctx, `SELECT id, position, title, amount, fees, currency, delivery_days, revisions_allowed, revisions_used, status,
		paid_with, charge_ref, invoice_id, started_at, due_at, delivered_at, auto_approve_at, approved_at
		FROM order_milestones WHERE order_id = ? ORDER BY position`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Milestone{}
	for rows.Next() {
		var m Milestone
		var c string
		var started, due, delivered, auto, approved db.NullInt
		if err := rows.Scan(&m.ID, &m.Position, &m.Title, &m.Amount.Amount, &m.Fees.Amount, &c, &m.DeliveryDays, &m.RevisionsAllowed,
			&m.RevisionsUsed, &m.Status, &m.PaidWith, &m.chargeRef, &m.InvoiceID, &started, &due, &delivered, &auto, &approved); err != nil {
			return nil, err
		}
		m.Amount.Currency, m.Fees.Currency = c, c
		m.Total = money.New(m.Amount.Amount+m.Fees.Amount, c)
		m.StartedAt, m.DueAt, m.DeliveredAt = db.NullTime(started), db.NullTime(due), db.NullTime(delivered)
		m.AutoApproveAt, m.ApprovedAt = db.NullTime(auto), db.NullTime(approved)
		m.Charged = !m.StartedAt.IsZero()
		list = append(list, m)
	}
	return list, rows.Err()
}

// insertMilestones creates the milestones of a new milestone order, all
// pending, each with its share of the order's buyer fees.
func (s *Service) insertMilestones(ctx context.Context, tx *db.Tx, orderID string, ms []Milestone) error {
	for _, m := range ms {
		if _, err := tx.Exec(ctx, `INSERT INTO order_milestones (id, order_id, position, title, amount, fees, currency, delivery_days, revisions_allowed, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`, m.ID, orderID, m.Position, m.Title, m.Amount.Amount, m.Fees.Amount, m.Amount.Currency,
			m.DeliveryDays, m.RevisionsAllowed); err != nil {
			return err
		}
	}
	return nil
}

// milestonePayment charges one milestone and starts it: its due date is
// its delivery days from now, and the order's due date follows it.
func (s *Service) milestonePayment(o Order, m Milestone, key string, claim func(ctx context.Context, tx *db.Tx) error) Payment {
	return Payment{Order: o, Amount: m.Total, Key: key, Claim: claim,
		Line: billing.OrderCharge{AccountID: o.AccountID, OrderID: o.ID, Description: o.Title + " — " + m.Title, Quantity: 1, UnitPrice: m.Amount, Fees: m.Fees},
		Start: func(ctx context.Context, tx *db.Tx, paidWith, charge, invoiceID string) error {
			due := db.Micros(tx.Now.Add(time.Duration(m.DeliveryDays) * 24 * time.Hour))
			res, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'active', paid_with = ?, charge_ref = ?, invoice_id = ?, started_at = ?, due_at = ?
				WHERE id = ? AND status = 'pending'`, paidWith, charge, invoiceID, db.Micros(tx.Now), due, m.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.Conflict("order_state_changed")
			}
			if _, err := tx.Exec(ctx, `UPDATE orders SET paid_with = ?, invoice_id = CASE WHEN invoice_id = '' THEN ? ELSE invoice_id END,
				started_at = COALESCE(started_at, ?), due_at = ? WHERE id = ?`, paidWith, invoiceID, db.Micros(tx.Now), due, o.ID); err != nil {
				return err
			}
			if _, err := AddEvent(ctx, tx, o.ID, "", "milestone_started", m.Title); err != nil {
				return err
			}
			return s.NotifyFreelancer(ctx, tx, o, "milestone_started", map[string]any{"title": o.Title, "milestone": m.Title})
		},
		Recorded: func(ctx context.Context) string {
			var ref string
			if err := s.DB.QueryRow(ctx, `SELECT charge_ref FROM order_milestones WHERE id = ?`, m.ID).Scan(&ref); err != nil {
				return ""
			}
			return ref
		}}
}

var errMilestoneNotFound = errs.NotFound("milestone_not_found")

// actMilestone runs a milestone transition in a transaction, for the given
// side of a milestone order.
func (s *Service) actMilestone(ctx context.Context, actor users.User, orderID, msID string, a Action, fn func(tx *db.Tx, o Order, m Milestone) error) (Order, error) {
	wantSide := ClientSide // the side is refused before the milestone is looked for
	if a == ActDeliver {
		wantSide = FreelancerSide
	}
	return s.Act(ctx, actor, orderID, wantSide, func(tx *db.Tx, o Order) error {
		if o.Kind != KindMilestones {
			return errMilestoneNotFound
		}
		for _, m := range o.Milestones {
			if m.ID == msID {
				if err := o.milestoneRefusal(m, a); err != nil {
					return err
				}
				return fn(tx, o, m)
			}
		}
		return errMilestoneNotFound
	})
}

// notMilestones refuses the whole-order transitions on a milestone order,
// which moves one milestone at a time.
func notMilestones(o Order) error {
	switch o.Kind {
	case KindMilestones:
		return errs.Conflict("order_has_milestones")
	case KindHourly:
		return errs.Conflict("order_is_hourly")
	}
	return nil
}

// DeliverMilestone hands a running milestone's work to the client (the
// freelancer's side); unanswered for 8 days it is approved by itself.
func (s *Service) DeliverMilestone(ctx context.Context, actor users.User, orderID, msID, message string, files []File) (Order, error) {
	message, err := Text("message", message, true)
	if err != nil {
		return Order{}, err
	}
	if err := CheckFiles(files); err != nil {
		return Order{}, err
	}
	return s.actMilestone(ctx, actor, orderID, msID, ActDeliver, func(tx *db.Tx, o Order, m Milestone) error {
		auto := db.Micros(tx.Now.Add(AutoApproveAfter))
		res, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'delivered', delivered_at = ?, auto_approve_at = ? WHERE id = ? AND status = 'active'`,
			db.Micros(tx.Now), auto, m.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("order_state_changed")
		}
		if err := Transition(ctx, tx, o.ID, []Status{Active}, Delivered, `, delivered_at = ?, auto_complete_at = ?, review_extension = 0`,
			db.Micros(tx.Now), auto); err != nil {
			return err
		}
		ev, err := AddEvent(ctx, tx, o.ID, actor.ID, "milestone_delivered", m.Title+"\n\n"+message)
		if err != nil {
			return err
		}
		if err := SaveFiles(ctx, tx, o.ID, ev, files); err != nil {
			return err
		}
		return s.NotifyBuyer(ctx, tx, o, "milestone_delivered", map[string]any{"title": o.Title, "milestone": m.Title,
			"auto_approve_at": tx.Now.Add(AutoApproveAfter)})
	})
}

// RequestMilestoneRevision sends a delivered milestone back (the client's
// side) while its revisions last.
func (s *Service) RequestMilestoneRevision(ctx context.Context, actor users.User, orderID, msID, message string) (Order, error) {
	message, err := Text("message", message, true)
	if err != nil {
		return Order{}, err
	}
	return s.actMilestone(ctx, actor, orderID, msID, ActRequestRevision, func(tx *db.Tx, o Order, m Milestone) error {
		res, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'active', revisions_used = revisions_used + 1, auto_approve_at = NULL
			WHERE id = ? AND status = 'delivered'`, m.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("order_state_changed")
		}
		if err := Transition(ctx, tx, o.ID, []Status{Delivered}, Active, `, auto_complete_at = NULL`); err != nil {
			return err
		}
		if _, err := AddEvent(ctx, tx, o.ID, actor.ID, "milestone_revision", m.Title+"\n\n"+message); err != nil {
			return err
		}
		return s.NotifyFreelancer(ctx, tx, o, "milestone_revision_requested", map[string]any{"title": o.Title, "milestone": m.Title})
	})
}

// approveMilestone approves a delivered milestone and releases its money
// (its price less the commission to the freelancer, its fees and the
// commission to the platform). Then, when stop is set or no milestone
// is left, the order completes; otherwise it waits in awaiting_payment
// for the next milestone's charge, which the caller makes after this
// transaction. It answers whether a next milestone is waiting.
func (s *Service) approveMilestone(ctx context.Context, tx *db.Tx, o Order, m Milestone, actorID string, stop bool) (bool, error) {
	var by any
	if actorID != "" {
		by = actorID
	}
	res, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'approved', approved_at = ?, approved_by = ?, auto_approve_at = NULL
		WHERE id = ? AND status = 'delivered'`, db.Micros(tx.Now), by, m.ID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, errs.Conflict("order_state_changed")
	}
	if err := s.Release(ctx, tx, o, m.Amount, m.Fees); err != nil {
		return false, err
	}
	body := m.Title
	if actorID == "" {
		body += "\n\n(approved automatically)"
	}
	if _, err := AddEvent(ctx, tx, o.ID, actorID, "milestone_approved", body); err != nil {
		return false, err
	}
	if err := s.NotifyFreelancer(ctx, tx, o, "milestone_approved", map[string]any{"title": o.Title, "milestone": m.Title}); err != nil {
		return false, err
	}
	var left int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM order_milestones WHERE order_id = ? AND status = 'pending'`, o.ID).Scan(&left); err != nil {
		return false, err
	}
	if stop || left == 0 {
		return false, s.finishMilestones(ctx, tx, o, actorID, []Status{Delivered})
	}
	return true, Transition(ctx, tx, o.ID, []Status{Delivered}, AwaitingPayment, `, auto_complete_at = NULL`)
}

// finishMilestones completes a milestone order after its last approved
// milestone: the milestones not started are stopped (never charged), the
// order's price becomes what was approved and paid, and the account earns
// its rewards on it.
func (s *Service) finishMilestones(ctx context.Context, tx *db.Tx, o Order, actorID string, from []Status) error {
	if _, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'stopped' WHERE order_id = ? AND status = 'pending'`, o.ID); err != nil {
		return err
	}
	var sub, fees int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(fees), 0) FROM order_milestones WHERE order_id = ? AND status = 'approved'`,
		o.ID).Scan(&sub, &fees); err != nil {
		return err
	}
	if err := Transition(ctx, tx, o.ID, from, Completed, `, unit_price = ?, subtotal = ?, fees = ?, total = ?, auto_complete_at = NULL, completed_at = ?, closed_at = ?`,
		sub, sub, fees, sub+fees, db.Micros(tx.Now), db.Micros(tx.Now)); err != nil {
		return err
	}
	if _, err := AddEvent(ctx, tx, o.ID, actorID, "completed", ""); err != nil {
		return err
	}
	if err := s.NotifyFreelancer(ctx, tx, o, "order_completed", map[string]any{"title": o.Title}); err != nil {
		return err
	}
	return s.NotifyBuyer(ctx, tx, o, "order_completed", map[string]any{"title": o.Title})
}

// ApproveMilestone approves a delivered milestone (the client's side): its
// money is released, and the next milestone is charged and starts — unless
// stop is set or it was the last, and then the order completes. A failed
// charge of the next milestone does not undo the approval: the order waits
// in awaiting_payment, the buyer is told, and the client pays it
// (PayMilestone) or stops. key is the request's Idempotency-Key.
func (s *Service) ApproveMilestone(ctx context.Context, actor users.User, orderID, msID string, stop bool, key string) (Order, error) {
	var next bool
	o, err := s.actMilestone(ctx, actor, orderID, msID, ActApproveMilestone, func(tx *db.Tx, o Order, m Milestone) error {
		var err error
		next, err = s.approveMilestone(ctx, tx, o, m, actor.ID, stop)
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
			return Order{}, err
		}
		// The approval stands; the order waits for the client to pay.
		s.Billing.Log.Info("a milestone's charge failed after the previous one's approval", "order", orderID, "err", err)
		if err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			return s.NotifyBuyer(ctx, tx, o, "milestone_payment_failed", map[string]any{"title": o.Title})
		}); err != nil {
			return Order{}, err
		}
	}
	return s.Get(ctx, actor, orderID)
}

// startNext charges an order's next pending milestone and starts it; the
// claim moves the order out of awaiting_payment, so one request wins.
func (s *Service) startNext(ctx context.Context, orderID, key string) error {
	o, err := Load(ctx, s.DB, orderID)
	if err != nil {
		return err
	}
	if o.Status != AwaitingPayment {
		return errs.Conflict("order_not_awaiting_payment")
	}
	ms, err := milestonesOf(ctx, s.DB, orderID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Status != MilestonePending {
			continue
		}
		return s.Pay(ctx, s.milestonePayment(o, m, "order:"+o.ID+":ms:"+m.ID+":"+key, func(ctx context.Context, tx *db.Tx) error {
			return Transition(ctx, tx, o.ID, []Status{AwaitingPayment}, Active, `, auto_complete_at = NULL`)
		}))
	}
	return errs.Conflict("order_not_awaiting_payment")
}

// PayMilestone retries the charge of the next milestone of an order waiting
// in awaiting_payment (the client's side, who may buy): once charged it
// starts. key is the request's Idempotency-Key; without one each call is a
// new attempt.
func (s *Service) PayMilestone(ctx context.Context, actor users.User, orderID, key string) (Order, error) {
	if _, err := s.Act(ctx, actor, orderID, ClientSide, func(tx *db.Tx, o Order) error {
		if err := o.Refusal(ActPayMilestone, tx.Now); err != nil {
			return err
		}
		return nil
	}); err != nil {
		return Order{}, err
	}
	if key == "" {
		key = db.NewID("try")
	}
	if err := s.startNext(ctx, orderID, "pay:"+key); err != nil {
		return Order{}, err
	}
	return s.Get(ctx, actor, orderID)
}

// Stop ends a milestone order after an approved milestone (the client's
// side): nothing more is charged and the order completes. While a milestone
// waits for the client, stopping approves it first; while one is in
// progress (charged, being worked on) the order cannot be stopped alone.
func (s *Service) Stop(ctx context.Context, actor users.User, orderID string) (Order, error) {
	return s.Act(ctx, actor, orderID, ClientSide, func(tx *db.Tx, o Order) error {
		if o.Kind != KindMilestones {
			return errs.Conflict("order_has_no_milestones")
		}
		switch o.Status {
		case AwaitingPayment:
			return s.finishMilestones(ctx, tx, o, actor.ID, []Status{AwaitingPayment})
		case Delivered:
			for _, m := range o.Milestones {
				if m.Status == MilestoneDelivered {
					_, err := s.approveMilestone(ctx, tx, o, m, actor.ID, true)
					return err
				}
			}
			return errs.Conflict("order_state_changed")
		case Active:
			return errs.Conflict("milestone_in_progress")
		case PendingApproval:
			return errs.Conflict("order_not_started")
		}
		return errs.Conflict("order_closed")
	})
}

// AutoApproveMilestones is the timer of PRODUCT.md §6: a delivered
// milestone left without an answer for 8 days is approved, released, and
// the order stops there. The conditional UPDATE approves a milestone once,
// whichever node fires first.
func (s *Service) AutoApproveMilestones(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, order_id `+milestonesAwaiting+` AND auto_approve_at <= ? ORDER BY auto_approve_at LIMIT 200`, db.Micros(now))
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
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			o, err := Load(ctx, tx, d.order)
			if err != nil {
				return err
			}
			if h, err := isHeld(ctx, tx, o.ID); h || err != nil {
				return err // paused while a cancellation or an escalation is open
			}
			ms, err := milestonesOf(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.ID != d.id || m.Status != MilestoneDelivered || m.AutoApproveAt.After(now) {
					continue
				}
				// A conflict rolls the whole approval back: answered by the
				// client or another node meanwhile (skipped below).
				if _, err := s.approveMilestone(ctx, tx, o, m, "", true); err != nil {
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
