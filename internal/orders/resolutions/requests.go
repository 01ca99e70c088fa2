// Package resolutions is the resolution center over the core of orders:
// the requests between the sides of an order, the escalations an operator
// decides, and the satisfaction guarantee.
//
// The resolution center (PRODUCT.md §6). While an order runs, one side asks
// the other for something — to cancel by agreement, for more days, for a
// new scope and price, for a partial refund — and the other side accepts
// or declines; the requester may withdraw. Or a side escalates to the
// platform, and an operator decides (escalations.go).
//
// One request between the sides is open at a time, and one escalation
// (partial unique indexes). A cancellation request or an escalation puts
// the order on hold: its transitions (deliver, accept, revise, milestones)
// wait, and so do its review timers (auto-completion, milestone
// auto-approval); when the request ends without cancelling the order, those
// timers get back the time the hold took, so the order is as it was.
//
// The timers: a cancellation unanswered for 2 days is accepted (the order
// is cancelled and what its escrow holds goes back to the client's
// balance); an extension unanswered for 4 days is withdrawn. Each applies
// with a conditional UPDATE … WHERE status = 'open' AND deadline <= now,
// so it fires once on any number of nodes, and never for a request that
// was answered or withdrawn meanwhile.
package resolutions

import (
	"context"
	"errors"
	"strings"
	"time"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/jobs"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/orders/approvals"
	"atelier/internal/users"
)

// Service runs the resolution center.
type Service struct {
	DB        *db.DB
	Billing   *billing.Service
	Orders    *orders.Service
	Approvals *approvals.Service // a price raise passes its gate
}

// requestsOpen: open requests of one kind (a cancellation, an extension).
func requestsOpen(kind orders.RequestKind) string {
	return `FROM order_requests WHERE status = 'open' AND kind = ` + db.Words(string(kind))
}

// Timers are the deadlines of requests, in the order a sweep runs them.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "cancellation_auto_accept", Fire: s.AutoAcceptCancellations, Next: jobs.NextDue(s.DB, requestsOpen(orders.RequestCancel), "deadline", 0)},
		{Name: "extension_auto_withdraw", Fire: s.WithdrawStaleExtensions, Next: jobs.NextDue(s.DB, requestsOpen(orders.RequestExtendDelivery), "deadline", 0)},
	}
}

// actOnRequest runs a resolution-center step in a transaction for either
// side of the order (the hold does not apply: these are what end it).
func (s *Service) actOnRequest(ctx context.Context, actor users.User, id string, fn func(tx *db.Tx, o orders.Order) error) (orders.Order, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, _, err := s.Orders.View(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if o.Side == orders.ManagerSide { // the resolution center is the two sides' own
			return errs.Forbidden("wrong_side").With("side", orders.ClientSide)
		}
		if o.ReadOnly {
			return orders.ErrSharedReadOnly
		}
		return fn(tx, o)
	})
	if err != nil {
		return orders.Order{}, err
	}
	return s.Orders.Get(ctx, actor, id)
}

// NewRequest is a request of the resolution center as sent.
type NewRequest struct {
	Kind    orders.RequestKind `json:"kind"` // cancel, extend_delivery, change_scope, partial_refund, escalate
	Message string             `json:"message"`
	Reason  string             `json:"reason,omitempty"` // the same as message (a cancellation's reason)
	Days    int                `json:"days,omitempty"`   // extend_delivery
	Price   *money.Money       `json:"price,omitempty"`  // change_scope: the new price of the work
	Amount  *money.Money       `json:"amount,omitempty"` // partial_refund: what the client gets back
}

// RequestCancellation asks the other side to cancel the order by agreement
// (either side), with a reason. Unanswered for 2 days, it is accepted.
func (s *Service) RequestCancellation(ctx context.Context, actor users.User, id, reason string) (orders.Order, error) {
	_, o, err := s.OpenRequest(ctx, actor, id, NewRequest{Kind: orders.RequestCancel, Message: reason})
	return o, err
}

