// Package offers holds custom offers and milestones over the core of
// orders: a freelancer's offer to a business account, its acceptance
// (which places an order through the account's policies, orders.Open),
// and the milestones of a milestone order — delivered, sent back,
// approved one by one, each charged before it starts.
//
// A custom offer is a freelancer's proposal to a business account: a fixed
// price, 2 or more milestones, or an hourly contract (Pro freelancers
// only). It is addressed to the account, so every member sees it and any
// member who may buy accepts or declines it; accepting places an order
// through the same approval policy and purchase limits as buying a
// service. An offer unanswered for 14 days expires.
package offers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/jobs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Service holds offers and runs milestones.
type Service struct {
	DB      *db.DB
	Billing *billing.Service
	Catalog *catalog.Service
	Orders  *orders.Service
}

const minHourlyRate = 100 // 1.00 of the currency

// The rows each timer applies, written once for the timer (rows due now)
// and for its Next (the earliest due later).
const (
	// offersPending: offers nobody answered yet.
	offersPending = `FROM offers WHERE status = 'pending'`
	// milestonesAwaiting: delivered milestones, unless their order is on hold.
	milestonesAwaiting = `FROM order_milestones m WHERE status = 'delivered'
		AND NOT EXISTS (SELECT 1 FROM order_requests r WHERE r.order_id = m.order_id AND r.status = 'open' AND r.kind IN ('cancel', 'escalate'))`
)

// Timers are the deadlines of offers and milestones, in the order a sweep
// runs them.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "offer_expire", Fire: s.ExpireOffers, Next: jobs.NextDue(s.DB, offersPending, "expires_at", 0)},
		{Name: "milestone_auto_approve", Fire: s.AutoApproveMilestones, Next: jobs.NextDue(s.DB, milestonesAwaiting, "auto_approve_at", 0)},
	}
}

// Status is where an offer is.
type Status string

// Statuses of an offer.
const (
	OfferPending   Status = "pending"
	OfferAccepted  Status = "accepted"
	OfferDeclined  Status = "declined"
	OfferExpired   Status = "expired"
	OfferWithdrawn Status = "withdrawn"
)

// OfferStatuses are the statuses a list of offers filters by.
var OfferStatuses = []Status{OfferPending, OfferAccepted, OfferDeclined, OfferExpired, OfferWithdrawn}

// Limits of offers.
const (
	OfferExpiresAfter = 14 * 24 * time.Hour
	MinMilestones     = 2
	MaxMilestones     = 20
	maxTitleRunes     = 200
)

// OfferMilestone is one stage of a milestones offer; Fees and Total are the
// buyer's, quoted on its own amount.
type OfferMilestone struct {
	Title        string      `json:"title"`
	Amount       money.Money `json:"amount"`
	DeliveryDays int         `json:"delivery_days"`
	Fees         money.Money `json:"fees"`
	Total        money.Money `json:"total"`
}

// NewOffer is what a freelancer proposes.
type NewOffer struct {
	AccountID string `json:"account_id"`
	// FreelancerID: the profile making the offer (its owner or an agency
	// team member); the actor's own profile when empty.
	FreelancerID     string           `json:"freelancer_id,omitempty"`
	Kind             orders.Kind      `json:"kind"` // fixed, milestones, hourly
	Title            string           `json:"title"`
	Description      string           `json:"description"`
	Price            *money.Money     `json:"price,omitempty"`         // fixed
	DeliveryDays     int              `json:"delivery_days,omitempty"` // fixed
	Revisions        int              `json:"revisions,omitempty"`     // fixed: of the order; milestones: of each milestone
	Milestones       []OfferMilestone `json:"milestones,omitempty"`
	HourlyRate       *money.Money     `json:"hourly_rate,omitempty"`
	WeeklyLimitHours int              `json:"weekly_limit_hours,omitempty"`
}

