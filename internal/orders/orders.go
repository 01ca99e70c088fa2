// Package orders holds orders: a business account buys a package of a
// service, with a quantity, or accepts a freelancer's custom offer — a
// fixed price, milestones each charged, delivered and approved on its
// own, or an hourly contract charged week by week (hourly.go) (PRODUCT.md
// §6). It owns the offers and the lifecycle —
// pending_approval → active → delivered → completed, with revisions,
// rejection and cancellation — and checks every transition on the server;
// the approval policy and purchase limits of the account; the order page's
// timeline, messages and delivery files; reviews both ways; and the timers
// of auto-completion and review publication. Money moves through billing
// and the ledger, in the transaction of each transition.
package orders

import (
	"context"
	"errors"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/users"
)

// Status is where an order is in its life. The database's CHECK on
// orders.status lists exactly these (TestStatusesMatchTheSchema).
type Status string

// Statuses of an order.
const (
	PendingApproval Status = "pending_approval"
	Active          Status = "active"
	Delivered       Status = "delivered"
	// AwaitingPayment: a milestone order whose last milestone was approved
	// and whose next one could not be charged; the client pays or stops.
	AwaitingPayment Status = "awaiting_payment"
	Completed       Status = "completed"
	Cancelled       Status = "cancelled"
	Rejected        Status = "rejected"
)

// words are statuses as SQL words.
func words[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}

// Statuses lists every status of an order.
var Statuses = []Status{PendingApproval, Active, Delivered, AwaitingPayment, Completed, Cancelled, Rejected}

var (
	openStatuses    = []Status{PendingApproval, Active, Delivered, AwaitingPayment} // not ended
	runningStatuses = []Status{Active, Delivered, AwaitingPayment}                  // started and not ended
)

// Closed: the order ended (completed, cancelled or rejected).
func (s Status) Closed() bool { return s == Completed || s == Cancelled || s == Rejected }

// Timings of the lifecycle.
const (
	AutoCompleteAfter = 3 * 24 * time.Hour // after a delivery, unless the client answers
	MaxReviewExtend   = 5                  // days the client may add per delivery
	VeryLateAfter     = 24 * time.Hour     // past the due date: the client may cancel alone
)

// Service is the orders domain.
type Service struct {
	DB      *db.DB
	Billing *billing.Service
	Catalog *catalog.Service
	// Projects checks an order's project_id (projects.Service.CanAttach).
	Projects ProjectCheck
}

