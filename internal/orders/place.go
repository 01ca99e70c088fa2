package orders

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/users"
)

// NewOrder is what a buyer asks for.
type NewOrder struct {
	AccountID    string `json:"account_id"`
	ServiceID    string `json:"service_id"`
	Package      string `json:"package"`
	Quantity     int    `json:"quantity"`
	Requirements string `json:"requirements"`
	ProjectID    string `json:"project_id"`
}

// Defaults fills what a buyer may leave out of a request: one unit. A
// quantity that is sent, even 0, is checked as sent.
func (in *NewOrder) Defaults() { in.Quantity = 1 }

// monthStart is the first instant of now's calendar month (UTC).
func monthStart(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// Place orders a package of a service. Above the approval threshold (or
// past the buyer's monthly limit when approval is on) the order waits for
// the admin with nothing charged; otherwise it is paid at once — from the
// account's credits and balance when they cover it, else from the default
// card — into escrow, invoiced, and started. key is the request's
// Idempotency-Key, which also keys the card charge.
func (s *Service) Place(ctx context.Context, actor users.User, in NewOrder, key string) (Order, error) {
	role, err := accounts.Authorize(ctx, s.DB, actor, in.AccountID, accounts.Buy)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.KindNotFound {
			return Order{}, errs.Invalid("account_id", "account_not_found")
		}
		return Order{}, err
	}
	if in.Requirements = strings.TrimSpace(in.Requirements); utf8.RuneCountInString(in.Requirements) > 10000 {
		return Order{}, errs.Invalid("requirements", "too_long").With("max", 10000)
	}
	if in.ProjectID, err = s.Attachable(ctx, actor, in.AccountID, in.ProjectID); err != nil {
		return Order{}, err
	}
	l, err := s.Catalog.Listing(ctx, in.ServiceID)
	if err != nil {
		return Order{}, errs.Invalid("service_id", "service_not_found")
	}
	if l.Status != "active" {
		return Order{}, errs.Conflict("service_paused")
	}
	pkg, _, err := l.Choose(in.Package, in.Quantity)
	if err != nil {
		return Order{}, err
	}
	if f, ok, err := s.Catalog.FreelancerOf(ctx, actor.ID); err != nil {
		return Order{}, err
	} else if ok && f.ID == l.FreelancerID {
		return Order{}, errs.Conflict("own_service")
	}
	acc, err := s.AccountCurrency(ctx, in.AccountID)
	if err != nil {
		return Order{}, err
	}
	if pkg.Price.Currency != acc {
		return Order{}, errs.Invalid("service_id", "currency_mismatch").With("currency", acc)
	}
	q := s.Billing.Quote(pkg.Total(in.Quantity))
	fees := money.New(q.ServiceFee.Amount+q.SmallOrderFee.Amount, acc)
	o := Order{ID: db.NewID("ord"), AccountID: in.AccountID, BuyerID: actor.ID, FreelancerID: l.FreelancerID, Kind: KindService, ServiceID: l.ID,
		Title: l.Title, Package: pkg.Name, Quantity: in.Quantity, UnitPrice: pkg.Price, Subtotal: q.Subtotal, Fees: fees, Total: q.Total,
		DeliveryDays: pkg.DeliveryDays, RevisionsAllowed: pkg.Revisions, Requirements: in.Requirements, ProjectID: in.ProjectID}
	return s.Open(ctx, actor, role, o, key, nil)
}