// OpenRequest opens a request of the resolution center on an order (either
// side) and tells the other side (an escalation: the operators' queue).
func (s *Service) OpenRequest(ctx context.Context, actor users.User, id string, in NewRequest) (orders.Request, orders.Order, error) {
	msg, err := in.check()
	if err != nil {
		return orders.Request{}, orders.Order{}, err
	}
	var r orders.Request
	o, err := s.actOnRequest(ctx, actor, id, func(tx *db.Tx, o orders.Order) error {
		if err := o.RequestRefusal(in.Kind); err != nil {
			return err
		}
		if err := orders.LockRunning(ctx, tx, o.ID); err != nil {
			return err
		}
		r = orders.Request{ID: db.NewID("orq"), OrderID: o.ID, Kind: in.Kind, Side: o.Side, RequestedBy: actor.ID, RequesterName: actor.Name,
			Message: msg, Days: in.Days, Status: orders.RequestOpen, CreatedAt: tx.Now}
		if err := s.requestTerms(ctx, tx, o, in, &r); err != nil {
			return err
		}
		if err := insertRequest(ctx, tx, r); err != nil {
			return err
		}
		if r.Kind == orders.RequestChangeScope && o.Side == orders.ClientSide {
			// The client asks to pay more: their word commits the money,
			// so the gate decides now; the freelancer's acceptance charges.
			if r.AwaitingApproval, err = s.Approvals.GateRaise(ctx, tx, o, r, actor); err != nil {
				return err
			}
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "request_"+string(r.Kind), msg); err != nil {
			return err
		}
		params := map[string]any{"title": o.Title, "name": actor.Name, "reason": msg}
		if !r.Deadline.IsZero() {
			params["deadline"] = r.Deadline
		}
		if r.Kind == orders.RequestEscalate {
			if err := orders.NotifyOperators(ctx, tx, "escalation_opened", params, "/operator/resolutions/"+r.ID); err != nil {
				return err
			}
		}
		return s.notifyOpposite(ctx, tx, o, o.Side, "request_"+string(r.Kind), params)
	})
	if err != nil {
		return orders.Request{}, orders.Order{}, err
	}
	return r, o, nil
}

// check validates a request as sent, before anything is read: its message
// (a cancellation's reason) and what its kind needs. It returns the
// message, trimmed.
func (in NewRequest) check() (string, error) {
	if in.Message == "" {
		in.Message = in.Reason
	}
	field := "message"
	if in.Kind == orders.RequestCancel {
		field = "reason"
	}
	msg, err := orders.Text(field, in.Message, true)
	if err != nil {
		return "", err
	}
	switch in.Kind {
	case orders.RequestCancel, orders.RequestEscalate:
	case orders.RequestExtendDelivery:
		if in.Days < 1 || in.Days > orders.MaxExtendDays {
			return "", errs.Invalid("days", "extend_days_invalid").With("max", orders.MaxExtendDays)
		}
	case orders.RequestChangeScope:
		if in.Price == nil || in.Price.Amount <= 0 {
			return "", errs.Invalid("price", "amount_not_positive")
		}
	case orders.RequestPartialRefund:
		if in.Amount == nil || in.Amount.Amount <= 0 {
			return "", errs.Invalid("amount", "amount_not_positive")
		}
	default:
		return "", errs.Invalid("kind", "request_kind_invalid")
	}
	return msg, nil
}

// requestTerms fills what a request of its kind carries: a deadline (a
// cancellation accepts itself, an extension withdraws itself), the days, or
// the amount, checked against the order.
func (s *Service) requestTerms(ctx context.Context, tx *db.Tx, o orders.Order, in NewRequest, r *orders.Request) error {
	switch in.Kind {
	case orders.RequestCancel:
		r.Deadline = tx.Now.Add(orders.CancelAutoAcceptAfter)
	case orders.RequestExtendDelivery:
		r.Deadline = tx.Now.Add(orders.ExtendWithdrawAfter)
	case orders.RequestChangeScope:
		p := money.New(in.Price.Amount, strings.ToUpper(in.Price.Currency))
		if err := s.checkScope(ctx, tx, o, p); err != nil {
			return err
		}
		r.Amount = &p
	case orders.RequestPartialRefund:
		a := money.New(in.Amount.Amount, strings.ToUpper(in.Amount.Currency))
		if err := checkPartialRefund(ctx, tx, o, a); err != nil {
			return err
		}
		r.Amount = &a
	}
	if !r.Deadline.IsZero() {
		r.DaysLeft = orders.DaysLeft(r.Deadline, tx.Now)
	}
	return nil
}

