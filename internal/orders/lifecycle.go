package orders

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/orders/attachments"
	"atelier/internal/users"
)

// maxTextRunes bounds a message, a reason, a note.
const maxTextRunes = 10000

func Text(field, v string, required bool) (string, error) {
	v = strings.TrimSpace(v)
	if required && v == "" {
		return "", errs.Invalid(field, "required")
	}
	if utf8.RuneCountInString(v) > maxTextRunes {
		return "", errs.Invalid(field, "too_long").With("max", maxTextRunes)
	}
	return v, nil
}

// Act runs one transition in a transaction: it loads the order, checks the
// actor's side, and hands the order to fn.
func (s *Service) Act(ctx context.Context, actor users.User, id, wantSide string, fn func(tx *db.Tx, o Order) error) (Order, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, _, err := s.View(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if o.ReadOnly {
			return ErrSharedReadOnly
		}
		if wantSide != "" {
			if err := o.onSide(wantSide); err != nil {
				return err // the wrong side, or an open cancellation or escalation first
			}
		}
		return fn(tx, o)
	})
	if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, actor, id)
}

// Deliver hands the work to the client (the freelancer's side): the order
// is delivered and completes by itself after three days unless the client
// accepts it sooner or asks for a revision.
func (s *Service) Deliver(ctx context.Context, actor users.User, id, message string, files []attachments.File) (Order, error) {
	message, err := Text("message", message, true)
	if err != nil {
		return Order{}, err
	}
	if err := attachments.Check(files); err != nil {
		return Order{}, err
	}
	return s.Act(ctx, actor, id, FreelancerSide, func(tx *db.Tx, o Order) error {
		if err := o.Refusal(ActDeliver, tx.Now); err != nil {
			return err
		}
		if err := Transition(ctx, tx, id, []Status{Active}, Delivered, `, delivered_at = ?, auto_complete_at = ?, review_extension = 0`,
			db.Micros(tx.Now), db.Micros(tx.Now.Add(AutoCompleteAfter))); err != nil {
			return errs.Conflict("order_not_active")
		}
		ev, err := AddEvent(ctx, tx, id, actor.ID, "delivery", message)
		if err != nil {
			return err
		}
		if err := attachments.Save(ctx, tx, id, ev, files); err != nil {
			return err
		}
		return s.NotifyBuyer(ctx, tx, o, "order_delivered", map[string]any{"title": o.Title, "auto_complete_at": tx.Now.Add(AutoCompleteAfter)})
	})
}

// RequestRevision sends a delivery back (the client's side) while the
// package's revisions last.
func (s *Service) RequestRevision(ctx context.Context, actor users.User, id, message string) (Order, error) {
	message, err := Text("message", message, true)
	if err != nil {
		return Order{}, err
	}
	return s.Act(ctx, actor, id, ClientSide, func(tx *db.Tx, o Order) error {
		if err := o.Refusal(ActRequestRevision, tx.Now); err != nil {
			return err
		}
		if err := Transition(ctx, tx, id, []Status{Delivered}, Active, `, revisions_used = revisions_used + 1, auto_complete_at = NULL`); err != nil {
			return err
		}
		if _, err := AddEvent(ctx, tx, id, actor.ID, "revision", message); err != nil {
			return err
		}
		return s.NotifyFreelancer(ctx, tx, o, "order_revision_requested", map[string]any{"title": o.Title})
	})
}

// ExtendReview gives the client more days to look at a delivery, up to
// five per delivery in all.
func (s *Service) ExtendReview(ctx context.Context, actor users.User, id string, days int) (Order, error) {
	if days < 1 || days > MaxReviewExtend {
		return Order{}, errs.Invalid("days", "extension_invalid").With("max", MaxReviewExtend)
	}
	return s.Act(ctx, actor, id, ClientSide, func(tx *db.Tx, o Order) error {
		if err := o.Refusal(ActExtendReview, tx.Now); err != nil {
			return err
		}
		if o.ReviewExtension+days > MaxReviewExtend {
			return errs.Invalid("days", "extension_invalid").With("max", MaxReviewExtend-o.ReviewExtension)
		}
		if err := Transition(ctx, tx, id, []Status{Delivered}, Delivered, `, review_extension = review_extension + ?, auto_complete_at = auto_complete_at + ?`,
			days, int64(days)*int64(24*time.Hour/time.Microsecond)); err != nil {
			return err
		}
		_, err := AddEvent(ctx, tx, id, actor.ID, "extended", "")
		return err
	})
}

// Accept completes a delivered order (the client's side).
func (s *Service) Accept(ctx context.Context, actor users.User, id string) (Order, error) {
	return s.Act(ctx, actor, id, ClientSide, func(tx *db.Tx, o Order) error {
		if err := o.Refusal(ActAccept, tx.Now); err != nil {
			return err
		}
		return s.complete(ctx, tx, o, actor.ID)
	})
}

// Release pays price (and the buyer's fees on it) held for o out of
// escrow to its freelancer, less the commission.
func (s *Service) Release(ctx context.Context, tx *db.Tx, o Order, price, fees money.Money) error {
	return s.Billing.Release(ctx, tx, o.AccountID, o.ID, o.FreelancerID, price, fees, o.pro)
}

// complete releases the escrow to the freelancer (minus commission, fees to
// the platform), credits the account's rewards, and opens the reviews.
func (s *Service) complete(ctx context.Context, tx *db.Tx, o Order, actorID string) error {
	return s.CompleteFrom(ctx, tx, o, actorID, []Status{Delivered})
}

