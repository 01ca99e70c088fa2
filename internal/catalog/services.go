package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"atelier/internal/check"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Listing is a service a freelancer offers (named so beside the domain's
// own Service type).
type Listing struct {
	ID           string      `json:"id"`
	FreelancerID string      `json:"freelancer_id"`
	Freelancer   Seller      `json:"freelancer"`
	Title        string      `json:"title"`
	Description  string      `json:"description"`
	Category     string      `json:"category"`
	Packages     []Package   `json:"packages"`
	MaxQuantity  int         `json:"max_quantity"`
	ProOnly      bool        `json:"pro_only"`
	Status       string      `json:"status"` // active or paused
	Pro          bool        `json:"pro"`
	PriceFrom    money.Money `json:"price_from"`
	DeliveryDays int         `json:"delivery_days"` // of the quickest package
	Rating       Rating      `json:"rating"`
	ReviewsCount int64       `json:"reviews_count"`
	CreatedAt    time.Time   `json:"created_at"`
}

// Seller is the part of a freelancer shown with each service.
type Seller struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Country     string `json:"country"`
	Pro         bool   `json:"pro"`
	Agency      bool   `json:"agency"`
}

// Package is one of a service's offers (basic, standard, premium…).
type Package struct {
	Name         string      `json:"name" check:"required,max=40"`
	Description  string      `json:"description" check:"max=1000"`
	Price        money.Money `json:"price"`
	DeliveryDays int         `json:"delivery_days" check:"min=1,max=365,code=delivery_days_invalid"`
	Revisions    int         `json:"revisions" check:"min=0,max=100,code=revisions_invalid"`
}

// Total is what a quantity of this package costs: quantity × price.
func (p Package) Total(quantity int) money.Money {
	return money.New(p.Price.Amount*int64(quantity), p.Price.Currency)
}

// Choose applies the buying rule of a service: the package exists (by name
// or position) and the quantity is between 1 and the service's maximum. It
// returns the package and its index (0-based). Orders and the service page
// both ask here.
func (l Listing) Choose(ref string, quantity int) (Package, int, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" { // never "the first one": the buyer says which
		return Package{}, -1, errs.Invalid("package", "required")
	}
	idx := -1
	for i, p := range l.Packages {
		if strings.EqualFold(p.Name, ref) || ref == fmt.Sprint(i+1) {
			idx = i
			break
		}
	}
	if idx < 0 {
		return Package{}, -1, errs.Invalid("package", "package_unknown")
	}
	if quantity < 1 || quantity > l.MaxQuantity {
		return Package{}, -1, errs.Invalid("quantity", "quantity_invalid").With("max", l.MaxQuantity)
	}
	if l.Packages[idx].Price.Amount > money.MaxAmount/int64(quantity) { // the total, without overflowing
		return Package{}, -1, errs.Invalid("quantity", "amount_too_large")
	}
	return l.Packages[idx], idx, nil
}

// Offer is what a freelancer writes to create or edit a service.
type Offer struct {
	FreelancerID string    `json:"freelancer_id"`
	Title        string    `json:"title" check:"required,max=120,min=10"`
	Description  string    `json:"description" check:"required,max=10000"`
	Category     string    `json:"category"`
	Packages     []Package `json:"packages" check:"required,max=3,prefix=packages"`
	MaxQuantity  int       `json:"max_quantity"`
	ProOnly      bool      `json:"pro_only"`
}

func (o Offer) validate(currency string) (Offer, error) {
	if err := check.Clean(&o, ""); err != nil {
		return o, err
	}
	if !ValidCategory(o.Category) {
		return o, errs.Invalid("category", "category_unknown")
	}
	if o.MaxQuantity == 0 {
		o.MaxQuantity = 1
	}
	if o.MaxQuantity < 1 || o.MaxQuantity > MaxQuantity {
		return o, errs.Invalid("max_quantity", "max_quantity_invalid").With("max", MaxQuantity)
	}
	names := map[string]bool{}
	for i := range o.Packages {
		p := &o.Packages[i]
		f := fmt.Sprintf("packages[%d].", i)
		if err := check.Clean(p, f); err != nil {
			return o, err
		}
		if names[strings.ToLower(p.Name)] {
			return o, errs.Invalid(f+"name", "package_name_taken")
		}
		names[strings.ToLower(p.Name)] = true
		if p.Price.Currency == "" {
			p.Price.Currency = currency
		}
		p.Price.Currency = strings.ToUpper(p.Price.Currency)
		if err := price(f+"price", p.Price, currency); err != nil {
			return o, err
		}
	}
	return o, nil
}

