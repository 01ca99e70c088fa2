// Package dashboard assembles a signed-in person's home (PRODUCT.md §7):
// their activity feed, recently viewed freelancers, the open orders and
// projects of their accounts, the orders waiting for their approval when
// they are an admin, and — for one account, their first unless they choose
// — its spend per month over the last 12 months and its rewards progress.
//
// It decides nothing itself: every part comes from the domain that owns it,
// through the call that applies that domain's rules to the person, so the
// dashboard shows exactly what they could open one by one.
package dashboard

import (
	"context"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// Service builds dashboards.
type Service struct {
	DB       *db.DB
	Accounts *accounts.Service
	Catalog  *catalog.Service
	Billing  *billing.Service
	Orders   *orders.Service
	Projects *projects.Service
	Notify   *notify.Service
}

// Sizes of the dashboard's lists.
const (
	ActivityShown = 10
	RecentShown   = 6
	OrdersShown   = 10
)

// Dashboard is one person's home.
type Dashboard struct {
	Activity         []notify.Notification `json:"activity"`
	RecentlyViewed   []catalog.Freelancer  `json:"recently_viewed"`
	ActiveOrders     []orders.Order        `json:"active_orders"`
	ActiveProjects   []projects.Project    `json:"active_projects"`
	PendingApprovals []orders.Order        `json:"pending_approvals"`
	// Account is the account the chart and the rewards are of ("" when
	// the person belongs to none); Accounts are all of theirs.
	Account      *accounts.Account    `json:"account"`
	Accounts     []accounts.Account   `json:"accounts"`
	SpendByMonth []billing.MonthSpend `json:"spend_by_month"`
	Rewards      *billing.Rewards     `json:"rewards"`
}

// Get builds the dashboard of actor; accountID picks the account of the
// chart and rewards (one of theirs, else 404), "" their first.
func (s *Service) Get(ctx context.Context, actor users.User, accountID string) (Dashboard, error) {
	d := Dashboard{ActiveOrders: []orders.Order{}, PendingApprovals: []orders.Order{}, SpendByMonth: []billing.MonthSpend{}}
	var err error
	if d.Accounts, err = s.Accounts.ForUser(ctx, actor); err != nil {
		return Dashboard{}, err
	}
	for i, a := range d.Accounts {
		if accountID == "" && i == 0 || a.ID == accountID {
			d.Account = &d.Accounts[i]
		}
	}
	if accountID != "" && d.Account == nil {
		return Dashboard{}, errs.NotFound("account_not_found")
	}
	notes, err := s.Notify.List(ctx, actor.ID, page.Request{Limit: ActivityShown})
	if err != nil {
		return Dashboard{}, err
	}
	d.Activity = notes.Items
	if d.Activity == nil {
		d.Activity = []notify.Notification{}
	}
	if d.RecentlyViewed, err = s.Catalog.RecentlyViewed(ctx, actor, RecentShown); err != nil {
		return Dashboard{}, err
	}
	// Active orders: only as many as are still to show, across accounts.
	for _, a := range d.Accounts {
		if left := OrdersShown - len(d.ActiveOrders); left > 0 {
			running, err := s.Orders.AccountOrders(ctx, actor, a.ID, orders.Filter{Status: "running"}, page.Request{Limit: left})
			if err != nil {
				return Dashboard{}, err
			}
			d.ActiveOrders = append(d.ActiveOrders, running.Items...)
		}
		if a.Role.Can(accounts.ApproveOrders) {
			wait, err := s.Orders.PendingApprovals(ctx, actor, a.ID, page.Request{Limit: OrdersShown})
			if err != nil {
				return Dashboard{}, err
			}
			d.PendingApprovals = append(d.PendingApprovals, wait.Items...)
		}
	}
	if d.ActiveProjects, err = s.Projects.Mine(ctx, actor); err != nil {
		return Dashboard{}, err
	}
	if d.Account != nil {
		if d.SpendByMonth, err = s.Billing.SpendByMonth(ctx, s.DB, d.Account.ID); err != nil {
			return Dashboard{}, err
		}
		r, err := s.Billing.Rewards(ctx, actor, d.Account.ID)
		if err != nil {
			return Dashboard{}, err
		}
		d.Rewards = &r
	}
	return d, nil
}
