// Package demo fills an empty database with a believable marketplace, so a
// newcomer sees everything at once: an operator, a business account with
// its admin, billing manager and member, Pro and non-Pro freelancers and
// agencies across every category, services with packages and reviews.
//
// The people a visitor signs in as are created through the domain services
// (their rules apply); the bulk of the catalog is written with multi-row
// inserts in large transactions, so `atelier demo --services 100000` takes
// seconds, not minutes. Everything is derived from a seed: the same seed
// gives the same marketplace.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/lists"
	"atelier/internal/money"
	"atelier/internal/network"
	"atelier/internal/orders"
	"atelier/internal/orders/resolutions"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// Password is the password of every demo login.
const Password = "atelier-demo"

// Login is a demo person to sign in as.
type Login struct {
	Role  string
	Email string
	Name  string
}

// Options say how big a marketplace to make.
type Options struct {
	Services int    // services in the catalog (300 if zero)
	Seed     uint64 // 1 if zero
}

// Summary is what Fill made.
type Summary struct {
	Logins      []Login
	Freelancers int
	Services    int
	Reviews     int
	Took        time.Duration
}

// Services the demo needs.
type Services struct {
	DB       *db.DB
	Users    *users.Service
	Accounts *accounts.Service
	Catalog  *catalog.Service
	// With these, the demo account also gets its orders, projects and
	// spend (work.go); without them, people and the catalog only.
	Billing     *billing.Service
	Orders      *orders.Service
	Resolutions *resolutions.Service
	Projects    *projects.Service
	// Lists and Network, when given, fill the demo account's lists and
	// freelancer network (collab.go).
	Lists   *lists.Service
	Network *network.Service
}

// ErrNotEmpty is returned when the database already has users.
var ErrNotEmpty = fmt.Errorf("the database is not empty: the demo marketplace is only made in a new database")

// Fill makes the demo marketplace in an empty database.
func Fill(ctx context.Context, s Services, opt Options) (Summary, error) {
	start := time.Now()
	if opt.Services <= 0 {
		opt.Services = 300
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return Summary{}, err
	}
	if n > 0 {
		return Summary{}, ErrNotEmpty
	}
	g := &generator{rnd: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), now: s.DB.Clock.Now()}
	sum := Summary{}
	logins, err := people(ctx, s)
	if err != nil {
		return Summary{}, fmt.Errorf("demo people: %w", err)
	}
	sum.Logins = logins
	if err := g.catalog(ctx, s.DB, opt.Services, &sum); err != nil {
		return Summary{}, fmt.Errorf("demo catalog: %w", err)
	}
	if s.Lists != nil && s.Network != nil {
		if err := collaboration(ctx, s); err != nil {
			return Summary{}, fmt.Errorf("demo collaboration: %w", err)
		}
	}
	// One search index segment, and fresh statistics, so the planner knows
	// the catalog it just got.
	if _, err := s.Catalog.OptimizeIndex(ctx, time.Time{}); err != nil {
		return Summary{}, err
	}
	if err := s.DB.Analyze(ctx); err != nil {
		return Summary{}, err
	}
	sum.Took = time.Since(start)
	return sum, nil
}