// insertRequest stores an open request; a second open one between the
// sides is refused by the database too.
func insertRequest(ctx context.Context, tx *db.Tx, r orders.Request) error {
	var days, amount, currency, deadline any
	if r.Kind == orders.RequestExtendDelivery {
		days = r.Days
	}
	if r.Amount != nil {
		amount, currency = r.Amount.Amount, r.Amount.Currency
	}
	if !r.Deadline.IsZero() {
		deadline = db.Micros(r.Deadline)
	}
	_, err := tx.Exec(ctx, `INSERT INTO order_requests (id, order_id, kind, side, requested_by, message, days, amount, currency, status, deadline, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`, r.ID, r.OrderID, r.Kind, r.Side, r.RequestedBy, r.Message, days, amount, currency, deadline, db.Micros(r.CreatedAt))
	if db.IsUniqueViolation(err) {
		return errs.Conflict("request_already_open")
	}
	return err
}

// notifyOpposite tells the side opposite to side; notifySide tells side.
func (s *Service) notifyOpposite(ctx context.Context, tx *db.Tx, o orders.Order, side, kind string, params map[string]any) error {
	if side == orders.ClientSide {
		return s.Orders.NotifyFreelancer(ctx, tx, o, kind, params)
	}
	return s.Orders.NotifyBuyer(ctx, tx, o, kind, params)
}

func (s *Service) notifySide(ctx context.Context, tx *db.Tx, o orders.Order, side, kind string, params map[string]any) error {
	if side == orders.ClientSide {
		return s.Orders.NotifyBuyer(ctx, tx, o, kind, params)
	}
	return s.Orders.NotifyFreelancer(ctx, tx, o, kind, params)
}

var errRequestNotFound = errs.NotFound("request_not_found")

// findRequest returns the order's open request by id, or its open
// cancellation when id is "" (the /cancellation routes).
func findRequest(o orders.Order, id, notOpen string) (orders.Request, error) {
	for _, r := range o.Requests {
		if (id == "" && r.Kind == orders.RequestCancel) || (id != "" && r.ID == id) {
			return r, nil
		}
	}
	return orders.Request{}, errs.Conflict(notOpen)
}

