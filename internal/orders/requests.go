package orders

import (
	"context"
	"time"

	"atelier/internal/billing"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
)

// The requests of the resolution center, as an order shows them (its
// Requests, its Cancellation) and the rules of opening one; the package
// resolutions runs them.

// Kinds of request.
const (
	RequestCancel         RequestKind = "cancel"
	RequestExtendDelivery RequestKind = "extend_delivery"
	RequestChangeScope    RequestKind = "change_scope"
	RequestPartialRefund  RequestKind = "partial_refund"
	RequestEscalate       RequestKind = "escalate"
)

// RequestKind is what a request of the resolution center asks for.
type RequestKind string

// RequestStatus is where a request of the resolution center is.
type RequestStatus string

// Statuses of a request.
const (
	RequestOpen      RequestStatus = "open"
	RequestAccepted  RequestStatus = "accepted"
	RequestDeclined  RequestStatus = "declined"
	RequestWithdrawn RequestStatus = "withdrawn"
	RequestClosed    RequestStatus = "closed"  // the order ended otherwise
	RequestDecided   RequestStatus = "decided" // an operator decided an escalation
)

// EscalationStatuses are the statuses the escalations queue filters by.
var EscalationStatuses = []RequestStatus{RequestOpen, RequestDecided, RequestWithdrawn, RequestClosed}

// RequestKinds and RequestStatuses list every kind and status of a request.
var (
	RequestKinds    = []RequestKind{RequestCancel, RequestExtendDelivery, RequestChangeScope, RequestPartialRefund, RequestEscalate}
	RequestStatuses = []RequestStatus{RequestOpen, RequestAccepted, RequestDeclined, RequestWithdrawn, RequestClosed, RequestDecided}
)

// Timings of the resolution center.
const (
	CancelAutoAcceptAfter = 2 * 24 * time.Hour // a cancellation unanswered
	ExtendWithdrawAfter   = 4 * 24 * time.Hour // an extension unanswered
	MaxExtendDays         = 30
)

// Request is one request of the resolution center.
type Request struct {
	ID            string        `json:"id"`
	OrderID       string        `json:"order_id"`
	Kind          RequestKind   `json:"kind"`
	Side          string        `json:"side"` // the requester's side
	RequestedBy   string        `json:"requested_by_id"`
	RequesterName string        `json:"requested_by_name"`
	Message       string        `json:"message"`
	Days          int           `json:"days,omitempty"`
	Amount        *money.Money  `json:"amount,omitempty"`
	Status        RequestStatus `json:"status"`
	Deadline      time.Time     `json:"deadline,omitzero"`
	DaysLeft      int           `json:"days_left,omitempty"`
	CreatedAt     time.Time     `json:"created_at"`
	DecidedAt     time.Time     `json:"decided_at,omitzero"`
	DecidedBy     string        `json:"decided_by,omitempty"`
	Outcome       string        `json:"outcome,omitempty"`
	Note          string        `json:"note,omitempty"`
	// AwaitingApproval: a price raise that waits for the account's admin
	// (the spending gate); it cannot be carried out before.
	AwaitingApproval bool `json:"awaiting_approval"`
	// Actions are what the viewer may do on the request now: accept,
	// decline, withdraw (actions.go).
	Actions []Action `json:"actions,omitempty"`
}

// Cancellation is an open mutual-cancellation request as the order shows
// it (API.md: requested_by, deadline, days_left).
type Cancellation struct {
	RequestID     string    `json:"request_id"`
	RequestedBy   string    `json:"requested_by"` // the side: client or freelancer
	RequesterName string    `json:"requested_by_name"`
	Reason        string    `json:"reason"`
	Deadline      time.Time `json:"deadline"`
	DaysLeft      int       `json:"days_left"`
}

// DaysLeft counts the days, rounded up, from now to t.
func DaysLeft(t, now time.Time) int {
	return max(0, int((t.Sub(now)+24*time.Hour-time.Microsecond)/(24*time.Hour)))
}

const RequestSelect = `SELECT r.id, r.order_id, r.kind, r.side, r.requested_by, u.name, r.message, r.days, r.amount, r.currency, r.status,
	r.deadline, r.created_at, r.decided_at, COALESCE(r.decided_by, ''), r.outcome, r.note,
	EXISTS (SELECT 1 FROM spend_approvals sa WHERE sa.request_id = r.id AND sa.status = 'pending')
	FROM order_requests r JOIN users u ON u.id = r.requested_by `