// people creates the demo logins through the domain, so they are exactly
// what a real sign-up, invitation and vetting would make.
func people(ctx context.Context, s Services) ([]Login, error) {
	logins := []Login{
		{"operator", "operator@atelier.test", "Olivia Operator"},
		{"account admin", "admin@northwind.test", "Adam Admin"},
		{"billing manager", "billing@northwind.test", "Bella Billing"},
		{"member", "member@northwind.test", "Milo Member"},
		{"freelancer", "freelancer@atelier.test", "Fanny Freelance"},
	}
	op, err := s.Users.CreateOperator(ctx, users.NewUser{Email: logins[0].Email, Password: Password, Name: logins[0].Name})
	if err != nil {
		return nil, err
	}
	var people []users.User
	for _, l := range logins[1:] {
		u, err := s.Users.SignUpVerified(ctx, users.NewUser{Email: l.Email, Password: Password, Name: l.Name})
		if err != nil {
			return nil, err
		}
		people = append(people, u)
	}
	admin, billing, member, freelancer := people[0], people[1], people[2], people[3]
	acc, err := s.Accounts.Create(ctx, admin, "Northwind Labs", "USD")
	if err != nil {
		return nil, err
	}
	for _, m := range []struct {
		u    users.User
		role accounts.Role
	}{{billing, accounts.BillingManager}, {member, accounts.Member}} {
		inv, err := s.Accounts.Invite(ctx, admin, acc.ID, m.u.Email, m.role)
		if err != nil {
			return nil, err
		}
		if _, err := s.Accounts.AcceptInvitation(ctx, m.u, inv.ID); err != nil {
			return nil, err
		}
	}
	usd := func(a int64) *money.Money { m := money.New(a, "USD"); return &m }
	if _, err := s.Accounts.SetPolicies(ctx, admin, acc.ID, accounts.Policies{
		InvitationApproval: true, OrderApprovalThreshold: usd(100000), MemberMonthlyLimit: usd(500000),
	}); err != nil {
		return nil, err
	}
	// A member's invitation waiting for the admin, to see the approval flow.
	if _, err := s.Accounts.Invite(ctx, member, acc.ID, "new.colleague@northwind.test", accounts.Member); err != nil {
		return nil, err
	}

	f, err := s.Catalog.CreateFreelancer(ctx, freelancer, catalog.Profile{
		DisplayName: "Studio Lumen", Headline: "Brand and web design studio for B2B companies",
		Bio:    "Studio Lumen is a team of four designers and developers in Lyon. We build brands and websites for software companies, from the first logo sketch to the launch.",
		Skills: []string{"branding", "logo design", "Figma", "web design", "React"}, Languages: []string{"French", "English"},
		Country: "FR", HourlyRate: money.New(9500, "USD"), Agency: true,
	})
	if err != nil {
		return nil, err
	}
	app, err := s.Catalog.ApplyForPro(ctx, freelancer, f.ID, "Eight years of brand work for SaaS companies; portfolio at studio-lumen.example.")
	if err != nil {
		return nil, err
	}
	if _, err := s.Catalog.ApproveProApplication(ctx, op, app.ID); err != nil {
		return nil, err
	}
	var listings []catalog.Listing
	for _, o := range []catalog.Offer{
		{FreelancerID: f.ID, Title: "Complete brand identity for your B2B software company", Category: "graphics-design", MaxQuantity: 3, ProOnly: true,
			Description: "Logo, colour palette, typography and a 20-page brand book, designed with your team in three workshops. Every file in vector formats.",
			Packages: []catalog.Package{
				{Name: "Basic", Description: "Logo and palette", Price: money.New(90000, "USD"), DeliveryDays: 10, Revisions: 2},
				{Name: "Standard", Description: "Logo, palette, typography, business cards", Price: money.New(180000, "USD"), DeliveryDays: 14, Revisions: 3},
				{Name: "Premium", Description: "Full identity and brand book", Price: money.New(350000, "USD"), DeliveryDays: 21, Revisions: 5},
			}},
		{FreelancerID: f.ID, Title: "Landing page design and build in React", Category: "programming-tech", MaxQuantity: 5,
			Description: "A fast, accessible landing page designed in Figma and built in React, connected to your analytics and CRM.",
			Packages: []catalog.Package{
				{Name: "Basic", Description: "One section, your copy", Price: money.New(40000, "USD"), DeliveryDays: 5, Revisions: 1},
				{Name: "Standard", Description: "Full page, five sections", Price: money.New(120000, "USD"), DeliveryDays: 10, Revisions: 2},
			}},
		{FreelancerID: f.ID, Title: "Logo refresh for an established brand", Category: "graphics-design", MaxQuantity: 10,
			Description: "We modernise your existing logo while keeping what your customers recognise. Includes a one-page usage guide.",
			Packages: []catalog.Package{
				{Name: "Basic", Description: "Two concepts", Price: money.New(25000, "USD"), DeliveryDays: 4, Revisions: 2},
			}},
	} {
		l, err := s.Catalog.CreateService(ctx, freelancer, o)
		if err != nil {
			return nil, err
		}
		listings = append(listings, l)
	}
	// A freelancer waiting for vetting, for the operator's queue.
	waiting, err := s.Users.SignUpVerified(ctx, users.NewUser{Email: "applicant@atelier.test", Password: Password, Name: "Andrés Applicant"})
	if err != nil {
		return nil, err
	}
	wf, err := s.Catalog.CreateFreelancer(ctx, waiting, catalog.Profile{DisplayName: "Andrés Ortega", Headline: "Motion designer",
		Skills: []string{"After Effects", "motion graphics"}, Languages: []string{"Spanish", "English"}, Country: "ES", HourlyRate: money.New(6000, "USD")})
	if err != nil {
		return nil, err
	}
	if _, err := s.Catalog.ApplyForPro(ctx, waiting, wf.ID, "Motion design for fintech brands since 2017."); err != nil {
		return nil, err
	}
	if s.Orders != nil && s.Resolutions != nil && s.Projects != nil && s.Billing != nil {
		if err := work(ctx, s, team{op: op, admin: admin, member: member, freelancer: freelancer, account: acc, studio: f, services: listings,
			viewed: []string{f.ID, wf.ID}}); err != nil {
			return nil, fmt.Errorf("demo orders and projects: %w", err)
		}
	}
	return logins, nil
}