// foreign names the first field sent that belongs to another kind of offer
// (a fixed offer's weekly_limit_hours, an hourly offer's price), or "": such
// a field is refused, never quietly dropped.
func (in NewOffer) foreign() string {
	switch in.Kind {
	case orders.KindFixed:
		switch {
		case len(in.Milestones) > 0:
			return "milestones"
		case in.HourlyRate != nil:
			return "hourly_rate"
		case in.WeeklyLimitHours != 0:
			return "weekly_limit_hours"
		}
	case orders.KindMilestones:
		switch {
		case in.DeliveryDays != 0:
			return "delivery_days"
		case in.HourlyRate != nil:
			return "hourly_rate"
		case in.WeeklyLimitHours != 0:
			return "weekly_limit_hours"
		}
	case orders.KindHourly:
		switch {
		case in.Price != nil:
			return "price"
		case in.DeliveryDays != 0:
			return "delivery_days"
		case len(in.Milestones) > 0:
			return "milestones"
		case in.Revisions != 0:
			return "revisions"
		}
	}
	return ""
}

// Offer is an offer as one of its sides sees it.
type Offer struct {
	ID             string      `json:"id"`
	FreelancerID   string      `json:"freelancer_id"`
	FreelancerName string      `json:"freelancer_name"`
	AccountID      string      `json:"account_id"`
	CreatedBy      string      `json:"created_by"`
	Kind           orders.Kind `json:"kind"`
	Title          string      `json:"title"`
	Description    string      `json:"description"`
	// Price is the work's price (the milestones' sum); Fees the buyer's
	// fees on it (per milestone for milestones); Total what the account pays.
	Price            money.Money      `json:"price"`
	Fees             money.Money      `json:"fees"`
	Total            money.Money      `json:"total"`
	DeliveryDays     int              `json:"delivery_days"`
	Revisions        int              `json:"revisions"`
	Milestones       []OfferMilestone `json:"milestones"`
	HourlyRate       *money.Money     `json:"hourly_rate,omitempty"`
	WeeklyLimitHours int              `json:"weekly_limit_hours,omitempty"`
	Status           Status           `json:"status"`
	ExpiresAt        time.Time        `json:"expires_at"`
	OrderID          string           `json:"order_id,omitempty"`
	CreatedAt        time.Time        `json:"created_at"`
	DecidedAt        time.Time        `json:"decided_at,omitzero"`
	DecidedBy        string           `json:"decided_by,omitempty"`
	Side             string           `json:"side"` // the viewer's: client or freelancer

	pro bool
}

var errOfferNotFound = errs.NotFound("offer_not_found")

// terms checks an offer's words and money (it changes nothing: a pure
// function of what was sent) and gives its price and delivery days (a
// milestone offer's are the sums of its milestones'; an hourly offer has
// a rate and a weekly limit instead). Titles and texts come back trimmed.
func (in *NewOffer) terms(currency string, maxAmount int64) (price int64, days int, err error) {
	if in.Title, err = title("title", in.Title); err != nil {
		return 0, 0, err
	}
	if in.Description, err = orders.Text("description", in.Description, false); err != nil {
		return 0, 0, err
	}
	if in.Revisions < 0 || in.Revisions > 100 {
		return 0, 0, errs.Invalid("revisions", "revisions_invalid")
	}
	switch in.Kind {
	case orders.KindFixed:
		if err := orders.Amount("price", in.Price, currency, maxAmount); err != nil {
			return 0, 0, err
		}
		return in.Price.Amount, in.DeliveryDays, deliveryDays("delivery_days", in.DeliveryDays)
	case orders.KindMilestones:
		return in.milestoneTerms(currency, maxAmount)
	case orders.KindHourly:
		return 0, in.DeliveryDays, checkHourlyTerms(in.HourlyRate, in.WeeklyLimitHours, currency, maxAmount)
	}
	return 0, 0, errs.Invalid("kind", "offer_kind_invalid")
}

// milestoneTerms checks a milestone offer's milestones and sums them.
func (in *NewOffer) milestoneTerms(currency string, maxAmount int64) (price int64, days int, err error) {
	switch {
	case len(in.Milestones) < MinMilestones:
		return 0, 0, errs.Invalid("milestones", "milestones_too_few").With("min", MinMilestones)
	case len(in.Milestones) > MaxMilestones:
		return 0, 0, errs.Invalid("milestones", "milestones_too_many").With("max", MaxMilestones)
	}
	for i := range in.Milestones {
		m := &in.Milestones[i]
		f := "milestones." + strconv.Itoa(i) + "."
		if m.Title, err = title(f+"title", m.Title); err != nil {
			return 0, 0, err
		}
		if err := orders.Amount(f+"amount", &m.Amount, currency, maxAmount); err != nil {
			return 0, 0, err
		}
		if err := deliveryDays(f+"delivery_days", m.DeliveryDays); err != nil {
			return 0, 0, err
		}
		price += m.Amount.Amount
		days += m.DeliveryDays
	}
	if price > maxAmount {
		return 0, 0, errs.Invalid("milestones", "amount_too_large")
	}
	if in.Price != nil && (in.Price.Amount != price || strings.ToUpper(in.Price.Currency) != currency) {
		return 0, 0, errs.Invalid("price", "price_not_milestones_sum")
	}
	return price, days, nil
}

