package approvals

import (
	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/users"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"
)

// SpendApproval is a member's commitment that is not an order, as the
// admin's approvals queue shows it.
type SpendApproval struct {
	ID              string       `json:"id"`
	AccountID       string       `json:"account_id"`
	OrderID         string       `json:"order_id"`
	OrderTitle      string       `json:"order_title"`
	Kind            CommitKind   `json:"kind"`                  // scope_change or hourly_limit
	RequestID       string       `json:"request_id,omitempty"`  // scope_change: the request accepted
	LimitHours      int          `json:"limit_hours,omitempty"` // hourly_limit: the limit asked for
	Amount          money.Money  `json:"amount"`                // what it commits
	RequestedBy     string       `json:"requested_by"`
	RequestedByName string       `json:"requested_by_name"`
	Status          CommitStatus `json:"status"`
	Reason          string       `json:"reason"`
	CreatedAt       time.Time    `json:"created_at"`
	DecidedAt       *time.Time   `json:"decided_at"`
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

// SpendApprovals is the admin's queue of commitments that are not orders,
// waiting ones first, then the rest, newest first.
func (s *Service) SpendApprovals(ctx context.Context, actor users.User, accountID string, status CommitStatus, r page.Request) (page.Page[SpendApproval], error) {
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
		cond += ` AND a.status = ` + db.Words(string(status))
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
	if carry := s.Carry[a.Kind]; carry != nil {
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
	reason, err := orders.Text("reason", reason, true)
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
func (s *Service) decide(ctx context.Context, a SpendApproval, actor users.User, from, to CommitStatus, reason string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		decided := any(db.Micros(tx.Now))
		if to == CommitPending {
			decided = nil
		}
		if err := tx.ExecOne(ctx, errs.Conflict("approval_not_pending"), `UPDATE spend_approvals SET status = ?, reason = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = ?`,
			to, reason, decided, actor.ID, a.ID, from); err != nil {
			return err
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