type generator struct {
	rnd *rand.Rand
	now time.Time
}

func (g *generator) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// catalog writes n services for n/5 freelancers, with packages and reviews.
func (g *generator) catalog(ctx context.Context, d *db.DB, n int, sum *Summary) error {
	nf := max(10, n/5)
	span := 730 * 24 * time.Hour
	// Freelancers (and the users who own them) first.
	sellers, err := g.freelancers(ctx, d, nf, span)
	if err != nil {
		return err
	}
	sum.Freelancers = nf

	// Services, their packages and reviews.
	slot := (span / time.Duration(2*n)).Microseconds()
	for start := 0; start < n; start += demoBatch {
		end := min(start+demoBatch, n)
		var svcRows, pkgRows, revRows [][]any
		for i := start; i < end; i++ {
			s := sellers[i%nf]
			v := vocabulary[s.cat]
			if g.rnd.IntN(4) == 0 { // some sellers work across categories
				v = vocabulary[g.rnd.IntN(len(vocabulary))]
			}
			a, b := g.pick(v.a), g.pick(v.b)
			title := strings.NewReplacer("{a}", a, "{A}", capitalize(a), "{b}", b).Replace(g.pick(v.titles))
			desc := strings.Join([]string{g.pick(descriptionParts[0]), g.pick(descriptionParts[1]), g.pick(descriptionParts[2])}, " ")
			id := db.NewID("svc")
			at := db.Micros(g.now.Add(-span/2 + time.Duration(i)*span/time.Duration(2*n)))

			// Prices: log-uniform in the category's range, rounded to $5.
			lo, hi := math.Log(float64(v.minPrice)), math.Log(float64(v.maxPrice))
			basic := int64(math.Exp(lo+g.rnd.Float64()*(hi-lo))/500) * 500
			basic = max(basic, 500)
			days := 2 + g.rnd.IntN(6)
			npk := []int{3, 3, 3, 3, 3, 3, 3, 2, 2, 1}[g.rnd.IntN(10)]
			names := []string{"Basic", "Standard", "Premium"}
			mult := []float64{1, 2 + g.rnd.Float64()/2, 4 + g.rnd.Float64()}
			for p := 0; p < npk; p++ {
				price := int64(float64(basic)*mult[p]/500) * 500
				pkgRows = append(pkgRows, []any{id, p + 1, names[p], packageBlurb(p), price, days + 3*p, 1 + 2*p})
			}
			// Reviews: most services have a few, mostly good.
			var rsum, rcount int64
			for r := 0; r < []int{0, 0, 1, 2, 2, 3, 4, 5, 6, 8}[g.rnd.IntN(10)]; r++ {
				rating := []int{5, 5, 5, 5, 5, 5, 4, 4, 4, 3}[g.rnd.IntN(10)]
				if g.rnd.IntN(40) == 0 {
					rating = 1 + g.rnd.IntN(2)
				}
				rsum += int64(rating)
				rcount++
				// Within the service's time slot, so review dates follow their ids.
				revRows = append(revRows, []any{db.NewID("rev"), id, s.id, g.pick(reviewers), rating, g.pick(reviewTexts), at + int64(r+1)*slot/10})
			}
			rating := 0
			if rcount > 0 {
				rating = int((rsum*100 + rcount/2) / rcount)
			}
			maxQty := []int{1, 1, 5, 5, 10, 20}[g.rnd.IntN(6)]
			proOnly := s.pro && g.rnd.IntN(5) == 0
			svcRows = append(svcRows, []any{id, s.id, title, desc, v.slug, maxQty, proOnly, "active", s.currency, basic, days,
				s.pro, strings.Join(s.skills, " "), rating, rcount, rsum, at, at})
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := tx.InsertMany(ctx, "services", []string{"id", "freelancer_id", "title", "description", "category", "max_quantity",
				"pro_only", "status", "currency", "min_price", "min_delivery_days", "pro", "skills", "rating", "reviews_count", "rating_sum",
				"created_at", "updated_at"}, svcRows); err != nil {
				return err
			}
			if err := tx.InsertMany(ctx, "service_packages", []string{"service_id", "position", "name", "description", "price",
				"delivery_days", "revisions"}, pkgRows); err != nil {
				return err
			}
			return tx.InsertMany(ctx, "reviews", []string{"id", "service_id", "freelancer_id", "author_name", "rating", "body", "created_at"}, revRows)
		})
		if err != nil {
			return err
		}
		sum.Services += end - start
		sum.Reviews += len(revRows)
	}
	// The freelancers' ratings follow from their services' reviews.
	_, err = d.Exec(ctx, `UPDATE freelancers SET
		rating_sum = (SELECT COALESCE(SUM(r.rating), 0) FROM reviews r WHERE r.freelancer_id = freelancers.id),
		reviews_count = (SELECT COUNT(*) FROM reviews r WHERE r.freelancer_id = freelancers.id)`)
	return err
}