// requestOf looks a request up on an order for its sides: an unknown id is
// a 404, one that is no longer open a 409.
func requestOf(ctx context.Context, tx *db.Tx, o orders.Order, id string) (orders.Request, error) {
	if id == "" {
		return findRequest(o, "", "cancellation_not_open")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM order_requests WHERE id = ? AND order_id = ?`, id, o.ID).Scan(&n); err != nil {
		return orders.Request{}, err
	}
	if n == 0 {
		return orders.Request{}, errRequestNotFound
	}
	return findRequest(o, id, "request_not_open")
}

// endRequest closes an open request with a status, once: a concurrent
// answer (or the timer) makes it a 409.
func endRequest(ctx context.Context, tx *db.Tx, r orders.Request, status orders.RequestStatus, actorID string) error {
	var by any
	if actorID != "" {
		by = actorID
	}
	if err := tx.ExecOne(ctx, errs.Conflict("request_not_open"), `UPDATE order_requests SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'open'`,
		status, db.Micros(tx.Now), by, r.ID); err != nil {
		return err
	}
	if status != orders.RequestAccepted {
		return approvals.CloseCommitments(ctx, tx, `request_id = ?`, r.ID)
	}
	return nil
}

// resume gives an order's review timers back the time a hold took, when a
// cancellation or an escalation ends without ending the order.
func resume(ctx context.Context, tx *db.Tx, o orders.Order, r orders.Request) error {
	if r.Kind != orders.RequestCancel && r.Kind != orders.RequestEscalate {
		return nil
	}
	pause := db.Micros(tx.Now) - db.Micros(r.CreatedAt)
	if pause <= 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE orders SET auto_complete_at = auto_complete_at + ? WHERE id = ? AND status = 'delivered'`, pause, o.ID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE order_milestones SET auto_approve_at = auto_approve_at + ? WHERE order_id = ? AND status = 'delivered'`, pause, o.ID)
	return err
}

// AcceptCancellation accepts the open cancellation (the other side): the
// order is cancelled and the client refunded what the escrow holds.
func (s *Service) AcceptCancellation(ctx context.Context, actor users.User, id string) (orders.Order, error) {
	return s.AcceptRequest(ctx, actor, id, "", "")
}

// DeclineCancellation declines the open cancellation (the other side): the
// order goes on as it was.
func (s *Service) DeclineCancellation(ctx context.Context, actor users.User, id string) (orders.Order, error) {
	return s.DeclineRequest(ctx, actor, id, "")
}

// WithdrawCancellation withdraws the open cancellation (the requester's
// side): the order goes on as it was.
func (s *Service) WithdrawCancellation(ctx context.Context, actor users.User, id string) (orders.Order, error) {
	return s.WithdrawRequest(ctx, actor, id, "")
}

// closeRequest ends r without applying it (declined or withdrawn): the
// order's timers run again, and the timeline says so.
func closeRequest(ctx context.Context, tx *db.Tx, o orders.Order, r orders.Request, status orders.RequestStatus, actorID, kind string) error {
	if err := endRequest(ctx, tx, r, status, actorID); err != nil {
		return err
	}
	if err := resume(ctx, tx, o, r); err != nil {
		return err
	}
	_, err := orders.AddEvent(ctx, tx, o.ID, actorID, kind, "")
	return err
}

// DeclineRequest declines an open request (the other side).
func (s *Service) DeclineRequest(ctx context.Context, actor users.User, orderID, reqID string) (orders.Order, error) {
	return s.actOnRequest(ctx, actor, orderID, func(tx *db.Tx, o orders.Order) error {
		r, err := requestOf(ctx, tx, o, reqID)
		if err != nil {
			return err
		}
		if err := o.AnswerRefusal(r, orders.ActDeclineRequest); err != nil {
			return err
		}
		if err := closeRequest(ctx, tx, o, r, orders.RequestDeclined, actor.ID, "request_declined"); err != nil {
			return err
		}
		return s.notifySide(ctx, tx, o, r.Side, "request_declined", map[string]any{"title": o.Title, "name": actor.Name, "kind": r.Kind})
	})
}

// WithdrawRequest withdraws an open request (the requester's side).
func (s *Service) WithdrawRequest(ctx context.Context, actor users.User, orderID, reqID string) (orders.Order, error) {
	return s.actOnRequest(ctx, actor, orderID, func(tx *db.Tx, o orders.Order) error {
		r, err := requestOf(ctx, tx, o, reqID)
		if err != nil {
			return err
		}
		if err := o.AnswerRefusal(r, orders.ActWithdrawRequest); err != nil {
			return err
		}
		if err := closeRequest(ctx, tx, o, r, orders.RequestWithdrawn, actor.ID, "request_withdrawn"); err != nil {
			return err
		}
		return s.notifyOpposite(ctx, tx, o, r.Side, "request_withdrawn", map[string]any{"title": o.Title, "name": actor.Name, "kind": r.Kind})
	})
}

// AcceptRequest accepts an open request (the other side) and applies it.
// A change of scope that raises the price charges the difference first
// (credits and balance, else the card), with its own invoice; key is the
// request's Idempotency-Key.
func (s *Service) AcceptRequest(ctx context.Context, actor users.User, orderID, reqID, key string) (orders.Order, error) {
	var charge *orders.Payment
	o, err := s.actOnRequest(ctx, actor, orderID, func(tx *db.Tx, o orders.Order) error {
		r, err := requestOf(ctx, tx, o, reqID)
		if err != nil {
			return err
		}
		if err := o.AnswerRefusal(r, orders.ActAcceptRequest); err != nil {
			return err
		}
		if r.Kind == orders.RequestChangeScope {
			p, err := s.scopePayment(ctx, tx, o, r, actor, key)
			if err != nil {
				return err
			}
			if p != nil {
				charge, err = s.Approvals.GateScopePayment(ctx, tx, o, r, actor, p)
				return err // the charge and its acceptance follow, below (none while it waits)
			}
		}
		if err := endRequest(ctx, tx, r, orders.RequestAccepted, actor.ID); err != nil {
			return err
		}
		return s.apply(ctx, tx, o, r, actor.ID)
	})
	if err != nil || charge == nil {
		return o, err
	}
	if err := s.Orders.Pay(ctx, *charge); err != nil {
		return orders.Order{}, err
	}
	return s.Orders.Get(ctx, actor, orderID)
}

// apply carries out an accepted request.
func (s *Service) apply(ctx context.Context, tx *db.Tx, o orders.Order, r orders.Request, actorID string) error {
	switch r.Kind {
	case orders.RequestCancel:
		if _, err := orders.AddEvent(ctx, tx, o.ID, actorID, "request_accepted", ""); err != nil {
			return err
		}
		return s.cancelAgreed(ctx, tx, o, r.Message, actorID)
	case orders.RequestExtendDelivery:
		if err := extendDue(ctx, tx, o, r.Days); err != nil {
			return err
		}
	case orders.RequestChangeScope:
		if err := s.changePrice(ctx, tx, o, *r.Amount); err != nil {
			return err
		}
	case orders.RequestPartialRefund:
		if err := s.partialRefund(ctx, tx, o, *r.Amount); err != nil {
			return err
		}
	}
	if _, err := orders.AddEvent(ctx, tx, o.ID, actorID, "request_accepted", ""); err != nil {
		return err
	}
	return s.notifySide(ctx, tx, o, r.Side, "request_accepted", map[string]any{"title": o.Title, "kind": r.Kind})
}

// cancelAgreed ends a running order by agreement (or an operator's
// decision): what its escrow holds goes back to the client's balance —
// for a milestone order, the running milestone's charge; approved
// milestones stay paid, and milestones not started never run. Other open
// requests of the order close.
func (s *Service) cancelAgreed(ctx context.Context, tx *db.Tx, o orders.Order, reason, actorID string) error {
	if err := s.endOrder(ctx, tx, o, reason); err != nil {
		return err
	}
	if err := s.Orders.RefundAll(ctx, tx, o); err != nil {
		return err
	}
	if _, err := orders.AddEvent(ctx, tx, o.ID, actorID, "cancelled", reason); err != nil {
		return err
	}
	params := map[string]any{"title": o.Title, "reason": reason}
	if err := s.Orders.NotifyFreelancer(ctx, tx, o, "order_cancelled", params); err != nil {
		return err
	}
	return s.Orders.NotifyBuyer(ctx, tx, o, "order_cancelled", params)
}

// endOrder moves a running order to cancelled, stops its milestones and
// closes its other open requests.
func (s *Service) endOrder(ctx context.Context, tx *db.Tx, o orders.Order, reason string) error {
	if err := orders.Transition(ctx, tx, o.ID, []orders.Status{orders.Active, orders.Delivered, orders.AwaitingPayment}, orders.Cancelled, `, auto_complete_at = NULL, reason = ?, closed_at = ?`,
		reason, db.Micros(tx.Now)); err != nil {
		return err
	}
	if o.Kind == orders.KindMilestones {
		if _, err := tx.Exec(ctx, `UPDATE order_milestones SET status = 'stopped', auto_approve_at = NULL
			WHERE order_id = ? AND status IN ('pending', 'active', 'delivered')`, o.ID); err != nil {
			return err
		}
	}
	if err := approvals.CloseCommitments(ctx, tx, `request_id IN (SELECT id FROM order_requests WHERE order_id = ? AND status = 'open')`, o.ID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE order_requests SET status = 'closed', decided_at = ? WHERE order_id = ? AND status = 'open'`, db.Micros(tx.Now), o.ID)
	return err
}