func title(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", errs.Invalid(field, "required")
	}
	if utf8.RuneCountInString(v) > maxTitleRunes {
		return "", errs.Invalid(field, "too_long").With("max", maxTitleRunes)
	}
	return v, nil
}

func deliveryDays(field string, d int) error {
	if d < 1 || d > 365 {
		return errs.Invalid(field, "delivery_days_invalid")
	}
	return nil
}

// CreateOffer sends a custom offer from a freelancer (its owner or agency
// team) to a business account. Everything is checked before anything is
// stored: hourly offers are for Pro freelancers only, with an hourly rate
// and a weekly limit of 1 to 168 hours; a fixed offer has a price, delivery days and revisions; a
// milestones offer has 2 to 20 milestones, each with a title, an amount
// above zero and delivery days, whose sum is the price. Amounts are in the
// freelancer's currency, which must be the account's.
func (s *Service) CreateOffer(ctx context.Context, actor users.User, in NewOffer) (Offer, error) {
	if in.FreelancerID == "" {
		f, ok, err := s.Catalog.FreelancerOf(ctx, actor.ID)
		if err != nil {
			return Offer{}, err
		}
		if !ok {
			return Offer{}, errs.Invalid("freelancer_id", "freelancer_not_found")
		}
		in.FreelancerID = f.ID
	}
	f, err := s.Catalog.Freelancer(ctx, nil, in.FreelancerID)
	if err != nil {
		return Offer{}, errs.Invalid("freelancer_id", "freelancer_not_found")
	}
	if ok, err := catalog.SpeaksFor(ctx, s.DB, actor.ID, f.ID); err != nil {
		return Offer{}, err
	} else if !ok {
		return Offer{}, errs.Forbidden("not_your_profile")
	}
	currency := f.HourlyRate.Currency
	switch in.Kind {
	case orders.KindFixed, orders.KindMilestones:
	case orders.KindHourly:
		if !f.Pro {
			return Offer{}, errs.Forbidden("hourly_pro_only")
		}
	default:
		return Offer{}, errs.Invalid("kind", "offer_kind_invalid")
	}
	if field := in.foreign(); field != "" {
		return Offer{}, errs.Invalid(field, "read_only")
	}
	accCurrency, err := s.Orders.AccountCurrency(ctx, in.AccountID)
	if errors.Is(err, db.ErrNotFound) {
		return Offer{}, errs.Invalid("account_id", "account_not_found")
	} else if err != nil {
		return Offer{}, err
	}
	if accCurrency != currency {
		return Offer{}, errs.Invalid("account_id", "currency_mismatch").With("currency", currency)
	}
	for _, u := range []string{actor.ID, f.OwnerID} {
		if role, err := accounts.RoleOf(ctx, s.DB, in.AccountID, u); err != nil {
			return Offer{}, err
		} else if role != "" {
			return Offer{}, errs.Invalid("account_id", "offer_to_own_account")
		}
	}
	price, days, err := in.terms(currency, s.Billing.Config.MaxAmount)
	if err != nil {
		return Offer{}, err
	}
	// An hourly offer has a rate and a weekly limit instead of a price and
	// delivery days.
	var priceCol, daysCol, rateCol, limitCol any = price, days, nil, nil
	if in.Kind == orders.KindHourly {
		priceCol, daysCol, rateCol, limitCol = nil, nil, in.HourlyRate.Amount, in.WeeklyLimitHours
	}
	id := db.NewID("ofr")
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO offers (id, freelancer_id, account_id, created_by, kind, title, description, price, delivery_days, revisions,
			hourly_rate, weekly_limit_hours, currency, status, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
			id, f.ID, in.AccountID, actor.ID, in.Kind, in.Title, in.Description, priceCol, daysCol, in.Revisions, rateCol, limitCol, currency,
			db.Micros(tx.Now.Add(OfferExpiresAfter)), db.Micros(tx.Now)); err != nil {
			return err
		}
		for i, m := range in.Milestones {
			if _, err := tx.Exec(ctx, `INSERT INTO offer_milestones (offer_id, position, title, amount, delivery_days) VALUES (?, ?, ?, ?, ?)`,
				id, i+1, m.Title, m.Amount.Amount, m.DeliveryDays); err != nil {
				return err
			}
		}
		to, err := accounts.MemberIDs(ctx, tx, in.AccountID)
		if err != nil {
			return err
		}
		for _, u := range to {
			if err := notify.User(ctx, tx, u, "offer_received", map[string]any{"freelancer": f.DisplayName, "title": in.Title}, "/offers/"+id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Offer{}, err
	}
	return s.GetOffer(ctx, actor, id)
}

const offerSelect = `SELECT o.id, o.freelancer_id, f.display_name, f.pro, o.account_id, o.created_by, o.kind, o.title, o.description,
	COALESCE(o.price, 0), COALESCE(o.delivery_days, 0), o.revisions, o.hourly_rate, COALESCE(o.weekly_limit_hours, 0), o.currency, o.status,
	o.expires_at, COALESCE(o.order_id, ''), o.created_at, o.decided_at, COALESCE(o.decided_by, '')
	FROM offers o JOIN freelancers f ON f.id = o.freelancer_id `

func (s *Service) scanOffer(row interface{ Scan(...any) error }, now time.Time) (Offer, error) {
	var o Offer
	var c string
	var hourly, decided db.NullInt
	var expires, created int64
	err := row.Scan(&o.ID, &o.FreelancerID, &o.FreelancerName, &o.pro, &o.AccountID, &o.CreatedBy, &o.Kind, &o.Title, &o.Description,
		&o.Price.Amount, &o.DeliveryDays, &o.Revisions, &hourly, &o.WeeklyLimitHours, &c, &o.Status, &expires, &o.OrderID, &created,
		&decided, &o.DecidedBy)
	if err != nil {
		return Offer{}, db.NoRows(err)
	}
	o.Price.Currency = c
	if hourly.Valid {
		o.HourlyRate = &money.Money{Amount: hourly.Int64, Currency: c}
	}
	o.ExpiresAt, o.CreatedAt, o.DecidedAt = db.Time(expires), db.Time(created), db.NullTime(decided)
	if o.Status == OfferPending && !now.Before(o.ExpiresAt) {
		o.Status = OfferExpired // the expiry timer has not run yet
	}
	o.Milestones = []OfferMilestone{}
	if o.Kind == orders.KindHourly && o.HourlyRate != nil {
		// Quoted as one week at the weekly limit: what acceptance counts
		// against the account's approval threshold and limits.
		o.Price.Amount = o.HourlyRate.Amount * int64(o.WeeklyLimitHours)
	}
	switch o.Kind {
	case orders.KindFixed:
		q := s.Billing.Quote(o.Price)
		o.Fees, o.Total = money.New(q.ServiceFee.Amount+q.SmallOrderFee.Amount, c), q.Total
	case orders.KindHourly:
		q := s.Billing.Week(o.Price)
		o.Fees, o.Total = q.ServiceFee, q.Total
	}
	return o, nil
}

// loadOfferMilestones fills a milestones offer's stages and quotes them.
func (s *Service) loadOfferMilestones(ctx context.Context, q db.Queryer, o *Offer) error {
	if o.Kind != orders.KindMilestones {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT title, amount, delivery_days FROM offer_milestones WHERE offer_id = ? ORDER BY position`, o.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	c := o.Price.Currency
	var amounts []money.Money
	for rows.Next() {
		var m OfferMilestone
		if err := rows.Scan(&m.Title, &m.Amount.Amount, &m.DeliveryDays); err != nil {
			return err
		}
		m.Amount.Currency = c
		o.Milestones = append(o.Milestones, m)
		amounts = append(amounts, m.Amount)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// The fees are the order's, spread over its milestones.
	o.Fees, o.Total = money.New(0, c), money.New(0, c)
	for i, q := range s.Billing.Parts(amounts) {
		m := &o.Milestones[i]
		m.Fees, m.Total = money.New(q.ServiceFee.Amount+q.SmallOrderFee.Amount, c), q.Total
		o.Fees.Amount += m.Fees.Amount
		o.Total.Amount += m.Total.Amount
	}
	return nil
}

// viewOffer loads an offer for an actor: the freelancer's owner and team
// see it as its sender; every member of the account, whatever the role, as
// its addressee. To anyone else it does not exist.
func (s *Service) viewOffer(ctx context.Context, q db.Queryer, actor users.User, id string) (Offer, accounts.Role, error) {
	o, err := s.scanOffer(q.QueryRow(ctx, offerSelect+`WHERE o.id = ?`, id), s.DB.Clock.Now())
	if errors.Is(err, db.ErrNotFound) {
		return Offer{}, "", errOfferNotFound
	} else if err != nil {
		return Offer{}, "", err
	}
	var role accounts.Role
	if ok, err := catalog.SpeaksFor(ctx, q, actor.ID, o.FreelancerID); err != nil {
		return Offer{}, "", err
	} else if ok {
		o.Side = orders.FreelancerSide
	} else {
		if role, err = accounts.ActorRole(ctx, q, actor, o.AccountID); err != nil {
			return Offer{}, "", err
		} else if role == "" {
			return Offer{}, "", errOfferNotFound
		}
		o.Side = orders.ClientSide
	}
	return o, role, s.loadOfferMilestones(ctx, q, &o)
}

// GetOffer returns an offer to its sender's side or its account's members.
func (s *Service) GetOffer(ctx context.Context, actor users.User, id string) (Offer, error) {
	o, _, err := s.viewOffer(ctx, s.DB, actor, id)
	return o, err
}

// decideOffer closes a pending offer, once: a concurrent answer or the
// expiry makes it a 409.
func decideOffer(ctx context.Context, tx *db.Tx, id string, status Status, actorID, orderID string) error {
	var order any
	if orderID != "" {
		order = orderID
	}
	if err := tx.ExecOne(ctx, errs.Conflict("offer_not_pending"), `UPDATE offers SET status = ?, decided_at = ?, decided_by = ?, order_id = ? WHERE id = ? AND status = 'pending' AND expires_at > ?`,
		status, db.Micros(tx.Now), actorID, order, id, db.Micros(tx.Now)); err != nil {
		return err
	}
	return nil
}

func (s *Service) notifyOfferSender(ctx context.Context, tx *db.Tx, o Offer, kind string) error {
	owner, err := catalog.OwnerOf(ctx, tx, o.FreelancerID)
	if err != nil {
		return err
	}
	return notify.User(ctx, tx, owner, kind, map[string]any{"title": o.Title}, "/offers/"+o.ID)
}

// DeclineOffer turns a pending offer down (any member of the account).
func (s *Service) DeclineOffer(ctx context.Context, actor users.User, id string) (Offer, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, _, err := s.viewOffer(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if o.Side != orders.ClientSide {
			return errs.Forbidden("wrong_side").With("side", orders.ClientSide)
		}
		if o.Status != OfferPending {
			return errs.Conflict("offer_not_pending")
		}
		if err := decideOffer(ctx, tx, id, OfferDeclined, actor.ID, ""); err != nil {
			return err
		}
		return s.notifyOfferSender(ctx, tx, o, "offer_declined")
	})
	if err != nil {
		return Offer{}, err
	}
	return s.GetOffer(ctx, actor, id)
}

// WithdrawOffer takes back a pending offer (the freelancer's side).
func (s *Service) WithdrawOffer(ctx context.Context, actor users.User, id string) (Offer, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, _, err := s.viewOffer(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if o.Side != orders.FreelancerSide {
			return errs.Forbidden("wrong_side").With("side", orders.FreelancerSide)
		}
		if o.Status != OfferPending {
			return errs.Conflict("offer_not_pending")
		}
		return decideOffer(ctx, tx, id, OfferWithdrawn, actor.ID, "")
	})
	if err != nil {
		return Offer{}, err
	}
	return s.GetOffer(ctx, actor, id)
}

// AcceptOffer turns a pending offer into an order placed by the actor, a
// member of the account who may buy, through the same approval policy and
// purchase limits as any order: above the threshold it waits for the
// admin, uncharged. A fixed offer is paid whole; a milestones offer pays
// its first milestone when the order starts. The offer is claimed in the
// order's transaction, so it becomes one order. key is the request's
// Idempotency-Key.
func (s *Service) AcceptOffer(ctx context.Context, actor users.User, id, projectID, key string) (orders.Order, error) {
	of, role, err := s.viewOffer(ctx, s.DB, actor, id)
	if err != nil {
		return orders.Order{}, err
	}
	if of.Side != orders.ClientSide {
		return orders.Order{}, errs.Forbidden("wrong_side").With("side", orders.ClientSide)
	}
	if !role.Can(accounts.Buy) {
		return orders.Order{}, errs.Forbidden("role_not_allowed").With("action", string(accounts.Buy))
	}
	if projectID, err = s.Orders.Attachable(ctx, actor, of.AccountID, projectID); err != nil {
		return orders.Order{}, err
	}
	switch of.Status {
	case OfferPending:
	case OfferExpired:
		return orders.Order{}, errs.Conflict("offer_expired")
	default:
		return orders.Order{}, errs.Conflict("offer_not_pending")
	}
	c := of.Price.Currency
	o := orders.Order{ID: db.NewID("ord"), AccountID: of.AccountID, BuyerID: actor.ID, FreelancerID: of.FreelancerID, Kind: of.Kind, OfferID: of.ID,
		Title: of.Title, Quantity: 1, UnitPrice: of.Price, Subtotal: of.Price, Fees: of.Fees, Total: of.Total, DeliveryDays: of.DeliveryDays,
		Requirements: of.Description, ProjectID: projectID}
	switch of.Kind {
	case orders.KindFixed:
		o.RevisionsAllowed = of.Revisions
	case orders.KindMilestones:
		for i, m := range of.Milestones {
			o.Milestones = append(o.Milestones, orders.Milestone{ID: db.NewID("oms"), Position: i + 1, Title: m.Title, Amount: m.Amount, Fees: m.Fees,
				Total: m.Total, DeliveryDays: m.DeliveryDays, RevisionsAllowed: of.Revisions, Status: orders.MilestonePending})
		}
	case orders.KindHourly:
		// The order's price is one week at the limit; nothing is charged
		// until a week's report.
		if of.HourlyRate == nil {
			return orders.Order{}, errors.New("orders: an hourly offer without a rate")
		}
		o.UnitPrice, o.Quantity, o.DeliveryDays = *of.HourlyRate, of.WeeklyLimitHours, 7
	default:
		return orders.Order{}, errs.Invalid("kind", "offer_kind_invalid")
	}
	if o.Total.Currency != c {
		return orders.Order{}, errors.New("orders: an offer's total in another currency")
	}
	return s.Orders.Open(ctx, actor, role, o, key, func(ctx context.Context, tx *db.Tx) error {
		if err := decideOffer(ctx, tx, of.ID, OfferAccepted, actor.ID, o.ID); err != nil {
			return err
		}
		if err := s.insertMilestones(ctx, tx, o.ID, o.Milestones); err != nil {
			return err
		}
		if o.Kind == orders.KindHourly {
			if err := insertContract(ctx, tx, o.ID, o.UnitPrice, o.Quantity); err != nil {
				return err
			}
		}
		_, err := orders.AddEvent(ctx, tx, o.ID, actor.ID, "offer_accepted", of.Title)
		return err
	})
}

// OfferFilter narrows a list of offers: one status, or "" for all.
type OfferFilter struct{ Status string }

func (s *Service) listOffers(ctx context.Context, cond string, args []any, f OfferFilter, r page.Request, sd string) (page.Page[Offer], error) {
	now := s.DB.Clock.Now()
	switch Status(f.Status) {
	case "":
	case OfferPending:
		cond, args = cond+` AND o.status = 'pending' AND o.expires_at > ?`, append(args, db.Micros(now))
	case OfferExpired:
		cond, args = cond+` AND (o.status = 'expired' OR (o.status = 'pending' AND o.expires_at <= ?))`, append(args, db.Micros(now))
	case OfferAccepted, OfferDeclined, OfferWithdrawn:
		cond += ` AND o.status = ` + db.Words(f.Status)
	default:
		return page.Page[Offer]{}, errs.Invalid("status", "status_invalid")
	}
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	rows, err := s.DB.Query(ctx, offerSelect+`WHERE `+cond+` AND o.id < ? ORDER BY o.id DESC LIMIT ?`, append(args, after, r.Limit+1)...)
	if err != nil {
		return page.Page[Offer]{}, err
	}
	var list []Offer
	for rows.Next() {
		o, err := s.scanOffer(rows, now)
		if err != nil {
			rows.Close()
			return page.Page[Offer]{}, err
		}
		o.Side = sd
		list = append(list, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page.Page[Offer]{}, err
	}
	for i := range list {
		if err := s.loadOfferMilestones(ctx, s.DB, &list[i]); err != nil {
			return page.Page[Offer]{}, err
		}
	}
	return page.Cut(list, r, func(o Offer) string { return o.ID }), nil
}

// AccountOffers lists the offers made to an account, newest first, to any
// of its members.
func (s *Service) AccountOffers(ctx context.Context, actor users.User, accountID string, f OfferFilter, r page.Request) (page.Page[Offer], error) {
	if _, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount); err != nil {
		return page.Page[Offer]{}, err
	}
	return s.listOffers(ctx, `o.account_id = ?`, []any{accountID}, f, r, orders.ClientSide)
}

// FreelancerOffers lists the offers a freelancer sent, to its owner and team.
func (s *Service) FreelancerOffers(ctx context.Context, actor users.User, freelancerID string, f OfferFilter, r page.Request) (page.Page[Offer], error) {
	if ok, err := catalog.SpeaksFor(ctx, s.DB, actor.ID, freelancerID); err != nil {
		return page.Page[Offer]{}, err
	} else if !ok {
		return page.Page[Offer]{}, errs.NotFound("freelancer_not_found")
	}
	return s.listOffers(ctx, `o.freelancer_id = ?`, []any{freelancerID}, f, r, orders.FreelancerSide)
}

// ExpireOffers is the timer that closes offers left unanswered for 14
// days, once each (a conditional UPDATE), and tells their sender.
func (s *Service) ExpireOffers(ctx context.Context, now time.Time) (int, error) {
	due, err := db.Strings(ctx, s.DB, `SELECT id `+offersPending+` AND expires_at <= ? ORDER BY expires_at LIMIT 200`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, id := range due {
		expired := false
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE offers SET status = 'expired', decided_at = ? WHERE id = ? AND status = 'pending' AND expires_at <= ?`,
				db.Micros(now), id, db.Micros(now))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return nil // answered, or expired by another node
			}
			o, err := s.scanOffer(tx.QueryRow(ctx, offerSelect+`WHERE o.id = ?`, id), now)
			if err != nil {
				return err
			}
			expired = true
			return s.notifyOfferSender(ctx, tx, o, "offer_expired")
		})
		if err != nil {
			return applied, err
		}
		if expired {
			applied++
		}
	}
	return applied, nil
}