// Open places a drafted order through the account's policies — the one
// path of service orders and accepted offers. Above the approval threshold
// (or past the buyer's monthly limit when approval is on) the order waits
// for the admin with nothing charged; otherwise its first charge is paid at
// once (the whole order, or a milestone order's first milestone) and it
// starts. with runs in the transaction that creates the order (an offer's
// acceptance, the milestones); key is the request's Idempotency-Key.
func (s *Service) Open(ctx context.Context, actor users.User, role accounts.Role, o Order, key string, with func(ctx context.Context, tx *db.Tx) error) (Order, error) {
	if err := users.RequireVerified(actor); err != nil {
		return Order{}, err
	}
	wait, err := policyAnswer(ctx, s.DB, o.AccountID, actor, role, o.Total, s.DB.Clock.Now())
	if err != nil {
		return Order{}, err
	}
	insert := func(ctx context.Context, tx *db.Tx, status Status) error {
		// The gate decides again where the order is written, taking turns
		// with the account's other commitments: an order that another one
		// sent at the same instant pushed past the policy waits instead (a
		// card charged for it is refunded by pay).
		if again, err := Gate(ctx, tx, o.AccountID, actor, role, o.Total); err != nil {
			return err
		} else if again && status != PendingApproval {
			return errMustWait
		}
		if err := insertOrder(ctx, tx, o, status); err != nil {
			return err
		}
		if with != nil {
			if err := with(ctx, tx); err != nil {
				return err
			}
		}
		_, err = AddEvent(ctx, tx, o.ID, actor.ID, "placed", "")
		return err
	}
	waits := func() (Order, error) {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			if err := insert(ctx, tx, PendingApproval); err != nil {
				return err
			}
			if err := accounts.Audit(ctx, tx, o.AccountID, actor.ID, "order.approval_requested", o.ID,
				map[string]any{"title": o.Title, "total": o.Total}); err != nil {
				return err
			}
			admin, err := accounts.AdminOf(ctx, tx, o.AccountID)
			if err != nil {
				return err
			}
			return notify.User(ctx, tx, admin, "order_approval_requested",
				map[string]any{"buyer": actor.Name, "title": o.Title, "total": o.Total.String()}, "/orders/"+o.ID)
		})
		if err != nil {
			return Order{}, err
		}
		return s.Get(ctx, actor, o.ID)
	}
	if wait {
		return waits()
	}
	if key == "" {
		key = o.ID
	}
	err = s.Start(ctx, o, "order:"+o.ID+":"+key, func(ctx context.Context, tx *db.Tx) error { return insert(ctx, tx, Active) })
	if errors.Is(err, errMustWait) {
		return waits()
	} else if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, actor, o.ID)
}

// Start starts an order as claim, in the transaction, moves it out of
// waiting (placing it, or the admin's approval): a contract starts
// uncharged, each week charged after it; any other order is charged its
// first payment (the whole order, or a milestone order's first milestone),
// keyed by key.
func (s *Service) Start(ctx context.Context, o Order, key string, claim func(ctx context.Context, tx *db.Tx) error) error {
	if o.Kind == KindHourly {
		return s.DB.InTx(ctx, func(tx *db.Tx) error {
			if err := claim(ctx, tx); err != nil {
				return err
			}
			return s.startHourly(ctx, tx, o)
		})
	}
	p, err := s.firstPayment(ctx, s.DB, o, key, claim)
	if err != nil {
		return err
	}
	return s.Pay(ctx, p)
}