// Order is an order as one of its sides sees it.
type Order struct {
	ID               string      `json:"id"`
	AccountID        string      `json:"account_id"`
	BuyerID          string      `json:"buyer_id"`
	BuyerName        string      `json:"buyer_name"`
	FreelancerID     string      `json:"freelancer_id"`
	FreelancerName   string      `json:"freelancer_name"`
	Kind             Kind        `json:"kind"` // service, fixed, milestones, hourly
	ServiceID        string      `json:"service_id,omitempty"`
	OfferID          string      `json:"offer_id,omitempty"`
	Title            string      `json:"title"`
	Package          string      `json:"package"`
	Quantity         int         `json:"quantity"`
	UnitPrice        money.Money `json:"unit_price"`
	Subtotal         money.Money `json:"subtotal"`
	Fees             money.Money `json:"fees"`
	Total            money.Money `json:"total"`
	Status           Status      `json:"status"`
	Late             bool        `json:"late"`
	VeryLate         bool        `json:"very_late"`
	DeliveryDays     int         `json:"delivery_days"`
	RevisionsAllowed int         `json:"revisions_allowed"`
	RevisionsUsed    int         `json:"revisions_used"`
	Requirements     string      `json:"requirements"`
	ProjectID        string      `json:"project_id,omitempty"`
	PaidWith         string      `json:"paid_with,omitempty"`
	InvoiceID        string      `json:"invoice_id,omitempty"`
	Reason           string      `json:"reason,omitempty"`
	CreatedAt        time.Time   `json:"created_at"`
	StartedAt        time.Time   `json:"started_at,omitzero"`
	DueAt            time.Time   `json:"due_at,omitzero"`
	DeliveredAt      time.Time   `json:"delivered_at,omitzero"`
	AutoCompleteAt   time.Time   `json:"auto_complete_at,omitzero"`
	ReviewExtension  int         `json:"review_extension_days"`
	CompletedAt      time.Time   `json:"completed_at,omitzero"`
	ReviewsPublicAt  time.Time   `json:"reviews_public_at,omitzero"`
	// Milestones of a milestones order, in order, with their state and
	// money (one order's page; lists leave them out).
	Milestones []Milestone `json:"milestones,omitempty"`
	// Cancellation is the open mutual-cancellation request, if any: who
	// asked, why, and its deadline (accepted automatically then).
	Cancellation *Cancellation `json:"cancellation"`
	// Requests are the open requests of the resolution center (the
	// cancellation among them, and an escalation).
	Requests []Request `json:"requests,omitempty"`
	// GuaranteeClaim is the satisfaction-guarantee claim, if one was made.
	GuaranteeClaim *Claim `json:"guarantee_claim,omitempty"`
	// GuaranteeClaimable: the viewer (the client side) may claim now.
	GuaranteeClaimable bool `json:"guarantee_claimable"`
	// Hourly is an hourly order's contract: rate, limits, state and weekly
	// reports (one order's page; lists leave it out). The order's price is
	// one week at the weekly limit, what approval and limits counted.
	Hourly *Hourly `json:"hourly,omitempty"`
	// Side is the viewer's side: "client" or "freelancer".
	Side string `json:"side"`
	// ReadOnly: the viewer is a member the order was shared with
	// (sharing.go); they read it and write internal comments only.
	ReadOnly bool `json:"read_only,omitempty"`
	// Progress is the order's stage for the progress bar.
	Progress Progress `json:"progress"`
	// Refunded is what went back to the account for this order, in all
	// (its credit notes; one order's page, when there is any).
	Refunded *money.Money `json:"refunded,omitempty"`
	// VAT is, to the client's side, the VAT its payments bore, on top of
	// the total (its invoices'; when there is any).
	VAT *money.Money `json:"vat,omitempty"`
	// Earnings is, to the freelancer's side, what the price leaves them:
	// the commission and the net (one order's page; not on a cancelled or
	// rejected order).
	Earnings *Earnings `json:"earnings,omitempty"`
	// Actions are what the viewer may do on the order now (actions.go;
	// one order's page: lists leave them out).
	Actions []Action `json:"actions,omitempty"`

	role      accounts.Role // the viewer's role in the account, on the client side
	chargeRef string
	pro       bool
	hold      string // the open request that holds the order: cancellation_pending, escalation_pending
}

// Earnings is the freelancer's share of an order's price.
type Earnings struct {
	Price      money.Money `json:"price"`
	Commission money.Money `json:"commission"` // the platform's, taken on release
	Net        money.Money `json:"net"`        // what the freelancer receives
}

// Progress is what the order page's progress bar shows.
type Progress struct {
	Stage    int       `json:"stage"` // 1 placed, 2 in progress, 3 delivered, 4 completed
	Stages   int       `json:"stages"`
	Percent  int       `json:"percent"`
	Deadline time.Time `json:"deadline,omitzero"` // the due date, or the auto-completion while delivered
	DaysLeft int       `json:"days_left"`
}

// at fills the fields that depend on the time of reading.
func (o *Order) at(now time.Time) {
	if (o.Status == Active || o.Status == Delivered) && !o.DueAt.IsZero() && now.After(o.DueAt) && (o.Status == Active || o.DeliveredAt.After(o.DueAt)) {
		o.Late = true
		o.VeryLate = o.Status == Active && now.After(o.DueAt.Add(VeryLateAfter))
	}
	p := Progress{Stages: 4}
	switch o.Status {
	case PendingApproval, Rejected:
		p.Stage = 1
	case Active:
		p.Stage, p.Deadline = 2, o.DueAt
	case AwaitingPayment:
		p.Stage = 2
	case Delivered:
		p.Stage, p.Deadline = 3, o.AutoCompleteAt
	case Completed:
		p.Stage = 4
	case Cancelled:
		p.Stage = 1
		if !o.StartedAt.IsZero() {
			p.Stage = 2
		}
	}
	p.Percent = (p.Stage - 1) * 100 / (p.Stages - 1)
	if !p.Deadline.IsZero() {
		p.DaysLeft = max(0, int((p.Deadline.Sub(now)+24*time.Hour-time.Second)/(24*time.Hour)))
	}
	o.Progress = p
}

