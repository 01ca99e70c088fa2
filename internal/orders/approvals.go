package orders

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

// A member's commitments besides orders (a price raise, a weekly limit
// raise) are written down in spend_approvals: applied when they passed the
// gate, pending when they wait for the admin (nothing charged, nothing
// changed), then approved (carried out in the admin's name) or rejected.

// Kinds of commitment that are not orders.
const (
	CommitScopeChange = "scope_change"
	CommitHourlyLimit = "hourly_limit"
)

// Statuses of a commitment.
const (
	CommitApplied  = "applied"
	CommitPending  = "pending"
	CommitApproved = "approved"
	CommitRejected = "rejected"
	CommitClosed   = "closed"
)

// CommitStatuses are the statuses a list of commitments filters by.
var CommitStatuses = []string{CommitPending, CommitApproved, CommitRejected, CommitApplied, CommitClosed}

// SpendApproval is a member's commitment that is not an order, as the
// admin's approvals queue shows it.
type SpendApproval struct {
	ID              string      `json:"id"`
	AccountID       string      `json:"account_id"`
	OrderID         string      `json:"order_id"`
	OrderTitle      string      `json:"order_title"`
	Kind            string      `json:"kind"`                  // scope_change or hourly_limit
	RequestID       string      `json:"request_id,omitempty"`  // scope_change: the request accepted
	LimitHours      int         `json:"limit_hours,omitempty"` // hourly_limit: the limit asked for
	Amount          money.Money `json:"amount"`                // what it commits
	RequestedBy     string      `json:"requested_by"`
	RequestedByName string      `json:"requested_by_name"`
	Status          string      `json:"status"`
	Reason          string      `json:"reason"`
	CreatedAt       time.Time   `json:"created_at"`
	DecidedAt       *time.Time  `json:"decided_at"`
}

const approvalSelect = `SELECT a.id, a.account_id, a.order_id, o.title, a.kind, COALESCE(a.request_id, ''), COALESCE(a.limit_hours, 0),
	a.amount, a.currency, a.requested_by, u.name, a.status, a.reason, a.created_at, a.decided_at
	FROM spend_approvals a JOIN orders o ON o.id = a.order_id JOIN users u ON u.id = a.requested_by `

func scanApproval(row db.Row) (SpendApproval, error) {
	var a SpendApproval
	var amount, created int64
	var currency string
	var decided sql.NullInt64
	if err := row.Scan(&a.ID, &a.AccountID, &a.OrderID, &a.OrderTitle, &a.Kind, &a.RequestID, &a.LimitHours, &amount, &currency,
		&a.RequestedBy, &a.RequestedByName, &a.Status, &a.Reason, &created, &decided); err != nil {
		return SpendApproval{}, err
	}
	a.Amount, a.CreatedAt = money.New(amount, currency), db.Time(created)
	if decided.Valid {
		t := db.Time(decided.Int64)
		a.DecidedAt = &t
	}
	return a, nil
}

// commitment is a member's commitment beside an order, before it is
// written down.
type commitment struct {
	order      Order
	actor      users.User
	kind       string
	requestID  string
	limitHours int
	amount     money.Money
}

