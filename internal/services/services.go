// Package services builds Atelier's domain services once, wired to each
// other: the app serves them through the API and the pages (both embed
// Services), and the domain tests use the same wiring (domaintest).
package services

import (
	"log/slog"
	"slices"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/dashboard"
	"atelier/internal/db"
	"atelier/internal/jobs"
	"atelier/internal/lists"
	"atelier/internal/network"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/orders/approvals"
	"atelier/internal/orders/hourly"
	"atelier/internal/orders/offers"
	"atelier/internal/orders/resolutions"
	"atelier/internal/orders/reviews"
	"atelier/internal/orders/sharing"
	"atelier/internal/payments"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// Services are the domain services.
type Services struct {
	Users       *users.Service
	Notify      *notify.Service
	Accounts    *accounts.Service
	Catalog     *catalog.Service
	Billing     *billing.Service
	Orders      *orders.Service
	Reviews     *reviews.Service
	Sharing     *sharing.Service
	Approvals   *approvals.Service
	Offers      *offers.Service
	Resolutions *resolutions.Service
	Hourly      *hourly.Service
	Projects    *projects.Service
	Dashboard   *dashboard.Service
	Lists       *lists.Service
	Network     *network.Service
}

// Config is what the services are built with.
type Config struct {
	Provider        payments.Provider // who charges cards: the built-in test provider when nil
	Billing         billing.Config    // the money rules
	ManagementFeeBP int64             // the project management fee (projects.DefaultFeeBP when 0)
	Log             *slog.Logger
}

// New builds the services on d.
func New(d *db.DB, cfg Config) Services {
	if cfg.Provider == nil {
		cfg.Provider = payments.NewTest()
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := Services{Users: &users.Service{DB: d}, Notify: &notify.Service{DB: d}, Accounts: &accounts.Service{DB: d}, Catalog: &catalog.Service{DB: d, Log: cfg.Log},
		Lists: &lists.Service{DB: d}, Network: &network.Service{DB: d}}
	s.Billing = &billing.Service{DB: d, Provider: cfg.Provider, Config: cfg.Billing, Log: cfg.Log}
	s.Orders = &orders.Service{DB: d, Billing: s.Billing, Catalog: s.Catalog}
	s.Reviews = &reviews.Service{DB: d, Orders: s.Orders}
	s.Sharing = &sharing.Service{DB: d, Orders: s.Orders}
	s.Offers = &offers.Service{DB: d, Billing: s.Billing, Catalog: s.Catalog, Orders: s.Orders}
	s.Approvals = &approvals.Service{DB: d, Billing: s.Billing, Orders: s.Orders}
	s.Resolutions = &resolutions.Service{DB: d, Billing: s.Billing, Orders: s.Orders, Approvals: s.Approvals}
	s.Hourly = &hourly.Service{DB: d, Billing: s.Billing, Orders: s.Orders, Approvals: s.Approvals}
	s.Approvals.Carry = map[approvals.CommitKind]approvals.Carry{approvals.CommitScopeChange: s.Resolutions.CarryScope, approvals.CommitHourlyLimit: s.Hourly.CarryLimit}
	s.Projects = &projects.Service{DB: d, Orders: s.Orders, Billing: s.Billing, Catalog: s.Catalog, FeeBP: cfg.ManagementFeeBP}
	s.Orders.Projects = s.Projects.CanAttach
	s.Dashboard = &dashboard.Service{DB: d, Notify: s.Notify, Accounts: s.Accounts, Catalog: s.Catalog, Billing: s.Billing, Orders: s.Orders, Projects: s.Projects}
	return s
}

// Timers are every service's timers, for the job runner.
func (s Services) Timers() []jobs.Timer {
	return slices.Concat(s.Users.Timers(), s.Accounts.Timers(), s.Billing.Timers(), s.Orders.Timers(), s.Reviews.Timers(), s.Offers.Timers(), s.Resolutions.Timers(), s.Hourly.Timers(), s.Projects.Timers(), s.Catalog.Timers())
}