// extendDue moves the due date (and the running milestone's) later.
func extendDue(ctx context.Context, tx *db.Tx, o orders.Order, days int) error {
	add := int64(days) * int64(24*time.Hour/time.Microsecond)
	if _, err := tx.Exec(ctx, `UPDATE orders SET due_at = due_at + ?, delivery_days = delivery_days + ? WHERE id = ? AND due_at IS NOT NULL`, add, days, o.ID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE order_milestones SET due_at = due_at + ? WHERE order_id = ? AND status IN ('active', 'delivered')`, add, o.ID)
	return err
}

// AutoAcceptCancellations is the 2-day timer: an open cancellation past its
// deadline is accepted and the order cancelled and refunded — once, on one
// node; a request withdrawn or answered meanwhile is not open any more and
// is left alone.
func (s *Service) AutoAcceptCancellations(ctx context.Context, now time.Time) (int, error) {
	return s.fireRequests(ctx, now, orders.RequestCancel, func(tx *db.Tx, o orders.Order, r orders.Request) error {
		if err := endRequest(ctx, tx, r, orders.RequestAccepted, ""); err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, "", "request_accepted", ""); err != nil {
			return err
		}
		return s.cancelAgreed(ctx, tx, o, r.Message, "")
	})
}

// WithdrawStaleExtensions is the 4-day timer: an extension request left
// unanswered is withdrawn, and its requester told.
func (s *Service) WithdrawStaleExtensions(ctx context.Context, now time.Time) (int, error) {
	return s.fireRequests(ctx, now, orders.RequestExtendDelivery, func(tx *db.Tx, o orders.Order, r orders.Request) error {
		if err := endRequest(ctx, tx, r, orders.RequestWithdrawn, ""); err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, o.ID, "", "request_withdrawn", ""); err != nil {
			return err
		}
		return s.notifySide(ctx, tx, o, r.Side, "request_expired", map[string]any{"title": o.Title, "kind": r.Kind})
	})
}

// fireRequests applies fn to each open request of kind past its deadline,
// each in its own transaction; a request that changed meanwhile (answered,
// withdrawn, or fired by another node) is skipped.
func (s *Service) fireRequests(ctx context.Context, now time.Time, kind orders.RequestKind, fn func(tx *db.Tx, o orders.Order, r orders.Request) error) (int, error) {
	due, err := db.Strings(ctx, s.DB, `SELECT id `+requestsOpen(kind)+` AND deadline <= ? ORDER BY deadline LIMIT 200`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, id := range due {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			r, err := orders.ScanRequest(tx.QueryRow(ctx, orders.RequestSelect+`WHERE r.id = ?`, id), now)
			if err != nil {
				return err
			}
			if r.Status != orders.RequestOpen || r.Deadline.After(now) {
				return nil
			}
			o, err := orders.Load(ctx, tx, r.OrderID)
			if err != nil {
				return err
			}
			if orders.Running(o) != nil {
				return endRequest(ctx, tx, r, orders.RequestClosed, "") // the order ended otherwise
			}
			if err := fn(tx, o, r); err != nil {
				return err
			}
			applied++
			return nil
		})
		var e *errs.Error
		if err != nil && errors.As(err, &e) && e.Kind == errs.KindConflict {
			continue // answered, withdrawn or fired elsewhere meanwhile: the whole step rolled back
		}
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// Requests lists every request of an order, oldest first (either side).
func (s *Service) Requests(ctx context.Context, actor users.User, orderID string) ([]orders.Request, error) {
	if _, _, err := s.Orders.View(ctx, s.DB, actor, orderID); err != nil {
		return nil, err
	}
	return orders.RequestsOf(ctx, s.DB, orderID, "", s.DB.Clock.Now())
}

// CarryScope accepts a freelancer's price raise whose spending the admin
// approved; the client's own raise, approved, is charged when the
// freelancer accepts it.
func (s *Service) CarryScope(ctx context.Context, actor users.User, a approvals.SpendApproval, key string) error {
	var side string
	if err := s.DB.QueryRow(ctx, `SELECT side FROM order_requests WHERE id = ?`, a.RequestID).Scan(&side); err != nil || side != orders.FreelancerSide {
		return err
	}
	_, err := s.AcceptRequest(ctx, actor, a.OrderID, a.RequestID, key)
	return err
}