func (o Offer) minima() (price int64, days int) {
	for i, p := range o.Packages {
		if i == 0 || p.Price.Amount < price {
			price = p.Price.Amount
		}
		if i == 0 || p.DeliveryDays < days {
			days = p.DeliveryDays
		}
	}
	return price, days
}

// MaxQuantity is the most of a service one order may buy, for any service.
const MaxQuantity = 100

// CreateService lists a new service for the actor's freelancer profile. A
// Pro-only service can only be offered by a Pro freelancer.
func (s *Service) CreateService(ctx context.Context, actor users.User, o Offer) (Listing, error) {
	if o.FreelancerID == "" {
		return Listing{}, errs.Invalid("freelancer_id", "required")
	}
	id := db.NewID("svc")
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.owned(ctx, tx, actor, o.FreelancerID)
		if err != nil {
			if e, ok := errs.As(err); ok && e.Kind == errs.KindNotFound {
				return errs.Invalid("freelancer_id", "freelancer_not_found")
			}
			return err
		}
		if o, err = o.validate(f.HourlyRate.Currency); err != nil {
			return err
		}
		if o.ProOnly && !f.Pro {
			return errs.Invalid("pro_only", "pro_required")
		}
		return insertService(ctx, tx, id, f, o, tx.Now)
	})
	if err != nil {
		return Listing{}, err
	}
	s.counts.forget()
	return s.listing(ctx, s.DB, id)
}

func insertService(ctx context.Context, tx *db.Tx, id string, f Freelancer, o Offer, at time.Time) error {
	minPrice, minDays := o.minima()
	if _, err := tx.Exec(ctx, `INSERT INTO services (id, freelancer_id, title, description, category, max_quantity, pro_only, status,
		currency, min_price, min_delivery_days, pro, skills, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)`,
		id, f.ID, o.Title, o.Description, o.Category, o.MaxQuantity, o.ProOnly, f.HourlyRate.Currency, minPrice, minDays,
		f.Pro, strings.Join(f.Skills, " "), db.Micros(at), db.Micros(at)); err != nil {
		return err
	}
	return insertPackages(ctx, tx, id, o.Packages)
}

func insertPackages(ctx context.Context, tx *db.Tx, id string, packages []Package) error {
	for i, p := range packages {
		if _, err := tx.Exec(ctx, `INSERT INTO service_packages (service_id, position, name, description, price, delivery_days, revisions)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, i+1, p.Name, p.Description, p.Price.Amount, p.DeliveryDays, p.Revisions); err != nil {
			return err
		}
	}
	return nil
}

// ownedListing loads a service whose freelancer profile the actor owns.
func (s *Service) ownedListing(ctx context.Context, tx *db.Tx, actor users.User, id string) (Listing, Freelancer, error) {
	l, err := s.listing(ctx, tx, id)
	if err != nil {
		return Listing{}, Freelancer{}, err
	}
	f, err := s.owned(ctx, tx, actor, l.FreelancerID)
	if err != nil {
		return Listing{}, Freelancer{}, errs.Forbidden("not_your_service")
	}
	return l, f, nil
}

// UpdateService replaces a service's offer (its owner only).
func (s *Service) UpdateService(ctx context.Context, actor users.User, id string, o Offer) (Listing, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, f, err := s.ownedListing(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if o.FreelancerID != "" && o.FreelancerID != f.ID { // a service stays with its profile
			return errs.Invalid("freelancer_id", "read_only")
		}
		if o, err = o.validate(f.HourlyRate.Currency); err != nil {
			return err
		}
		if o.ProOnly && !f.Pro {
			return errs.Invalid("pro_only", "pro_required")
		}
		minPrice, minDays := o.minima()
		if _, err := tx.Exec(ctx, `UPDATE services SET title = ?, description = ?, category = ?, max_quantity = ?, pro_only = ?,
			min_price = ?, min_delivery_days = ?, updated_at = ? WHERE id = ?`,
			o.Title, o.Description, o.Category, o.MaxQuantity, o.ProOnly, minPrice, minDays, db.Micros(tx.Now), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM service_packages WHERE service_id = ?`, id); err != nil {
			return err
		}
		return insertPackages(ctx, tx, id, o.Packages)
	})
	if err != nil {
		return Listing{}, err
	}
	s.counts.forget()
	return s.listing(ctx, s.DB, id)
}