// CompleteFrom completes an order from one of the from statuses (an
// operator's decision may complete an order still in progress).
func (s *Service) CompleteFrom(ctx context.Context, tx *db.Tx, o Order, actorID string, from []Status) error {
	if err := Transition(ctx, tx, o.ID, from, Completed, `, auto_complete_at = NULL, completed_at = ?, closed_at = ?`,
		db.Micros(tx.Now), db.Micros(tx.Now)); err != nil {
		return err
	}
	if err := s.Release(ctx, tx, o, o.Subtotal, o.Fees); err != nil {
		return err
	}
	return s.completed(ctx, tx, o, actorID)
}

// AutoComplete is the auto-completion timer: a delivery left without an
// answer past its review window completes the order, once, on one node.
func (s *Service) AutoComplete(ctx context.Context, now time.Time) (int, error) {
	due, err := db.Strings(ctx, s.DB, `SELECT id `+autoCompleting+` AND auto_complete_at <= ? ORDER BY auto_complete_at LIMIT 200`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, id := range due {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			o, err := Load(ctx, tx, id)
			if err != nil {
				return err
			}
			if o.Status != Delivered || o.Kind == KindMilestones || o.AutoCompleteAt.After(now) {
				return nil
			}
			if h, err := IsHeld(ctx, tx, o.ID); h || err != nil {
				return err // paused while a cancellation or an escalation is open
			}
			if err := s.complete(ctx, tx, o, ""); err != nil {
				if e, ok := errs.As(err); ok && e.Code == "order_state_changed" {
					return nil // completed by the client or another node meanwhile
				}
				return err
			}
			applied++
			return nil
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// Cancel ends an order early, where a cancellation needs nobody else: the
// buyer or the admin withdraws an order still waiting for approval
// (nothing was charged), or the client cancels alone an order 24 hours
// past its due date, with a full refund to the balance. Other
// cancellations are mutual (a later issue).
func (s *Service) Cancel(ctx context.Context, actor users.User, id, reason string) (Order, error) {
	reason, err := Text("reason", reason, false)
	if err != nil {
		return Order{}, err
	}
	return s.Act(ctx, actor, id, ClientSide, func(tx *db.Tx, o Order) error {
		if err := o.Refusal(ActCancel, tx.Now); err != nil {
			return err
		}
		switch {
		case o.Status == PendingApproval:
			if err := Transition(ctx, tx, id, []Status{PendingApproval}, Cancelled, `, reason = ?, closed_at = ?`, reason, db.Micros(tx.Now)); err != nil {
				return err
			}
		case o.Status == Active && o.VeryLate:
			if err := Transition(ctx, tx, id, []Status{Active}, Cancelled, `, reason = ?, closed_at = ?`, reason, db.Micros(tx.Now)); err != nil {
				return err
			}
			if err := s.RefundAll(ctx, tx, o); err != nil {
				return err
			}
			if err := s.NotifyFreelancer(ctx, tx, o, "order_cancelled", map[string]any{"title": o.Title, "reason": reason}); err != nil {
				return err
			}
		}
		if o.Kind == KindMilestones {
			// What was not approved never runs; the running milestone's
			// charge was refunded with the escrow.
			if _, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'stopped' WHERE order_id = ? AND status IN ('pending', 'active')`, id); err != nil {
				return err
			}
		}
		_, err := AddEvent(ctx, tx, id, actor.ID, "cancelled", reason)
		return err
	})
}

// RefundAll gives the client back everything held for the order and takes
// it out of the account's spend.
func (s *Service) RefundAll(ctx context.Context, tx *db.Tx, o Order) error {
	held, err := billing.Escrowed(ctx, tx, o.ID, o.Total.Currency)
	if err != nil || held.Amount == 0 {
		return err
	}
	if err := s.Billing.RefundFromEscrow(ctx, tx, o.ID, o.AccountID, held, "cancellation"); err != nil {
		return err
	}
	return s.Billing.RecordSpend(ctx, tx, o.AccountID, o.ID, money.New(-held.Amount, held.Currency))
}

func Amount(field string, m *money.Money, currency string, maxAmount int64) error {
	switch {
	case m == nil:
		return errs.Invalid(field, "required")
	case strings.ToUpper(m.Currency) != currency:
		return errs.Invalid(field, "currency_mismatch").With("currency", currency)
	case m.Amount <= 0:
		return errs.Invalid(field, "amount_not_positive")
	case m.Amount > maxAmount:
		return errs.Invalid(field, "amount_too_large")
	}
	return nil
}

// Split takes part of an amount that is price plus fees: the fees' share
// of what is left is rounded half up, the price gets the rest.
func Split(total, fees, left int64) (price, feesLeft int64) {
	feesLeft = (fees*left + total/2) / total
	return left - feesLeft, feesLeft
}

// completed records an order's completion on its timeline and tells both
// sides.
func (s *Service) completed(ctx context.Context, tx *db.Tx, o Order, actorID string) error {
	if _, err := AddEvent(ctx, tx, o.ID, actorID, "completed", ""); err != nil {
		return err
	}
	if err := s.NotifyFreelancer(ctx, tx, o, "order_completed", map[string]any{"title": o.Title}); err != nil {
		return err
	}
	return s.NotifyBuyer(ctx, tx, o, "order_completed", map[string]any{"title": o.Title})
}