// seller is a demo freelancer as the services are made for it.
type seller struct {
	id, currency string
	pro          bool
	skills       []string
	cat          int
}

// demoBatch is how many rows one insert writes.
const demoBatch = 2000

// freelancers writes nf freelancers and the users who own them, spread
// over span.
func (g *generator) freelancers(ctx context.Context, d *db.DB, nf int, span time.Duration) ([]*seller, error) {
	sellers := make([]*seller, nf)
	for start := 0; start < nf; start += demoBatch {
		end := min(start+demoBatch, nf)
		var userRows, frRows [][]any
		for i := start; i < end; i++ {
			cat := i % len(vocabulary)
			v := vocabulary[cat]
			uid := db.NewID("usr")
			agency := g.rnd.IntN(5) == 0
			name := g.pick(firstNames) + " " + g.pick(lastNames)
			if agency {
				name = g.pick(agencyNames) + " " + g.pick(agencyWords)
			}
			skills := []string{}
			for _, k := range g.rnd.Perm(len(v.skills))[:3+g.rnd.IntN(3)] {
				skills = append(skills, v.skills[k])
			}
			s := &seller{id: db.NewID("frl"), currency: "USD", pro: g.rnd.IntN(10) < 4, skills: skills, cat: cat}
			if g.rnd.IntN(6) == 0 {
				s.currency = "EUR"
			}
			sellers[i] = s
			at := db.Micros(g.now.Add(-span + time.Duration(i)*span/time.Duration(2*nf)))
			userRows = append(userRows, []any{uid, fmt.Sprintf("seller%d@demo.atelier.test", i+1), name, "!", at})
			rate := (v.minPrice/100 + int64(g.rnd.IntN(120))) * 100
			langs := languageSets[g.rnd.IntN(len(languageSets))]
			bio := fmt.Sprintf("%s. %s %s", g.pick(v.headlines), g.pick(descriptionParts[0]), g.pick(descriptionParts[1]))
			var proSince any
			if s.pro {
				proSince = at
			}
			frRows = append(frRows, []any{s.id, uid, name, g.pick(v.headlines), bio, jsonList(skills), jsonList(langs), g.pick(countries),
				rate, s.currency, agency, s.pro, proSince, at})
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := tx.InsertMany(ctx, "users", []string{"id", "email", "name", "password_hash", "created_at"}, userRows); err != nil {
				return err
			}
			return tx.InsertMany(ctx, "freelancers", []string{"id", "owner_id", "display_name", "headline", "bio", "skills", "languages",
				"country", "hourly_rate", "currency", "agency", "pro", "pro_since", "created_at"}, frRows)
		})
		if err != nil {
			return nil, err
		}
	}
	return sellers, nil
}

func packageBlurb(p int) string {
	return []string{"The essentials, delivered fast", "The most popular choice, with more included", "Everything, with priority support"}[p]
}

func jsonList(v []string) string {
	b, _ := json.Marshal(v)
	return string(b)
}
