package resolutions

import (
	"context"
	"strings"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// The money of the resolution center. An order's escrow always holds its
// total while it runs (a milestone order: the running milestone's total),
// so every change below keeps the order's price, fees and total equal to
// what the escrow holds: a refund takes the same share of the price and of
// the buyer's fees, and what the client gets back never exceeds what it
// paid.

// checkScope validates a new price for the work: in the order's currency,
// different from the current one, and not on a milestone order (whose
// scope changes through a new custom offer).
func (s *Service) checkScope(ctx context.Context, q db.Queryer, o orders.Order, price money.Money) error {
	if o.Kind == orders.KindMilestones {
		return errs.Conflict("order_has_milestones")
	}
	price.Currency = strings.ToUpper(price.Currency)
	if err := orders.Amount("price", &price, o.Total.Currency, s.Billing.Config.MaxAmount); err != nil {
		return err
	}
	if price.Amount == o.Subtotal.Amount {
		return errs.Invalid("price", "price_unchanged")
	}
	return nil
}

// scopePayment is the charge of a price raise: the difference of the
// totals (price and buyer's fees), with its own invoice. It is nil when
// the new price is lower (the difference is refunded instead, in apply).
func (s *Service) scopePayment(ctx context.Context, tx *db.Tx, o orders.Order, r orders.Request, actor users.User, key string) (*orders.Payment, error) {
	if err := s.checkScope(ctx, tx, o, *r.Amount); err != nil {
		return nil, err
	}
	q := s.Billing.Quote(*r.Amount)
	diff := q.Total.Amount - o.Total.Amount
	if diff <= 0 {
		return nil, nil
	}
	c := o.Total.Currency
	sub, fees := r.Amount.Amount-o.Subtotal.Amount, q.Total.Amount-q.Subtotal.Amount-o.Fees.Amount
	if sub <= 0 || fees < 0 {
		sub, fees = diff, 0
	}
	if key == "" {
		key = db.NewID("try")
	}
	return &orders.Payment{Order: o, Amount: money.New(diff, c), Key: "order:" + o.ID + ":scope:" + r.ID + ":" + key,
		Line: billing.OrderCharge{AccountID: o.AccountID, OrderID: o.ID, Description: o.Title + " — scope change", Quantity: 1,
			UnitPrice: money.New(sub, c), Fees: money.New(fees, c), Label: "scope_change", Args: map[string]string{"title": o.Title}},
		Claim: func(ctx context.Context, tx *db.Tx) error {
			return endRequest(ctx, tx, r, orders.RequestAccepted, actor.ID)
		},
		Start: func(ctx context.Context, tx *db.Tx, paidWith, charge, invoiceID string) error {
			cur, err := orders.Load(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			if cur.Total != o.Total || orders.Running(cur) != nil {
				return errs.Conflict("order_state_changed")
			}
			if err := s.setPrice(ctx, tx, o, q); err != nil {
				return err
			}
			if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "request_accepted", ""); err != nil {
				return err
			}
			return s.notifySide(ctx, tx, o, r.Side, "request_accepted", map[string]any{"title": o.Title, "kind": r.Kind})
		},
		Recorded: func(ctx context.Context) string { return "" }}, nil
}

// changePrice applies an accepted new price that is not a raise (a raise
// is charged by scopePayment): the difference goes back to the client.
func (s *Service) changePrice(ctx context.Context, tx *db.Tx, o orders.Order, price money.Money) error {
	q := s.Billing.Quote(price)
	if diff := o.Total.Amount - q.Total.Amount; diff > 0 {
		back := money.New(diff, o.Total.Currency)
		if err := s.Billing.RefundFromEscrow(ctx, tx, o.ID, o.AccountID, back, "scope_cut"); err != nil {
			return err
		}
		if err := s.Billing.RecordSpend(ctx, tx, o.AccountID, o.ID, money.New(-diff, back.Currency)); err != nil {
			return err
		}
	}
	return s.setPrice(ctx, tx, o, q)
}

func (s *Service) setPrice(ctx context.Context, tx *db.Tx, o orders.Order, q billing.Quote) error {
	fees := q.Total.Amount - q.Subtotal.Amount
	_, err := tx.Exec(ctx, `UPDATE orders SET quantity = 1, unit_price = ?, subtotal = ?, fees = ?, total = ? WHERE id = ?`,
		q.Subtotal.Amount, q.Subtotal.Amount, fees, q.Total.Amount, o.ID)
	return err
}

// refundTarget is what a partial refund comes out of: the whole order, or
// a milestone order's running milestone (approved ones are paid out).
func refundTarget(o orders.Order) (total, fees money.Money, m *orders.Milestone, err error) {
	if o.Kind != orders.KindMilestones {
		return o.Total, o.Fees, nil, nil
	}
	for i := range o.Milestones {
		if ms := o.Milestones[i]; ms.Status == orders.MilestoneActive || ms.Status == orders.MilestoneDelivered {
			return ms.Total, ms.Fees, &o.Milestones[i], nil
		}
	}
	return money.Money{}, money.Money{}, nil, errs.Conflict("no_milestone_running")
}

// checkPartialRefund validates a partial refund: in the order's currency,
// above zero and below what the escrow holds for the work (all of it is a
// cancellation).
func checkPartialRefund(ctx context.Context, q db.Queryer, o orders.Order, amount money.Money) error {
	amount.Currency = strings.ToUpper(amount.Currency)
	if amount.Currency != o.Total.Currency {
		return errs.Invalid("amount", "currency_mismatch").With("currency", o.Total.Currency)
	}
	total, _, _, err := refundTarget(o)
	if err != nil {
		return err
	}
	h, err := orders.Held(ctx, q, o)
	if err != nil {
		return err
	}
	limit := min(total.Amount, h.Amount)
	if amount.Amount <= 0 || amount.Amount >= limit {
		return errs.Invalid("amount", "refund_too_large").With("max", money.New(max(0, limit-1), o.Total.Currency).String())
	}
	return nil
}

// partialRefund gives the client back part of what is held: the order's
// (or running milestone's) price and fees shrink in proportion.
func (s *Service) partialRefund(ctx context.Context, tx *db.Tx, o orders.Order, amount money.Money) error {
	amount.Currency = strings.ToUpper(amount.Currency)
	if err := checkPartialRefund(ctx, tx, o, amount); err != nil {
		return err
	}
	total, fees, m, err := refundTarget(o)
	if err != nil {
		return err
	}
	price, feesLeft := orders.Split(total.Amount, fees.Amount, total.Amount-amount.Amount)
	if m != nil {
		if _, err := tx.Exec(ctx, `UPDATE order_milestones SET amount = ?, fees = ? WHERE id = ?`, price, feesLeft, m.ID); err != nil {
			return err
		}
		dPrice, dFees := m.Amount.Amount-price, m.Fees.Amount-feesLeft
		if _, err := tx.Exec(ctx, `UPDATE orders SET subtotal = subtotal - ?, unit_price = subtotal - ?, fees = fees - ?, total = total - ? WHERE id = ?`,
			dPrice, dPrice, dFees, amount.Amount, o.ID); err != nil {
			return err
		}
	} else if _, err := tx.Exec(ctx, `UPDATE orders SET quantity = 1, unit_price = ?, subtotal = ?, fees = ?, total = ? WHERE id = ?`,
		price, price, feesLeft, price+feesLeft, o.ID); err != nil {
		return err
	}
	if err := s.Billing.RefundFromEscrow(ctx, tx, o.ID, o.AccountID, amount, "partial_refund"); err != nil {
		return err
	}
	return s.Billing.RecordSpend(ctx, tx, o.AccountID, o.ID, money.New(-amount.Amount, amount.Currency))
}