const orderSelect = `SELECT o.id, o.account_id, o.buyer_id, u.name, o.freelancer_id, f.display_name, f.pro, o.kind, COALESCE(o.service_id, ''), COALESCE(o.offer_id, ''), o.title, o.package_name,
	o.quantity, o.unit_price, o.subtotal, o.fees, o.total, o.currency, o.status, o.delivery_days, o.revisions_allowed, o.revisions_used,
	o.requirements, COALESCE(o.project_id, ''), o.paid_with, o.charge_ref, o.invoice_id, o.reason, o.created_at, o.started_at, o.due_at,
	o.delivered_at, o.auto_complete_at, o.review_extension, o.completed_at, o.reviews_public_at
	FROM orders o JOIN users u ON u.id = o.buyer_id JOIN freelancers f ON f.id = o.freelancer_id `

func scanOrder(row interface{ Scan(...any) error }) (Order, error) {
	var o Order
	var created int64
	var started, due, delivered, auto, completed, public db.NullInt
	err := row.Scan(&o.ID, &o.AccountID, &o.BuyerID, &o.BuyerName, &o.FreelancerID, &o.FreelancerName, &o.pro, &o.Kind, &o.ServiceID, &o.OfferID, &o.Title,
		&o.Package, &o.Quantity, &o.UnitPrice.Amount, &o.Subtotal.Amount, &o.Fees.Amount, &o.Total.Amount, &o.Total.Currency, &o.Status,
		&o.DeliveryDays, &o.RevisionsAllowed, &o.RevisionsUsed, &o.Requirements, &o.ProjectID, &o.PaidWith, &o.chargeRef, &o.InvoiceID,
		&o.Reason, &created, &started, &due, &delivered, &auto, &o.ReviewExtension, &completed, &public)
	if err != nil {
		return Order{}, db.NoRows(err)
	}
	c := o.Total.Currency
	o.UnitPrice.Currency, o.Subtotal.Currency, o.Fees.Currency = c, c, c
	o.CreatedAt = db.Time(created)
	o.StartedAt, o.DueAt, o.DeliveredAt = db.NullTime(started), db.NullTime(due), db.NullTime(delivered)
	o.AutoCompleteAt, o.CompletedAt, o.ReviewsPublicAt = db.NullTime(auto), db.NullTime(completed), db.NullTime(public)
	return o, nil
}

var ErrNotFound = errs.NotFound("order_not_found")

func Load(ctx context.Context, q db.Queryer, id string) (Order, error) {
	o, err := scanOrder(q.QueryRow(ctx, orderSelect+`WHERE o.id = ?`, id))
	if errors.Is(err, db.ErrNotFound) {
		return Order{}, ErrNotFound
	}
	return o, err
}

// Kind is what an order buys: a service's package, or an accepted offer's
// fixed price, milestones or hourly contract. The database's CHECK on
// orders.kind lists exactly these (TestStatusesMatchTheSchema).
type Kind string

// Kinds of order.
const (
	KindService    Kind = "service"
	KindFixed      Kind = "fixed"
	KindMilestones Kind = "milestones"
	KindHourly     Kind = "hourly"
)

// Kinds lists every kind of order.
var Kinds = []Kind{KindService, KindFixed, KindMilestones, KindHourly}

// Sides of an order.
const (
	ClientSide     = "client"
	FreelancerSide = "freelancer"
)

// side tells which side of an order the actor is on: the freelancer's
// owner and agency team; on the client side the buyer, the admin and the
// billing managers; else the project's manager. To anyone else the order
// does not exist.
func side(ctx context.Context, q db.Queryer, actor users.User, o Order) (string, accounts.Role, error) {
	team, err := catalog.SpeaksFor(ctx, q, actor.ID, o.FreelancerID)
	if err != nil {
		return "", "", err
	}
	// The freelancer learns of an order once it is approved.
	if team && o.Status != PendingApproval && o.Status != Rejected {
		return FreelancerSide, "", nil
	}
	// What the account gives comes first: an admin who also manages the
	// order's project acts as the client, not as its manager.
	role, err := accounts.ActorRole(ctx, q, actor, o.AccountID)
	if err != nil {
		return "", "", err
	}
	if role != "" && (o.BuyerID == actor.ID || role.Can(accounts.SeeAllOrders)) {
		return ClientSide, role, nil
	}
	if ok, err := managesProject(ctx, q, actor.ID, o); err != nil {
		return "", "", err
	} else if ok && o.Status != PendingApproval && o.Status != Rejected {
		return ManagerSide, "", nil
	}
	return "", "", ErrNotFound
}

