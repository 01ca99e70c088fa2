package resolutions

import (
	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/ledger"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/users"
	"context"
	"errors"
	"slices"
)

// ClaimGuarantee files the client's one claim on a completed order of a
// Pro freelancer, within 14 days of completion.
func (s *Service) ClaimGuarantee(ctx context.Context, actor users.User, orderID, reason string) (orders.Claim, error) {
	reason, err := orders.Text("reason", reason, true)
	if err != nil {
		return orders.Claim{}, err
	}
	var c orders.Claim
	_, err = s.actOnRequest(ctx, actor, orderID, func(tx *db.Tx, o orders.Order) error {
		if o.Side != orders.ClientSide {
			return errs.Forbidden("wrong_side").With("side", orders.ClientSide)
		}
		if o.GuaranteeClaim != nil {
			return errs.Conflict("guarantee_already_claimed")
		}
		if err := orders.GuaranteeRefusal(o, tx.Now); err != nil {
			return err
		}
		c = orders.Claim{ID: db.NewID("gcl"), OrderID: o.ID, OrderTitle: o.Title, AccountID: o.AccountID, ClaimedBy: actor.ID, ClaimName: actor.Name,
			Reason: reason, Amount: o.Total, Status: orders.ClaimPending, CreatedAt: tx.Now}
		if _, err := tx.Exec(ctx, `INSERT INTO guarantee_claims (id, order_id, account_id, claimed_by, reason, amount, currency, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`, c.ID, o.ID, o.AccountID, actor.ID, reason, o.Total.Amount, o.Total.Currency, db.Micros(tx.Now)); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.Conflict("guarantee_already_claimed")
			}
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "guarantee_claimed", reason); err != nil {
			return err
		}
		return orders.NotifyOperators(ctx, tx, "guarantee_claimed", map[string]any{"title": o.Title, "name": actor.Name, "amount": o.Total.String()},
			"/operator/guarantee-claims")
	})
	return c, err
}

// GuaranteeClaim returns an order's claim to its client side.
func (s *Service) GuaranteeClaim(ctx context.Context, actor users.User, orderID string) (orders.Claim, error) {
	o, err := s.Orders.Get(ctx, actor, orderID)
	if err != nil {
		return orders.Claim{}, err
	}
	if o.Side != orders.ClientSide || o.GuaranteeClaim == nil {
		return orders.Claim{}, errs.NotFound("claim_not_found")
	}
	return *o.GuaranteeClaim, nil
}

// Claims lists the claims of a status for operators, oldest first.
func (s *Service) Claims(ctx context.Context, actor users.User, status orders.ClaimStatus, r page.Request) (page.Page[orders.Claim], error) {
	if err := orders.OperatorOnly(actor); err != nil {
		return page.Page[orders.Claim]{}, err
	}
	if status == "" {
		status = orders.ClaimPending
	}
	if !slices.Contains(orders.ClaimStatuses, status) {
		return page.Page[orders.Claim]{}, errs.Invalid("status", "status_invalid")
	}
	r = r.Norm()
	rows, err := s.DB.Query(ctx, orders.ClaimSelect+`WHERE c.status = ? AND c.id > ? ORDER BY c.id LIMIT ?`, status, r.After, r.Limit+1)
	if err != nil {
		return page.Page[orders.Claim]{}, err
	}
	defer rows.Close()
	var list []orders.Claim
	for rows.Next() {
		c, err := orders.ScanClaim(rows)
		if err != nil {
			return page.Page[orders.Claim]{}, err
		}
		list = append(list, c)
	}
	return page.Cut(list, r, func(c orders.Claim) string { return c.ID }), rows.Err()
}

// decideClaim moves a pending claim to granted or rejected, once.
func (s *Service) decideClaim(ctx context.Context, actor users.User, id string, status orders.ClaimStatus, note string, then func(tx *db.Tx, c orders.Claim, o orders.Order) error) (orders.Claim, error) {
	if err := orders.OperatorOnly(actor); err != nil {
		return orders.Claim{}, err
	}
	var c orders.Claim
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		c, err = orders.ScanClaim(tx.QueryRow(ctx, orders.ClaimSelect+`WHERE c.id = ?`, id))
		if errors.Is(err, db.ErrNotFound) {
			return errs.NotFound("claim_not_found")
		} else if err != nil {
			return err
		}
		if err := tx.ExecOne(ctx, errs.Conflict("claim_already_decided"), `UPDATE guarantee_claims SET status = ?, decided_at = ?, decided_by = ?, note = ? WHERE id = ? AND status = 'pending'`,
			status, db.Micros(tx.Now), actor.ID, note, id); err != nil {
			return err
		}
		o, err := orders.Load(ctx, tx, c.OrderID)
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
func (s *Service) GrantClaim(ctx context.Context, actor users.User, id, note string) (orders.Claim, error) {
	note, err := orders.Text("note", note, false)
	if err != nil {
		return orders.Claim{}, err
	}
	return s.decideClaim(ctx, actor, id, orders.ClaimGranted, note, func(tx *db.Tx, c orders.Claim, o orders.Order) error {
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
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "guarantee_granted", note); err != nil {
			return err
		}
		return notifyUser(ctx, tx, c.ClaimedBy, o, "guarantee_granted", map[string]any{"title": o.Title, "amount": cn.Total.String()}) // with its VAT
	})
}

// RejectClaim rejects a claim with a reason the client reads (operators).
func (s *Service) RejectClaim(ctx context.Context, actor users.User, id, reason string) (orders.Claim, error) {
	reason, err := orders.Text("reason", reason, true)
	if err != nil {
		return orders.Claim{}, err
	}
	return s.decideClaim(ctx, actor, id, orders.ClaimRejected, reason, func(tx *db.Tx, c orders.Claim, o orders.Order) error {
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "guarantee_rejected", reason); err != nil {
			return err
		}
		return notifyUser(ctx, tx, c.ClaimedBy, o, "guarantee_rejected", map[string]any{"title": o.Title, "reason": reason})
	})
}
