package orders

import (
	"context"
	"errors"
	"slices"
	"time"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/ledger"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
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

// Statuses of a claim.
const (
	ClaimPending  = "pending"
	ClaimGranted  = "granted"
	ClaimRejected = "rejected"
)

// ClaimStatuses are the statuses the claims queue filters by.
var ClaimStatuses = []string{ClaimPending, ClaimGranted, ClaimRejected}

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
	Status     string      `json:"status"`
	CreatedAt  time.Time   `json:"created_at"`
	DecidedAt  time.Time   `json:"decided_at,omitzero"`
	Note       string      `json:"note,omitempty"`
}

const claimSelect = `SELECT c.id, c.order_id, o.title, c.account_id, c.claimed_by, u.name, c.reason, c.amount, c.currency, c.status, c.created_at, c.decided_at, c.note
	FROM guarantee_claims c JOIN orders o ON o.id = c.order_id JOIN users u ON u.id = c.claimed_by `

func scanClaim(row interface{ Scan(...any) error }) (Claim, error) {
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
	c, err := scanClaim(q.QueryRow(ctx, claimSelect+`WHERE c.order_id = ?`, orderID))
	if errors.Is(err, db.ErrNotFound) {
		return Claim{}, false, nil
	}
	return c, err == nil, err
}

// GuaranteeEligible tells whether the client can claim on an order now.
func (o Order) GuaranteeEligible(now time.Time) bool {
	return guaranteeRefusal(o, now) == nil && o.GuaranteeClaim == nil
}

func guaranteeRefusal(o Order, now time.Time) error {
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

// ClaimGuarantee files the client's one claim on a completed order of a
// Pro freelancer, within 14 days of completion.
func (s *Service) ClaimGuarantee(ctx context.Context, actor users.User, orderID, reason string) (Claim, error) {
	reason, err := Text("reason", reason, true)
	if err != nil {
		return Claim{}, err
	}
	var c Claim
	_, err = s.actOnRequest(ctx, actor, orderID, func(tx *db.Tx, o Order) error {
		if o.Side != ClientSide {
			return errs.Forbidden("wrong_side").With("side", ClientSide)
		}
		if o.GuaranteeClaim != nil {
			return errs.Conflict("guarantee_already_claimed")
		}
		if err := guaranteeRefusal(o, tx.Now); err != nil {
			return err
		}
		c = Claim{ID: db.NewID("gcl"), OrderID: o.ID, OrderTitle: o.Title, AccountID: o.AccountID, ClaimedBy: actor.ID, ClaimName: actor.Name,
			Reason: reason, Amount: o.Total, Status: ClaimPending, CreatedAt: tx.Now}
		if _, err := tx.Exec(ctx, `INSERT INTO guarantee_claims (id, order_id, account_id, claimed_by, reason, amount, currency, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`, c.ID, o.ID, o.AccountID, actor.ID, reason, o.Total.Amount, o.Total.Currency, db.Micros(tx.Now)); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.Conflict("guarantee_already_claimed")
			}
			return err
		}
		if _, err := AddEvent(ctx, tx, o.ID, actor.ID, "guarantee_claimed", reason); err != nil {
			return err
		}
		return NotifyOperators(ctx, tx, "guarantee_claimed", map[string]any{"title": o.Title, "name": actor.Name, "amount": o.Total.String()},
			"/operator/guarantee-claims")
	})
	return c, err
}

// GuaranteeClaim returns an order's claim to its client side.
func (s *Service) GuaranteeClaim(ctx context.Context, actor users.User, orderID string) (Claim, error) {
	o, err := s.Get(ctx, actor, orderID)
	if err != nil {
		return Claim{}, err
	}
	if o.Side != ClientSide || o.GuaranteeClaim == nil {
		return Claim{}, errs.NotFound("claim_not_found")
	}
	return *o.GuaranteeClaim, nil
}

func OperatorOnly(actor users.User) error {
	if !actor.IsOperator {
		return errs.Forbidden("operator_only")
	}
	return nil
}

