package approvals

import (
	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/users"
	"context"
)

// A member's commitments besides orders (a price raise, a weekly limit
// raise) are written down in spend_approvals: applied when they passed the
// gate, pending when they wait for the admin (nothing charged, nothing
// changed), then approved (carried out in the admin's name) or rejected.
// The gate that decides (orders.Gate, the account's policies, taking turns
// with the account's other commitments) is the core's, as placing an order
// uses it too; what a commitment beside an order is, how it is written
// down, and how it is answered are this package's.

// CommitKind is what a commitment that is not an order commits to.
type CommitKind string

// CommitStatus is where a commitment is.
type CommitStatus string

// CommitKinds lists every kind of commitment.
var CommitKinds = []CommitKind{CommitScopeChange, CommitHourlyLimit}

// CommitStatuses are the statuses a list of commitments filters by.
var CommitStatuses = []CommitStatus{CommitPending, CommitApproved, CommitRejected, CommitApplied, CommitClosed}

// commitment is a member's commitment beside an order, before it is
// written down.
type commitment struct {
	order      orders.Order
	actor      users.User
	kind       CommitKind
	requestID  string
	limitHours int
	amount     money.Money
}

// record writes a commitment down with status (applied or pending). A
// pending one replaces an earlier pending one of the same order and kind
// (a member who asks for 20 hours, then 30); asking again for the very
// same thing changes nothing. A pending one is audited and the admin told.
func record(ctx context.Context, tx *db.Tx, c commitment, status CommitStatus) error {
	var request, hours any
	if c.requestID != "" {
		request = c.requestID
	}
	if c.limitHours > 0 {
		hours = c.limitHours
	}
	if status == CommitPending {
		var same int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM spend_approvals WHERE order_id = ? AND kind = ? AND status = 'pending'
			AND COALESCE(request_id, '') = ? AND COALESCE(limit_hours, 0) = ?`, c.order.ID, c.kind, c.requestID, c.limitHours).Scan(&same); err != nil {
			return err
		}
		if same > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE spend_approvals SET status = 'closed', decided_at = ? WHERE order_id = ? AND kind = ? AND status = 'pending'`,
			db.Micros(tx.Now), c.order.ID, c.kind); err != nil {
			return err
		}
	}
	id := db.NewID("apv")
	if _, err := tx.Exec(ctx, `INSERT INTO spend_approvals (id, account_id, order_id, kind, request_id, limit_hours, amount, currency, requested_by, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, c.order.AccountID, c.order.ID, c.kind, request, hours, c.amount.Amount, c.amount.Currency,
		c.actor.ID, status, db.Micros(tx.Now)); err != nil {
		return err
	}
	if status != CommitPending {
		return nil
	}
	if err := accounts.Audit(ctx, tx, c.order.AccountID, c.actor.ID, "spend.approval_requested", id,
		map[string]any{"kind": c.kind, "order": c.order.ID, "title": c.order.Title, "amount": c.amount}); err != nil {
		return err
	}
	admin, err := accounts.AdminOf(ctx, tx, c.order.AccountID)
	if err != nil {
		return err
	}
	return notify.User(ctx, tx, admin, "order_spend_approval_requested",
		map[string]any{"buyer": c.actor.Name, "title": c.order.Title, "total": c.amount.String(), "kind": c.kind}, "/orders/"+c.order.ID)
}

// CloseCommitments closes the commitments of requests that ended without
// being carried out (declined, withdrawn, closed with their order): what
// waited for the admin, and a client's raise that passed the gate but was
// never charged. where selects them (request_id = ? …).
func CloseCommitments(ctx context.Context, tx *db.Tx, where string, args ...any) error {
	_, err := tx.Exec(ctx, `UPDATE spend_approvals SET status = 'closed', decided_at = ? WHERE status IN ('pending', 'applied') AND `+where,
		append([]any{db.Micros(tx.Now)}, args...)...)
	return err
}

// pass runs a commitment through the gate in tx: above the policy it is
// recorded as waiting for the admin (and pass reports true); else it is
// recorded as the member's spend (the admin's need no record: no limit).
func (s *Service) pass(ctx context.Context, tx *db.Tx, c commitment) (bool, error) {
	role, err := accounts.Authorize(ctx, tx, c.actor, c.order.AccountID, accounts.Buy)
	if err != nil {
		return false, err
	}
	wait, err := orders.Gate(ctx, tx, c.order.AccountID, c.actor, role, c.amount)
	switch {
	case err != nil:
		field := "price"
		if c.kind == CommitHourlyLimit {
			field = "weekly_limit_hours"
		}
		return false, onField(err, field)
	case wait:
		return true, record(ctx, tx, c, CommitPending)
	case role.Can(accounts.ApproveOrders):
		return false, nil
	}
	return false, record(ctx, tx, c, CommitApplied)
}

// GateRaise passes a client's own request for a higher price through the
// gate when it is made: above the policy it waits for the admin (the
// freelancer cannot accept it before; it reports true), else it counts as
// spent.
func (s *Service) GateRaise(ctx context.Context, tx *db.Tx, o orders.Order, r orders.Request, actor users.User) (bool, error) {
	raise := s.Billing.Quote(*r.Amount).Total.Amount - o.Total.Amount
	if raise <= 0 {
		return false, nil
	}
	return s.pass(ctx, tx, commitment{order: o, actor: actor, kind: CommitScopeChange, requestID: r.ID, amount: money.New(raise, o.Total.Currency)})
}

// GateScopePayment passes the charge of an accepted price raise through
// the gate. A raise the freelancer asked for is the accepting client's
// commitment: above the policy it waits for the admin, nothing charged,
// the request still open (nil payment); else it counts as the member's
// spend once charged. A raise the client asked for passed the gate when it
// was asked: the freelancer cannot accept it while it waits.
func (s *Service) GateScopePayment(ctx context.Context, tx *db.Tx, o orders.Order, r orders.Request, actor users.User, p *orders.Payment) (*orders.Payment, error) {
	if r.Side == orders.ClientSide {
		if r.AwaitingApproval {
			return nil, errs.Conflict("awaiting_approval")
		}
		return p, nil
	}
	role, err := accounts.Authorize(ctx, tx, actor, o.AccountID, accounts.Buy)
	if err != nil {
		return nil, err
	}
	c := commitment{order: o, actor: actor, kind: CommitScopeChange, requestID: r.ID, amount: p.Amount}
	wait, err := orders.Gate(ctx, tx, o.AccountID, actor, role, p.Amount)
	if err != nil || wait {
		if err != nil {
			return nil, onField(err, "") // accepting has no field: the page's alert
		}
		return nil, record(ctx, tx, c, CommitPending)
	}
	if !role.Can(accounts.ApproveOrders) {
		start := p.Start
		p.Start = func(ctx context.Context, tx *db.Tx, paidWith, charge, invoiceID string) error {
			if err := start(ctx, tx, paidWith, charge, invoiceID); err != nil {
				return err
			}
			return record(ctx, tx, c, CommitApplied)
		}
	}
	return p, nil
}

// onField names the field a refusal of the gate belongs to: the gate
// speaks of an order's quantity.
func onField(err error, field string) error {
	if e, ok := errs.As(err); ok && e.Code == "monthly_limit_exceeded" {
		e.Field = field
	}
	return err
}

// GateLimit passes a raise of a contract's weekly limit through the gate:
// the commitment is one week at the new limit, fees included. It reports
// whether the raise waits for the admin (recorded, nothing changed); one
// that passes withdraws a raise that waited.
func (s *Service) GateLimit(ctx context.Context, tx *db.Tx, o orders.Order, h *orders.Hourly, actor users.User, hours int) (bool, error) {
	wait, err := s.pass(ctx, tx, commitment{order: o, actor: actor, kind: CommitHourlyLimit, limitHours: hours,
		amount: s.Billing.Week(money.New(h.Rate.Amount*int64(hours), h.Rate.Currency)).Total})
	if err != nil || wait {
		return wait, err
	}
	return false, CloseCommitments(ctx, tx, `order_id = ? AND kind = 'hourly_limit' AND status = 'pending'`, o.ID)
}

// Kinds of commitment that are not orders.
const (
	CommitScopeChange CommitKind = "scope_change"
	CommitHourlyLimit CommitKind = "hourly_limit"
)

// Statuses of a commitment.
const (
	CommitApplied  CommitStatus = "applied"
	CommitPending  CommitStatus = "pending"
	CommitApproved CommitStatus = "approved"
	CommitRejected CommitStatus = "rejected"
	CommitClosed   CommitStatus = "closed"
)