func ScanRequest(row interface{ Scan(...any) error }, now time.Time) (Request, error) {
	var r Request
	var days, amount, deadline, decided db.NullInt
	var currency *string
	var created int64
	if err := row.Scan(&r.ID, &r.OrderID, &r.Kind, &r.Side, &r.RequestedBy, &r.RequesterName, &r.Message, &days, &amount, &currency, &r.Status,
		&deadline, &created, &decided, &r.DecidedBy, &r.Outcome, &r.Note, &r.AwaitingApproval); err != nil {
		return Request{}, db.NoRows(err)
	}
	r.Days = int(days.Int64)
	if amount.Valid && currency != nil {
		m := money.New(amount.Int64, *currency)
		r.Amount = &m
	}
	r.Deadline, r.CreatedAt, r.DecidedAt = db.NullTime(deadline), db.Time(created), db.NullTime(decided)
	if r.Status == RequestOpen && !r.Deadline.IsZero() {
		r.DaysLeft = DaysLeft(r.Deadline, now)
	}
	return r, nil
}

func RequestsOf(ctx context.Context, q db.Queryer, orderID, cond string, now time.Time) ([]Request, error) {
	rows, err := q.Query(ctx, RequestSelect+`WHERE r.order_id = ? `+cond+` ORDER BY r.id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Request{}
	for rows.Next() {
		r, err := ScanRequest(rows, now)
		if err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// AttachRequests fills what an order shows of its open requests: the
// cancellation with its days left (also on the progress bar), the open
// requests, the guarantee claim; and whether the order is on hold.
func AttachRequests(ctx context.Context, q db.Queryer, o *Order, now time.Time) error {
	open, err := RequestsOf(ctx, q, o.ID, `AND r.status = 'open'`, now)
	if err != nil {
		return err
	}
	o.Requests = open
	for _, r := range open {
		switch r.Kind {
		case RequestCancel:
			o.Cancellation = &Cancellation{RequestID: r.ID, RequestedBy: r.Side, RequesterName: r.RequesterName, Reason: r.Message,
				Deadline: r.Deadline, DaysLeft: r.DaysLeft}
			o.Progress.Deadline, o.Progress.DaysLeft = r.Deadline, r.DaysLeft
			o.hold = "cancellation_pending"
		case RequestEscalate:
			if o.hold == "" {
				o.hold = "escalation_pending"
			}
		}
	}
	c, ok, err := claimOf(ctx, q, o.ID)
	if err != nil {
		return err
	}
	if ok {
		o.GuaranteeClaim = &c
	}
	o.GuaranteeClaimable = o.Side == ClientSide && o.GuaranteeEligible(now)
	return nil
}

// onHold answers a held order's refusal of a transition: the open
// cancellation or escalation must end first.
func onHold(o Order) error {
	if o.hold != "" {
		return errs.Conflict(o.hold)
	}
	return nil
}

// Running tells whether an order can take requests: it started and has
// not ended, and it is not an hourly contract (whose weeks are disputed
// and ended through the contract; its disputed weeks wait for the
// resolution center's hourly part, still to come).
func Running(o Order) error {
	if o.Kind == KindHourly {
		return errs.Conflict("hourly_not_in_resolution_center")
	}
	switch o.Status {
	case Active, Delivered, AwaitingPayment:
		return nil
	case PendingApproval:
		return errs.Conflict("order_not_started")
	}
	return errs.Conflict("order_closed")
}

// RequestRefusal is why a request of kind may not be opened on o now, or
// nil: the order runs (a contract has its own pause and end), one request
// between the sides at a time beside one escalation. Opening a request and
// the order's actions (open_request, escalate) both read it.
func (o Order) RequestRefusal(kind RequestKind) error {
	if err := Running(o); err != nil {
		return err
	}
	for _, open := range o.Requests {
		switch {
		case kind == RequestEscalate && open.Kind == RequestEscalate:
			return errs.Conflict("escalation_already_open")
		case kind == RequestEscalate || open.Kind == RequestEscalate:
		case open.Kind == RequestCancel && kind == RequestCancel:
			return errs.Conflict("cancellation_already_requested")
		default:
			return errs.Conflict("request_already_open")
		}
	}
	return nil
}

// Held is what an order's escrow holds.
func Held(ctx context.Context, q db.Queryer, o Order) (money.Money, error) {
	return billing.Escrowed(ctx, q, o.ID, o.Total.Currency)
}

// heldSQL is true for an order (aliased o) on hold: an open cancellation
// or escalation pauses its review timers.
const heldSQL = `EXISTS (SELECT 1 FROM order_requests r WHERE r.order_id = o.id AND r.status = 'open' AND r.kind IN ('cancel', 'escalate'))`

func IsHeld(ctx context.Context, q db.Queryer, orderID string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM order_requests WHERE order_id = ? AND status = 'open' AND kind IN ('cancel', 'escalate')`, orderID).Scan(&n)
	return n > 0, err
}
