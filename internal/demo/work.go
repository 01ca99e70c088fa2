package demo

import (
	"context"
	"time"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/orders/resolutions"
	"atelier/internal/projects"
	"atelier/internal/users"
)

// team is who the demo account's work is done by.
type team struct {
	op, admin, member, freelancer users.User
	account                       accounts.Account
	studio                        catalog.Freelancer
	services                      []catalog.Listing // brand identity, landing page, logo refresh
	viewed                        []string          // profiles the admin looked at
}

// pastOrders are the completed orders that give the spend chart its past
// months: months ago, service (index in team.services), package, quantity.
var pastOrders = []struct {
	monthsAgo, service int
	pkg                string
	quantity           int
}{
	{10, 2, "Basic", 2}, {9, 1, "Basic", 1}, {8, 2, "Basic", 3}, {7, 0, "Basic", 1}, {6, 1, "Standard", 1},
	{5, 2, "Basic", 4}, {4, 1, "Basic", 2}, {3, 0, "Standard", 1}, {2, 2, "Basic", 2}, {1, 1, "Standard", 1},
}

// work gives the demo account what its dashboard shows: featured projects,
// a project with members, a project manager and a proposal, orders in
// several states (active, delivered, completed, waiting for approval),
// spend over the past months, notifications and recently viewed profiles.
//
// Everything goes through the domain services, with the rules of a real
// account — with one exception, written here so no one is misled: the
// completed orders of the past months are made today and then back-dated
// (their spend rows, their dates and their timeline moved back by whole
// months with plain UPDATEs), because a marketplace cannot be made to have
// existed last year. Their invoices keep today's date and their numbers.
func work(ctx context.Context, s Services, t team) error {
	if _, err := s.Billing.AddCard(ctx, t.admin, t.account.ID, "tok_visa"); err != nil {
		return err
	}
	place := func(buyer users.User, service int, pkg string, quantity int, project string) (orders.Order, error) {
		return s.Orders.Place(ctx, buyer, orders.NewOrder{AccountID: t.account.ID, ServiceID: t.services[service].ID, Package: pkg,
			Quantity: quantity, ProjectID: project, Requirements: "Our brand guidelines and goals are attached in the first message."}, "")
	}
	complete := func(o orders.Order) error {
		if _, err := s.Orders.Deliver(ctx, t.freelancer, o.ID, "Here is the delivery; every file is in the shared folder.", nil); err != nil {
			return err
		}
		_, err := s.Orders.Accept(ctx, t.admin, o.ID)
		return err
	}

	// The past: completed orders spread over the last months.
	now := s.DB.Clock.Now()
	for _, p := range pastOrders {
		o, err := place(t.admin, p.service, p.pkg, p.quantity, "")
		if err != nil {
			return err
		}
		if err := complete(o); err != nil {
			return err
		}
		if err := backdate(ctx, s.DB, o.ID, now.Sub(now.AddDate(0, -p.monthsAgo, 0))); err != nil {
			return err
		}
	}

	// The gallery of featured projects.
	usd := func(a int64) money.Money { return money.New(a, "USD") }
	var featured []projects.Featured
	for _, f := range []projects.NewFeatured{
		{Title: "Product launch campaign", Type: "marketing_campaign", Budget: usd(600000),
			Brief: "Product and launch date:\nAudience:\nChannels (ads, e-mail, social):\nWhat success looks like:"},
		{Title: "Brand refresh", Type: "branding", Budget: usd(450000),
			Brief: "What the brand stands for today:\nWhat must stay:\nDeliverables: logo, palette, typography, brand book"},
		{Title: "Marketing website", Type: "website", Budget: usd(800000),
			Brief: "Pages:\nContent ready or to write:\nIntegrations (CRM, analytics):\nLaunch date:"},
	} {
		fp, err := s.Projects.CreateFeatured(ctx, t.op, f)
		if err != nil {
			return err
		}
		featured = append(featured, fp)
	}

	// Today: a project with its orders, members and a project manager.
	p, err := s.Projects.Create(ctx, t.admin, t.account.ID, projects.NewProject{Name: "Website relaunch", Type: "website",
		Brief: "A new marketing site for the spring launch: brand identity first, then a landing page and five product pages.", Budget: usd(1000000)})
	if err != nil {
		return err
	}
	if _, err := s.Projects.AddMember(ctx, t.admin, p.ID, t.member.ID); err != nil {
		return err
	}
	if _, err := place(t.admin, 0, "Standard", 1, p.ID); err != nil { // active
		return err
	}
	landing, err := place(t.admin, 1, "Basic", 1, p.ID)
	if err != nil {
		return err
	}
	if _, err := s.Orders.Deliver(ctx, t.freelancer, landing.ID, "First version of the landing page, ready for your review.", nil); err != nil {
		return err
	}
	if _, err := place(t.member, 0, "Premium", 1, p.ID); err != nil { // above the threshold: waits for the admin
		return err
	}
	// A price raise the member accepted, above the threshold: it waits in
	// the admin's approvals queue with nothing charged.
	raisedTo := usd(150000)
	logo, err := place(t.member, 2, "Basic", 1, p.ID)
	if err != nil {
		return err
	}
	raise, _, err := s.Resolutions.OpenRequest(ctx, t.freelancer, logo.ID, resolutions.NewRequest{Kind: orders.RequestChangeScope,
		Message: "Adding the icon set and the favicon you asked for in the brief.", Price: &raisedTo})
	if err != nil {
		return err
	}
	if _, err := s.Resolutions.AcceptRequest(ctx, t.member, logo.ID, raise.ID, ""); err != nil {
		return err
	}
	if _, err := s.Projects.RequestManager(ctx, t.member, p.ID); err != nil {
		return err
	}
	if _, err := s.Projects.AssignManager(ctx, t.op, p.ID, t.op.ID); err != nil {
		return err
	}
	if _, err := s.Orders.Message(ctx, t.op, landing.ID, "Hello, I manage this project for Northwind: could the hero section use the new palette?", nil); err != nil {
		return err
	}
	if _, err := s.Projects.Propose(ctx, t.op, p.ID, projects.NewProposal{ServiceID: t.services[2].ID, Package: "Basic", Quantity: 1,
		Note: "A refreshed logo would make the new site consistent."}); err != nil {
		return err
	}
	if _, err := s.Projects.StartFromFeatured(ctx, t.member, featured[0].ID, t.account.ID, "Spring product launch"); err != nil {
		return err
	}

	// The admin looked at a few profiles.
	for _, id := range t.viewed {
		if _, err := s.Catalog.Freelancer(ctx, &t.admin, id); err != nil {
			return err
		}
	}
	return nil
}

// backdate moves an order made today back by d: its dates, its timeline
// and the spend it recorded (see work).
func backdate(ctx context.Context, d *db.DB, orderID string, by time.Duration) error {
	us := by.Microseconds()
	return d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE orders SET created_at = created_at - ?, started_at = started_at - ?, due_at = due_at - ?,
			delivered_at = delivered_at - ?, auto_complete_at = auto_complete_at - ?, completed_at = completed_at - ?,
			reviews_public_at = reviews_public_at - ? WHERE id = ?`, us, us, us, us, us, us, us, orderID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE order_events SET at = at - ? WHERE order_id = ?`, us, orderID); err != nil {
			return err
		}
		return billing.ShiftSpend(ctx, tx, orderID, by)
	})
}