// insertOrder writes a new order's row with its status (an active order
// starts now; pay sets its due date).
func insertOrder(ctx context.Context, tx *db.Tx, o Order, status Status) error {
	null := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	var started any
	if status == Active {
		started = db.Micros(tx.Now)
	}
	_, err := tx.Exec(ctx, `INSERT INTO orders (id, account_id, buyer_id, freelancer_id, kind, service_id, offer_id, title, package_name, quantity,
		unit_price, subtotal, fees, total, currency, delivery_days, revisions_allowed, requirements, project_id, status, created_at, started_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.AccountID, o.BuyerID, o.FreelancerID, o.Kind, null(o.ServiceID), null(o.OfferID), o.Title, o.Package, o.Quantity, o.UnitPrice.Amount,
		o.Subtotal.Amount, o.Fees.Amount, o.Total.Amount, o.Total.Currency, o.DeliveryDays, o.RevisionsAllowed, o.Requirements, null(o.ProjectID), status,
		db.Micros(tx.Now), started)
	return err
}

// errMustWait stops the writing of an order the gate, deciding again, sends
// to the approvals queue.
var errMustWait = errors.New("orders: the order waits for approval")

func (s *Service) AccountCurrency(ctx context.Context, accountID string) (string, error) {
	var c string
	err := s.DB.QueryRow(ctx, `SELECT currency FROM accounts WHERE id = ?`, accountID).Scan(&c)
	return c, db.NoRows(err)
}

// Payment is one charge into an order's escrow: a whole order, or one
// milestone of a milestone order.
type Payment struct {
	Order  Order
	Amount money.Money // what enters the escrow: price + the buyer's fees
	Key    string      // the card charge's idempotency key
	Line   billing.OrderCharge
	// Claim runs first in the transaction: it creates the order row
	// (placing) or moves it out of the state that allows the charge
	// (approving, paying the next milestone), so two requests cannot both
	// start it.
	Claim func(ctx context.Context, tx *db.Tx) error
	// Start records the payment on the order (or milestone) and starts it.
	Start func(ctx context.Context, tx *db.Tx, paidWith, charge, invoiceID string) error
	// Recorded reads the charge reference stored by a start, to tell a
	// concurrent start with this very charge from a failure.
	Recorded func(ctx context.Context) string
}

// firstPayment is what starts an order: the whole order, or the first
// milestone of a milestone order.
func (s *Service) firstPayment(ctx context.Context, q db.Queryer, o Order, key string, claim func(ctx context.Context, tx *db.Tx) error) (Payment, error) {
	if o.Kind == KindMilestones {
		ms := o.Milestones
		if len(ms) == 0 {
			var err error
			if ms, err = MilestonesOf(ctx, q, o.ID); err != nil {
				return Payment{}, err
			}
		}
		if len(ms) == 0 {
			return Payment{}, errors.New("orders: a milestone order without milestones")
		}
		return s.MilestonePayment(o, ms[0], key, claim), nil
	}
	return Payment{Order: o, Amount: o.Total, Key: key, Claim: claim,
		Line: billing.OrderCharge{AccountID: o.AccountID, OrderID: o.ID, Description: describe(o), Quantity: o.Quantity, UnitPrice: o.UnitPrice, Fees: o.Fees},
		Start: func(ctx context.Context, tx *db.Tx, paidWith, charge, invoiceID string) error {
			due := tx.Now.Add(time.Duration(o.DeliveryDays) * 24 * time.Hour)
			if _, err := tx.Exec(ctx, `UPDATE orders SET paid_with = ?, charge_ref = ?, invoice_id = ?, started_at = ?, due_at = ? WHERE id = ?`,
				paidWith, charge, invoiceID, db.Micros(tx.Now), db.Micros(due), o.ID); err != nil {
				return err
			}
			if _, err := AddEvent(ctx, tx, o.ID, "", "started", ""); err != nil {
				return err
			}
			return s.NotifyFreelancer(ctx, tx, o, "order_started", map[string]any{"title": o.Title, "quantity": o.Quantity})
		},
		Recorded: func(ctx context.Context) string {
			cur, err := Load(ctx, s.DB, o.ID)
			if err != nil {
				return ""
			}
			return cur.chargeRef
		}}, nil
}

// describe is an order's line on its invoice.
func describe(o Order) string {
	if o.Package == "" {
		return o.Title
	}
	return o.Title + " — " + o.Package
}

// Pay charges a payment, with the VAT it bears (decided once, now, from
// the account's billing details), and starts what it pays for. Paid from
// credits and balance when they cover the whole, else by card: the card is
// charged before the transaction (its key makes a retry charge once) and
// refunded if the transaction fails for any reason but a concurrent start
// with the same charge.
func (s *Service) Pay(ctx context.Context, p Payment) error {
	o := p.Order
	tax, err := s.Billing.TaxFor(ctx, s.DB, o.AccountID)
	if err != nil {
		return err
	}
	vat := tax.On(p.Amount)
	total := money.New(p.Amount.Amount+vat.Amount, p.Amount.Currency)
	enough, err := billing.AvailableToSpend(ctx, s.DB, o.AccountID, p.Amount.Currency)
	if err != nil {
		return err
	}
	paidWith, charge := "balance", ""
	if enough < total.Amount {
		ref, label, ok, err := billing.CardFor(ctx, s.DB, o.AccountID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.Conflict("payment_method_required")
		}
		if charge, err = s.Billing.Provider.Charge(ctx, ref, total, p.Key, "Atelier order "+o.ID); err != nil {
			return err
		}
		paidWith = label
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := p.Claim(ctx, tx); err != nil {
			return err
		}
		if err := billing.PayIntoEscrow(ctx, tx, o.AccountID, o.ID, p.Amount, vat, charge != ""); err != nil {
			return err
		}
		if charge != "" {
			if err := billing.RecordCardCharge(ctx, tx, charge, o.AccountID, o.ID, total); err != nil {
				return err
			}
		}
		line := p.Line
		line.PaidWith, line.Tax = paidWith, tax
		inv, err := s.Billing.RecordOrderPayment(ctx, tx, line)
		if err != nil {
			return err
		}
		return p.Start(ctx, tx, paidWith, charge, inv.ID)
	})
	if err != nil && charge != "" {
		if p.Recorded(context.WithoutCancel(ctx)) == charge {
			return errs.Conflict("order_state_changed") // started by a concurrent request with this very charge
		}
		if rerr := s.Billing.Provider.Refund(context.WithoutCancel(ctx), charge, total, "refund:"+p.Key); rerr != nil {
			s.Billing.Log.Error("an order failed after its card was charged, and the refund failed: refund by hand", "order", o.ID, "charge", charge, "err", rerr)
		}
	}
	return err
}

func (s *Service) NotifyFreelancer(ctx context.Context, tx *db.Tx, o Order, kind string, params map[string]any) error {
	owner, err := catalog.OwnerOf(ctx, tx, o.FreelancerID)
	if err != nil {
		return err
	}
	return notify.User(ctx, tx, owner, kind, params, "/orders/"+o.ID)
}

func (s *Service) NotifyBuyer(ctx context.Context, tx *db.Tx, o Order, kind string, params map[string]any) error {
	return notify.User(ctx, tx, o.BuyerID, kind, params, "/orders/"+o.ID)
}
