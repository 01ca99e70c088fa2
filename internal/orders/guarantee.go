package orders

import (
	"context"
	"errors"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
)

// The satisfaction guarantee (PRODUCT.md §6): on a fixed-price order (a
// service's package or a fixed custom offer) or a milestone order of a Pro
// freelancer, the client may claim once, within 14 days of completion. An
// operator grants or rejects the claim. Granted, the client gets back 100%
// of what it paid for the order (its final total, so net of any earlier
// refund) to its balance, from the platform's guarantee account, and the
// freelancer keeps the earnings. The guarantee account (ledger.Guarantee)
// is the platform's own money set aside for this: it is allowed below zero
// like the rewards account — its balance is what the guarantee has cost the
// platform so far, which the platform funds from its fees — so the ledger
// still balances and no money is created.

// GuaranteeWindow is how long after completion a claim may be made.
const GuaranteeWindow = 14 * 24 * time.Hour

// ClaimStatus is where a guarantee claim is.
type ClaimStatus string

// Statuses of a claim.
const (
	ClaimPending  ClaimStatus = "pending"
	ClaimGranted  ClaimStatus = "granted"
	ClaimRejected ClaimStatus = "rejected"
)

// ClaimStatuses are the statuses the claims queue filters by.
var ClaimStatuses = []ClaimStatus{ClaimPending, ClaimGranted, ClaimRejected}

// Claim is a satisfaction-guarantee claim.
type Claim struct {
	ID         string      `json:"id"`
	OrderID    string      `json:"order_id"`
	OrderTitle string      `json:"order_title"`
	AccountID  string      `json:"account_id"`
	ClaimedBy  string      `json:"claimed_by"`
	ClaimName  string      `json:"claimed_by_name"`
	Reason     string      `json:"reason"`
	Amount     money.Money `json:"amount"` // refunded when granted
	Status     ClaimStatus `json:"status"`
	CreatedAt  time.Time   `json:"created_at"`
	DecidedAt  time.Time   `json:"decided_at,omitzero"`
	Note       string      `json:"note,omitempty"`
}

const ClaimSelect = `SELECT c.id, c.order_id, o.title, c.account_id, c.claimed_by, u.name, c.reason, c.amount, c.currency, c.status, c.created_at, c.decided_at, c.note
	FROM guarantee_claims c JOIN orders o ON o.id = c.order_id JOIN users u ON u.id = c.claimed_by `

func ScanClaim(row interface{ Scan(...any) error }) (Claim, error) {
	var c Claim
	var created int64
	var decided db.NullInt
	if err := row.Scan(&c.ID, &c.OrderID, &c.OrderTitle, &c.AccountID, &c.ClaimedBy, &c.ClaimName, &c.Reason, &c.Amount.Amount, &c.Amount.Currency,
		&c.Status, &created, &decided, &c.Note); err != nil {
		return Claim{}, db.NoRows(err)
	}
	c.CreatedAt, c.DecidedAt = db.Time(created), db.NullTime(decided)
	return c, nil
}

func claimOf(ctx context.Context, q db.Queryer, orderID string) (Claim, bool, error) {
	c, err := ScanClaim(q.QueryRow(ctx, ClaimSelect+`WHERE c.order_id = ?`, orderID))
	if errors.Is(err, db.ErrNotFound) {
		return Claim{}, false, nil
	}
	return c, err == nil, err
}

// GuaranteeEligible tells whether the client can claim on an order now.
func (o Order) GuaranteeEligible(now time.Time) bool {
	return GuaranteeRefusal(o, now) == nil && o.GuaranteeClaim == nil
}

func GuaranteeRefusal(o Order, now time.Time) error {
	switch {
	case o.Kind == KindHourly:
		return errs.Conflict("guarantee_not_hourly")
	case !o.pro:
		return errs.Conflict("guarantee_pro_only")
	case o.Status != Completed:
		return errs.Conflict("order_not_completed")
	case now.After(o.CompletedAt.Add(GuaranteeWindow)):
		return errs.Conflict("guarantee_window_over")
	}
	return nil
}
