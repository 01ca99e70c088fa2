// Package approvals is the admin's side of an account's spending
// policies over the core of orders: the orders that wait for approval
// (approved, then charged and started; or rejected with a reason) and the
// commitments beside orders that wait too (a price raise, a weekly limit
// raise), carried out in the admin's name once approved by the package
// that owns them (Service.Carry). The gate that makes them wait is the
// core's (orders.Gate), which GateRaise, GateScopePayment and GateLimit
// ask for the commitments beside orders.
package approvals

import (
	"context"
	"strings"
	"unicode/utf8"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// Service answers what waits for an account's admin.
type Service struct {
	DB      *db.DB
	Billing *billing.Service
	Orders  *orders.Service
	// Carry carries out a waiting commitment of each kind once the admin
	// approves its spending (ApproveSpend): the packages that own them set
	// theirs (resolutions a scope change, hourly a weekly limit).
	Carry map[CommitKind]Carry
}

// Carry carries out an approved commitment in the admin's name; key keys
// the charge it makes.
type Carry func(ctx context.Context, actor users.User, a SpendApproval, key string) error

// Approve starts an order that waited for the admin: it is charged now
// (a contract starts uncharged), keyed by key.
func (s *Service) Approve(ctx context.Context, actor users.User, id, key string) (orders.Order, error) {
	o, err := s.waiting(ctx, s.DB, actor, id, orders.ActApprove)
	if err != nil {
		return orders.Order{}, err
	}
	err = s.Orders.Start(ctx, o, "order:"+o.ID, func(ctx context.Context, tx *db.Tx) error {
		if err := orders.Transition(ctx, tx, o.ID, []orders.Status{orders.PendingApproval}, orders.Active, `, decided_by = ?, started_at = ?`,
			actor.ID, db.Micros(tx.Now)); err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "approved", ""); err != nil {
			return err
		}
		if err := accounts.Audit(ctx, tx, o.AccountID, actor.ID, "order.approved", o.ID, map[string]any{"title": o.Title, "total": o.Total}); err != nil {
			return err
		}
		return s.Orders.NotifyBuyer(ctx, tx, o, "order_approved", map[string]any{"title": o.Title})
	})
	if err != nil {
		return orders.Order{}, err
	}
	return s.Orders.Get(ctx, actor, id)
}

// Reject ends an order that waited for the admin, with the admin's reason.
func (s *Service) Reject(ctx context.Context, actor users.User, id, reason string) (orders.Order, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return orders.Order{}, errs.Invalid("reason", "required")
	}
	if utf8.RuneCountInString(reason) > 1000 {
		return orders.Order{}, errs.Invalid("reason", "reason_too_long")
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.waiting(ctx, tx, actor, id, orders.ActReject)
		if err != nil {
			return err
		}
		if err := orders.Transition(ctx, tx, id, []orders.Status{orders.PendingApproval}, orders.Rejected, `, decided_by = ?, reason = ?, closed_at = ?`,
			actor.ID, reason, db.Micros(tx.Now)); err != nil {
			return errs.Conflict("order_not_pending_approval")
		}
		if _, err := orders.AddEvent(ctx, tx, id, actor.ID, "rejected", reason); err != nil {
			return err
		}
		if err := accounts.Audit(ctx, tx, o.AccountID, actor.ID, "order.rejected", id, map[string]any{"title": o.Title, "reason": reason}); err != nil {
			return err
		}
		return s.Orders.NotifyBuyer(ctx, tx, o, "order_rejected", map[string]any{"title": o.Title, "reason": reason})
	})
	if err != nil {
		return orders.Order{}, err
	}
	return s.Orders.Get(ctx, actor, id)
}

// waiting reads an order for an admin who answers it with a (approve or
// reject): only who may approve the account's orders learns it exists;
// the action's rule then says whether it waits.
func (s *Service) waiting(ctx context.Context, q db.Queryer, actor users.User, id string, a orders.Action) (orders.Order, error) {
	o, err := orders.Load(ctx, q, id)
	if err != nil {
		return orders.Order{}, err
	}
	if _, err := accounts.Authorize(ctx, q, actor, o.AccountID, accounts.ApproveOrders); err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.KindNotFound {
			return orders.Order{}, orders.ErrNotFound
		}
		return orders.Order{}, err
	}
	if o, _, err = s.Orders.View(ctx, q, actor, id); err != nil {
		return orders.Order{}, err
	}
	return o, o.Refusal(a, s.DB.Clock.Now())
}
