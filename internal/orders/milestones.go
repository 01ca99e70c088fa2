package orders

import (
	"context"
	"time"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
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

func MilestonesOf(ctx context.Context, q db.Queryer, orderID string) ([]Milestone, error) {
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

// MilestonePayment charges one milestone and starts it: its due date is
// its delivery days from now, and the order's due date follows it.
func (s *Service) MilestonePayment(o Order, m Milestone, key string, claim func(ctx context.Context, tx *db.Tx) error) Payment {
	return Payment{Order: o, Amount: m.Total, Key: key, Claim: claim,
		Line: billing.OrderCharge{AccountID: o.AccountID, OrderID: o.ID, Description: o.Title + " — " + m.Title, Quantity: 1, UnitPrice: m.Amount, Fees: m.Fees},
		Start: func(ctx context.Context, tx *db.Tx, paidWith, charge, invoiceID string) error {
			due := db.Micros(tx.Now.Add(time.Duration(m.DeliveryDays) * 24 * time.Hour))
			if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE order_milestones SET status = 'active', paid_with = ?, charge_ref = ?, invoice_id = ?, started_at = ?, due_at = ?
				WHERE id = ? AND status = 'pending'`, paidWith, charge, invoiceID, db.Micros(tx.Now), due, m.ID); err != nil {
				return err
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

// ReleaseMilestone approves a delivered milestone and releases its money
// (its price less the commission to the freelancer, its fees and the
// commission to the platform). Then, when stop is set or no milestone
// is left, the order completes; otherwise it waits in awaiting_payment
// for the next milestone's charge, which the caller makes after this
// transaction. It answers whether a next milestone is waiting.
func (s *Service) ReleaseMilestone(ctx context.Context, tx *db.Tx, o Order, m Milestone, actorID string, stop bool) (bool, error) {
	var by any
	if actorID != "" {
		by = actorID
	}
	if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE order_milestones SET status = 'approved', approved_at = ?, approved_by = ?, auto_approve_at = NULL
		WHERE id = ? AND status = 'delivered'`, db.Micros(tx.Now), by, m.ID); err != nil {
		return false, err
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
		return false, s.FinishMilestones(ctx, tx, o, actorID, []Status{Delivered})
	}
	return true, Transition(ctx, tx, o.ID, []Status{Delivered}, AwaitingPayment, `, auto_complete_at = NULL`)
}

// FinishMilestones completes a milestone order after its last approved
// milestone: the milestones not started are stopped (never charged), the
// order's price becomes what was approved and paid, and the account earns
// its rewards on it.
func (s *Service) FinishMilestones(ctx context.Context, tx *db.Tx, o Order, actorID string, from []Status) error {
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
	return s.completed(ctx, tx, o, actorID)
}