// checkHourlyTerms validates an hourly rate and weekly limit.
func checkHourlyTerms(rate *money.Money, limit int, currency string, maxAmount int64) error {
	if err := orders.Amount("hourly_rate", rate, currency, maxAmount); err != nil {
		return err
	}
	if rate.Amount < minHourlyRate {
		return errs.Invalid("hourly_rate", "hourly_rate_too_low").With("min", money.New(minHourlyRate, currency).String())
	}
	if limit < 1 || limit > orders.MaxLimitHours {
		return errs.Invalid("weekly_limit_hours", "weekly_limit_invalid").With("max", orders.MaxLimitHours)
	}
	if rate.Amount*int64(limit) > maxAmount {
		return errs.Invalid("weekly_limit_hours", "amount_too_large")
	}
	return nil
}

// insertContract creates an hourly order's contract and its first limit,
// which applies from the start.
func insertContract(ctx context.Context, tx *db.Tx, orderID string, rate money.Money, limit int) error {
	if _, err := tx.Exec(ctx, `INSERT INTO hourly_contracts (order_id, rate, currency, state) VALUES (?, ?, ?, 'active')`,
		orderID, rate.Amount, rate.Currency); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO hourly_limits (order_id, from_week, limit_hours) VALUES (?, 0, ?)`, orderID, limit)
	return err
}