// Claims lists the claims of a status for operators, oldest first.
func (s *Service) Claims(ctx context.Context, actor users.User, status string, r page.Request) (page.Page[Claim], error) {
	if err := OperatorOnly(actor); err != nil {
		return page.Page[Claim]{}, err
	}
	if status == "" {
		status = ClaimPending
	}
	if !slices.Contains(ClaimStatuses, status) {
		return page.Page[Claim]{}, errs.Invalid("status", "status_invalid")
	}
	r = r.Norm()
	rows, err := s.DB.Query(ctx, claimSelect+`WHERE c.status = ? AND c.id > ? ORDER BY c.id LIMIT ?`, status, r.After, r.Limit+1)
	if err != nil {
		return page.Page[Claim]{}, err
	}
	defer rows.Close()
	var list []Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return page.Page[Claim]{}, err
		}
		list = append(list, c)
	}
	return page.Cut(list, r, func(c Claim) string { return c.ID }), rows.Err()
}

// decideClaim moves a pending claim to granted or rejected, once.
func (s *Service) decideClaim(ctx context.Context, actor users.User, id, status, note string, then func(tx *db.Tx, c Claim, o Order) error) (Claim, error) {
	if err := OperatorOnly(actor); err != nil {
		return Claim{}, err
	}
	var c Claim
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		c, err = scanClaim(tx.QueryRow(ctx, claimSelect+`WHERE c.id = ?`, id))
		if errors.Is(err, db.ErrNotFound) {
			return errs.NotFound("claim_not_found")
		} else if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE guarantee_claims SET status = ?, decided_at = ?, decided_by = ?, note = ? WHERE id = ? AND status = 'pending'`,
			status, db.Micros(tx.Now), actor.ID, note, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("claim_already_decided")
		}
		o, err := Load(ctx, tx, c.OrderID)
		if err != nil {
			return err
		}
		c.Status, c.DecidedAt, c.Note = status, tx.Now, note
		return then(tx, c, o)
	})
	return c, err
}

// GrantClaim grants a claim (operators): the client's balance gets back
// what it paid, from the platform's guarantee account; the freelancer's
// earnings stay.
func (s *Service) GrantClaim(ctx context.Context, actor users.User, id, note string) (Claim, error) {
	note, err := Text("note", note, false)
	if err != nil {
		return Claim{}, err
	}
	return s.decideClaim(ctx, actor, id, ClaimGranted, note, func(tx *db.Tx, c Claim, o Order) error {
		cn, err := s.Billing.RefundToBalance(ctx, tx, "guarantee_refund", ledger.Account{Kind: ledger.Guarantee, Owner: ledger.Platform, Currency: c.Amount.Currency},
			billing.Refund{AccountID: o.AccountID, Ref: o.ID, Amount: c.Amount, Reason: "guarantee"})
		if err != nil {
			return err
		}
		if err := s.Billing.RecordSpend(ctx, tx, o.AccountID, o.ID, money.New(-c.Amount.Amount, c.Amount.Currency)); err != nil {
			return err
		}
		if err := s.Billing.Relevel(ctx, tx, o.AccountID); err != nil { // released money came back
			return err
		}
		if _, err := AddEvent(ctx, tx, o.ID, actor.ID, "guarantee_granted", note); err != nil {
			return err
		}
		return notifyUser(ctx, tx, c.ClaimedBy, o, "guarantee_granted", map[string]any{"title": o.Title, "amount": cn.Total.String()}) // with its VAT
	})
}

// RejectClaim rejects a claim with a reason the client reads (operators).
func (s *Service) RejectClaim(ctx context.Context, actor users.User, id, reason string) (Claim, error) {
	reason, err := Text("reason", reason, true)
	if err != nil {
		return Claim{}, err
	}
	return s.decideClaim(ctx, actor, id, ClaimRejected, reason, func(tx *db.Tx, c Claim, o Order) error {
		if _, err := AddEvent(ctx, tx, o.ID, actor.ID, "guarantee_rejected", reason); err != nil {
			return err
		}
		return notifyUser(ctx, tx, c.ClaimedBy, o, "guarantee_rejected", map[string]any{"title": o.Title, "reason": reason})
	})
}