// View loads an order for an actor and says on which side they are.
func (s *Service) View(ctx context.Context, q db.Queryer, actor users.User, id string) (Order, accounts.Role, error) {
	o, err := Load(ctx, q, id)
	if err != nil {
		return Order{}, "", err
	}
	sd, role, err := side(ctx, q, actor, o)
	if errors.Is(err, ErrNotFound) {
		sd, role, err = sharedSide(ctx, q, actor, &o)
	}
	if err != nil {
		return Order{}, "", err
	}
	o.Side = sd
	now := s.DB.Clock.Now()
	o.at(now)
	if o.Kind == KindMilestones {
		if o.Milestones, err = MilestonesOf(ctx, q, o.ID); err != nil {
			return Order{}, "", err
		}
	}
	if o.Kind == KindHourly {
		if err := s.loadHourly(ctx, q, &o, s.DB.Clock.Now()); err != nil {
			return Order{}, "", err
		}
	}
	if err := AttachRequests(ctx, q, &o, now); err != nil {
		return Order{}, "", err
	}
	o.GuaranteeClaimable = o.GuaranteeClaimable && !o.ReadOnly // a follower does not act
	o.role = role
	var refunded, vat int64
	if err := q.QueryRow(ctx, `SELECT (SELECT COALESCE(SUM(total), 0) FROM credit_notes WHERE ref = ?), (SELECT COALESCE(SUM(vat), 0) FROM invoices WHERE ref = ?)`,
		o.ID, o.ID).Scan(&refunded, &vat); err != nil {
		return Order{}, "", err
	}
	if refunded > 0 {
		o.Refunded = &money.Money{Amount: refunded, Currency: o.Total.Currency}
	}
	if vat > 0 && o.Side == ClientSide {
		o.VAT = &money.Money{Amount: vat, Currency: o.Total.Currency}
	}
	if o.Side == FreelancerSide && o.Status != Cancelled && o.Status != Rejected { // a closed order pays what it released, if anything
		commission := s.Billing.Commission(o.Subtotal)
		o.Earnings = &Earnings{Price: o.Subtotal, Commission: commission, Net: money.New(o.Subtotal.Amount-commission.Amount, o.Subtotal.Currency)}
	}
	o.allow(now)
	return o, role, nil
}

// Get returns an order to one of its sides.
func (s *Service) Get(ctx context.Context, actor users.User, id string) (Order, error) {
	o, _, err := s.View(ctx, s.DB, actor, id)
	return o, err
}

// AddEvent appends to an order's timeline.
func AddEvent(ctx context.Context, tx *db.Tx, orderID, actorID, kind, body string) (string, error) {
	id := db.NewID("oev")
	var actor any
	if actorID != "" {
		actor = actorID
	}
	_, err := tx.Exec(ctx, `INSERT INTO order_events (id, order_id, actor_id, kind, body, at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, orderID, actor, kind, body, db.Micros(tx.Now))
	return id, err
}

// Transition moves an order from one of the from statuses to to, with the
// extra assignments in set; a concurrent change makes it a 409.
func Transition(ctx context.Context, tx *db.Tx, id string, from []Status, to Status, set string, args ...any) error {
	all := append(append([]any{to}, args...), id)
	if err := tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE orders SET status = ?`+set+` WHERE id = ? AND status IN (`+db.Words(words(from)...)+`)`, all...); err != nil {
		return err
	}
	if !to.Closed() {
		return nil
	}
	// A request that raced the end of the order (resolutions) has nothing
	// left to ask for.
	_, err := tx.Exec(ctx, `UPDATE order_requests SET status = 'closed', decided_at = ? WHERE order_id = ? AND status = 'open'`, db.Micros(tx.Now), id)
	return err
}

// LockRunning locks the row of an order that still runs (started, not
// ended) for the transaction: a completion or a cancellation racing the
// caller either waits for it (and then closes the order's requests, see
// Transition) or wins and makes the caller's change a 409.
func LockRunning(ctx context.Context, tx *db.Tx, id string) error {
	return tx.ExecOne(ctx, errs.Conflict("order_state_changed"), `UPDATE orders SET status = status WHERE id = ? AND status IN (`+db.Words(words(runningStatuses)...)+`)`, id)
}
