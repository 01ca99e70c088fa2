package orders

import (
	"context"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/users"
)

// The one spending gate (PRODUCT.md §11). Everything a member commits of a
// business account's money on their own word passes gate, and nothing
// else decides whether it waits:
//
//   - an order: a service, an accepted offer, a project manager's proposal
//     (open, the one path that creates orders);
//   - a raise of an order's price: a change of scope the client accepts
//     (the charge of the difference; AcceptRequest);
//   - a raise of an hourly contract's weekly limit: a new commitment of one
//     week at the new limit (SetWeeklyLimit).
//
// What follows from a commitment already gated is not gated again: the
// milestones of an accepted milestone offer, the weeks of a contract up to
// its limit. TestEveryChargeToAnAccountPassesTheGate lists the ledger's
// kinds of movement out of an account and fails on a new one.

// Gate applies the account's policies to a commitment of amount by actor,
// in the transaction that records the commitment: the admin's never wait;
// above the approval threshold it waits; past the member's monthly limit
// (their own, else the account's default) it waits when the approval policy
// is on and is refused otherwise. It locks the account's row first, so the
// commitments of one account take turns: requests sent at the same instant
// cannot each pass a limit that together they exceed.
func Gate(ctx context.Context, tx *db.Tx, accountID string, actor users.User, role accounts.Role, amount money.Money) (bool, error) {
	if role.Can(accounts.ApproveOrders) { // who approves never waits
		return false, nil
	}
	if err := accounts.Lock(ctx, tx, accountID); err != nil {
		return false, err
	}
	return policyAnswer(ctx, tx, accountID, actor, role, amount, tx.Now)
}

// policyAnswer is gate's answer, read without taking turns: what placing an
// order expects before it charges a card. gate decides again when the order
// is written.
func policyAnswer(ctx context.Context, q db.Queryer, accountID string, actor users.User, role accounts.Role, amount money.Money, now time.Time) (bool, error) {
	if role.Can(accounts.ApproveOrders) { // who approves never waits
		return false, nil
	}
	p, err := accounts.LoadPolicies(ctx, q, accountID)
	if err != nil {
		return false, err
	}
	approvalOn := p.OrderApprovalThreshold != nil
	if approvalOn && amount.Amount > p.OrderApprovalThreshold.Amount {
		return true, nil
	}
	limit := p.MemberMonthlyLimit
	if own, ok := p.MemberLimits[actor.ID]; ok {
		limit = &own
	}
	if limit == nil {
		return false, nil
	}
	spent, err := monthSpend(ctx, q, accountID, actor.ID, now)
	if err != nil {
		return false, err
	}
	if spent+amount.Amount <= limit.Amount {
		return false, nil
	}
	if approvalOn {
		return true, nil
	}
	left := money.New(max(0, limit.Amount-spent), limit.Currency)
	return false, errs.Invalid("quantity", "monthly_limit_exceeded").With("left", left.String()).With("limit", limit.String())
}

// monthSpend is what a member committed this calendar month (UTC): the
// orders they placed that are not rejected or cancelled, and their other
// commitments carried out or waiting for the admin.
func monthSpend(ctx context.Context, q db.Queryer, accountID, userID string, now time.Time) (int64, error) {
	from := db.Micros(monthStart(now))
	var orders, others int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(total), 0) FROM orders WHERE account_id = ? AND buyer_id = ?
		AND status IN ('pending_approval', 'active', 'delivered', 'awaiting_payment', 'completed') AND created_at >= ?`,
		accountID, userID, from).Scan(&orders); err != nil {
		return 0, err
	}
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM spend_approvals WHERE account_id = ? AND requested_by = ?
		AND status IN ('applied', 'pending', 'approved') AND created_at >= ?`, accountID, userID, from).Scan(&others); err != nil {
		return 0, err
	}
	return orders + others, nil
}