// SetPaused pauses a service (hidden from search, cannot be ordered) or
// makes it active again (its owner only).
func (s *Service) SetPaused(ctx context.Context, actor users.User, id string, paused bool) (Listing, error) {
	status := "active"
	if paused {
		status = "paused"
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, _, err := s.ownedListing(ctx, tx, actor, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE services SET status = ?, updated_at = ? WHERE id = ?`, status, db.Micros(tx.Now), id)
		return err
	})
	if err != nil {
		return Listing{}, err
	}
	s.counts.forget()
	return s.listing(ctx, s.DB, id)
}

const listingColumns = `s.id, s.freelancer_id, f.display_name, f.country, f.pro, f.agency, s.title, s.description, s.category,
	s.max_quantity, s.pro_only, s.status, s.pro, s.currency, s.min_price, s.min_delivery_days, s.rating, s.reviews_count, s.created_at`

func scanListing(row interface{ Scan(...any) error }) (Listing, error) {
	var l Listing
	var created int64
	err := row.Scan(&l.ID, &l.FreelancerID, &l.Freelancer.DisplayName, &l.Freelancer.Country, &l.Freelancer.Pro, &l.Freelancer.Agency,
		&l.Title, &l.Description, &l.Category, &l.MaxQuantity, &l.ProOnly, &l.Status, &l.Pro, &l.PriceFrom.Currency,
		&l.PriceFrom.Amount, &l.DeliveryDays, &l.Rating, &l.ReviewsCount, &created)
	if err != nil {
		return Listing{}, db.NoRows(err)
	}
	l.Freelancer.ID = l.FreelancerID
	l.Packages = []Package{}
	l.CreatedAt = stamp(created)
	return l, nil
}

func (s *Service) listing(ctx context.Context, q db.Queryer, id string) (Listing, error) {
	l, err := scanListing(q.QueryRow(ctx, `SELECT `+listingColumns+` FROM services s JOIN freelancers f ON f.id = s.freelancer_id WHERE s.id = ?`, id))
	if errors.Is(err, db.ErrNotFound) {
		return Listing{}, errs.NotFound("service_not_found")
	}
	if err != nil {
		return Listing{}, err
	}
	rows, err := q.Query(ctx, `SELECT name, description, price, delivery_days, revisions FROM service_packages WHERE service_id = ? ORDER BY position`, id)
	if err != nil {
		return Listing{}, err
	}
	defer rows.Close()
	for rows.Next() {
		p := Package{Price: money.Money{Currency: l.PriceFrom.Currency}}
		if err := rows.Scan(&p.Name, &p.Description, &p.Price.Amount, &p.DeliveryDays, &p.Revisions); err != nil {
			return Listing{}, err
		}
		l.Packages = append(l.Packages, p)
	}
	return l, rows.Err()
}

// Listing returns a service with its packages. Paused services are shown
// (with their status) to anyone holding the link.
func (s *Service) Listing(ctx context.Context, id string) (Listing, error) {
	return s.listing(ctx, s.DB, id)
}

// FreelancerServices lists a freelancer's services, newest first; paused
// ones only for their owner.
func (s *Service) FreelancerServices(ctx context.Context, viewer *users.User, freelancerID string, r page.Request) (page.Page[Listing], error) {
	f, err := s.freelancer(ctx, s.DB, freelancerID)
	if err != nil {
		return page.Page[Listing]{}, err
	}
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	q := `SELECT ` + listingColumns + ` FROM services s JOIN freelancers f ON f.id = s.freelancer_id WHERE s.freelancer_id = ? AND s.id < ?`
	if viewer == nil || viewer.ID != f.OwnerID {
		q += ` AND s.status = 'active'`
	}
	list, err := db.Collect(ctx, s.DB, scanListing, q+` ORDER BY s.id DESC LIMIT ?`, freelancerID, after, r.Limit+1)
	if err != nil {
		return page.Page[Listing]{}, err
	}
	return page.Cut(list, r, func(l Listing) string { return l.ID }), nil
}