// record writes a commitment down with status (applied or pending). A
// pending one replaces an earlier pending one of the same order and kind
// (a member who asks for 20 hours, then 30); asking again for the very
// same thing changes nothing. A pending one is audited and the admin told.
func record(ctx context.Context, tx *db.Tx, c commitment, status string) error {
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
	wait, err := gate(ctx, tx, c.order.AccountID, c.actor, role, c.amount)
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
func (s *Service) GateRaise(ctx context.Context, tx *db.Tx, o Order, r Request, actor users.User) (bool, error) {
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
func (s *Service) GateScopePayment(ctx context.Context, tx *db.Tx, o Order, r Request, actor users.User, p *Payment) (*Payment, error) {
	if r.Side == ClientSide {
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
	wait, err := gate(ctx, tx, o.AccountID, actor, role, p.Amount)
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

// SpendApprovals is the admin's queue of commitments that are not orders,
// waiting ones first, then the rest, newest first.
func (s *Service) SpendApprovals(ctx context.Context, actor users.User, accountID, status string, r page.Request) (page.Page[SpendApproval], error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ApproveOrders); err != nil {
		return page.Page[SpendApproval]{}, err
	}
	if status != "" && !slices.Contains(CommitStatuses, status) {
		return page.Page[SpendApproval]{}, errs.Invalid("status", "status_invalid")
	}
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	cond, args := `a.account_id = ? AND a.id < ?`, []any{accountID, after}
	if status != "" {
		cond += ` AND a.status = ` + db.Words(status)
	}
	list, err := db.Collect(ctx, s.DB, scanApproval, approvalSelect+`WHERE `+cond+` ORDER BY a.id DESC LIMIT ?`, append(args, r.Limit+1)...)
	if err != nil {
		return page.Page[SpendApproval]{}, err
	}
	return page.Cut(list, r, func(a SpendApproval) string { return a.ID }), nil
}

// WaitingSpend counts the account's commitments waiting for its admin (the
// count on the account's tabs and the dashboard).
func (s *Service) WaitingSpend(ctx context.Context, actor users.User, accountID string) (int, error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ApproveOrders); err != nil {
		return 0, err
	}
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM spend_approvals WHERE account_id = ? AND status = 'pending'`, accountID).Scan(&n)
	return n, err
}

// pendingApproval loads a waiting commitment for its account's admin.
func (s *Service) pendingApproval(ctx context.Context, actor users.User, id string) (SpendApproval, error) {
	a, err := scanApproval(s.DB.QueryRow(ctx, approvalSelect+`WHERE a.id = ?`, id))
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return SpendApproval{}, errs.NotFound("approval_not_found")
	}
	if err != nil {
		return SpendApproval{}, err
	}
	if _, err := accounts.Authorize(ctx, s.DB, actor, a.AccountID, accounts.ApproveOrders); err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.KindNotFound {
			return SpendApproval{}, errs.NotFound("approval_not_found")
		}
		return SpendApproval{}, err
	}
	if a.Status != CommitPending {
		return SpendApproval{}, errs.Conflict("approval_not_pending")
	}
	return a, nil
}

// ApproveSpend carries out a waiting commitment in the admin's name: the
// price raise is charged (key keys the charge), or the weekly limit
// raised. If that fails (the request ended, the card is declined) the
// commitment keeps waiting, or is closed when there is nothing left to
// carry out.
func (s *Service) ApproveSpend(ctx context.Context, actor users.User, id, key string) (SpendApproval, error) {
	a, err := s.pendingApproval(ctx, actor, id)
	if err != nil {
		return SpendApproval{}, err
	}
	if err := s.decide(ctx, a, actor, CommitPending, CommitApproved, ""); err != nil {
		return SpendApproval{}, err
	}
	if carry := s.Approved[a.Kind]; carry != nil {
		err = carry(ctx, actor, a, key)
	}
	if err != nil {
		back := CommitPending // a card to add, a payment to retry: it waits
		if gone(err) {
			back = CommitClosed // the request or the contract moved on: nothing to carry out
		}
		if derr := s.decide(ctx, a, actor, CommitApproved, back, ""); derr != nil {
			return SpendApproval{}, errors.Join(err, derr)
		}
		return SpendApproval{}, err
	}
	return s.answered(ctx, a, actor, "order_spend_approved", "")
}

// onField names the field a refusal of the gate belongs to: the gate
// speaks of an order's quantity.
func onField(err error, field string) error {
	if e, ok := errs.As(err); ok && e.Code == "monthly_limit_exceeded" {
		e.Field = field
	}
	return err
}

// gone tells a refusal that leaves nothing to carry out: the request
// ended, the order or the contract closed.
func gone(err error) bool {
	e, ok := errs.As(err)
	if !ok {
		return false
	}
	switch e.Code {
	case "request_not_open", "request_not_found", "order_not_found", "order_closed", "order_state_changed", "contract_ended":
		return true
	}
	return false
}

// RejectSpend answers a waiting commitment with no: nothing is charged or
// changed; the member is told why. A price raise's request stays open for
// the member to decline.
func (s *Service) RejectSpend(ctx context.Context, actor users.User, id, reason string) (SpendApproval, error) {
	reason, err := Text("reason", reason, true)
	if err != nil {
		return SpendApproval{}, err
	}
	a, err := s.pendingApproval(ctx, actor, id)
	if err != nil {
		return SpendApproval{}, err
	}
	if err := s.decide(ctx, a, actor, CommitPending, CommitRejected, reason); err != nil {
		return SpendApproval{}, err
	}
	return s.answered(ctx, a, actor, "order_spend_rejected", reason)
}

// decide moves a commitment from one status to another, once.
func (s *Service) decide(ctx context.Context, a SpendApproval, actor users.User, from, to, reason string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		decided := any(db.Micros(tx.Now))
		if to == CommitPending {
			decided = nil
		}
		res, err := tx.Exec(ctx, `UPDATE spend_approvals SET status = ?, reason = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = ?`,
			to, reason, decided, actor.ID, a.ID, from)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("approval_not_pending")
		}
		return nil
	})
}

// answered audits the admin's answer, tells the member, and returns the
// commitment as it is now.
func (s *Service) answered(ctx context.Context, a SpendApproval, actor users.User, kind, reason string) (SpendApproval, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		action := "spend.approved"
		if kind == "order_spend_rejected" {
			action = "spend.rejected"
		}
		if err := accounts.Audit(ctx, tx, a.AccountID, actor.ID, action, a.ID,
			map[string]any{"kind": a.Kind, "order": a.OrderID, "amount": a.Amount, "reason": reason}); err != nil {
			return err
		}
		return notify.User(ctx, tx, a.RequestedBy, kind, map[string]any{"title": a.OrderTitle, "total": a.Amount.String(), "reason": reason},
			"/orders/"+a.OrderID)
	})
	if err != nil {
		return SpendApproval{}, err
	}
	out, err := scanApproval(s.DB.QueryRow(ctx, approvalSelect+`WHERE a.id = ?`, a.ID))
	return out, db.NoRows(err)
}

// GateLimit passes a raise of a contract's weekly limit through the gate:
// the commitment is one week at the new limit, fees included. It reports
// whether the raise waits for the admin (recorded, nothing changed); one
// that passes withdraws a raise that waited.
func (s *Service) GateLimit(ctx context.Context, tx *db.Tx, o Order, h *Hourly, actor users.User, hours int) (bool, error) {
	wait, err := s.pass(ctx, tx, commitment{order: o, actor: actor, kind: CommitHourlyLimit, limitHours: hours,
		amount: s.Billing.Week(money.New(h.Rate.Amount*int64(hours), h.Rate.Currency)).Total})
	if err != nil || wait {
		return wait, err
	}
	return false, CloseCommitments(ctx, tx, `order_id = ? AND kind = 'hourly_limit' AND status = 'pending'`, o.ID)
}
