package demo_test

import (
	"context"
	"errors"
	"testing"

	"io"
	"log/slog"

	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/demo"
	"atelier/internal/page"
	"atelier/internal/services"
	"atelier/internal/users"
)

func TestDemoMarketplace(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		d := dbtest.Open(t, e, nil)
		all := services.New(d, services.Config{Billing: billing.DefaultConfig(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		s := demo.Services{DB: d, Users: all.Users, Accounts: all.Accounts, Catalog: all.Catalog, Billing: all.Billing, Orders: all.Orders,
			Resolutions: all.Resolutions, Projects: all.Projects}
		dash := all.Dashboard
		sum, err := demo.Fill(ctx, s, demo.Options{Services: 400})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Services != 400 || sum.Freelancers != 80 || sum.Reviews == 0 || len(sum.Logins) != 5 {
			t.Fatalf("summary %+v", sum)
		}
		// Every demo login signs in, and the admin runs a real account.
		for _, l := range sum.Logins {
			_, u, err := s.Users.SignIn(ctx, users.Credentials{Email: l.Email, Password: demo.Password}, users.WebSession, users.Client{})
			if err != nil {
				t.Fatalf("%s: %v", l.Email, err)
			}
			if l.Role == "account admin" {
				list, _ := s.Accounts.ForUser(ctx, u)
				members, _ := s.Accounts.Members(ctx, u, list[0].ID, page.Request{})
				if len(list) != 1 || len(members.Items) != 3 {
					t.Fatalf("admin's account %+v with %d members", list, len(members.Items))
				}
				// Every section of the admin's dashboard is filled.
				db, err := dash.Get(ctx, u, "")
				if err != nil {
					t.Fatal(err)
				}
				pastMonths := 0
				for _, m := range db.SpendByMonth[:11] {
					if m.Amount.Amount > 0 {
						pastMonths++
					}
				}
				if len(db.Activity) == 0 || len(db.RecentlyViewed) == 0 || len(db.ActiveOrders) < 2 || len(db.ActiveProjects) < 2 ||
					len(db.PendingApprovals) == 0 || pastMonths < 6 || db.Rewards == nil || db.Rewards.Spend12m.Amount == 0 {
					t.Fatalf("the demo admin's dashboard: %d activity, %d viewed, %d active orders, %d projects, %d approvals, %d past months of spend, rewards %+v",
						len(db.Activity), len(db.RecentlyViewed), len(db.ActiveOrders), len(db.ActiveProjects), len(db.PendingApprovals), pastMonths, db.Rewards)
				}
				if p := db.ActiveProjects[len(db.ActiveProjects)-1]; p.Spent.Amount == 0 || p.Manager.Status != "assigned" {
					t.Fatalf("the demo project %+v", p)
				}
			}
		}
		// The catalog is searchable in every category, with ratings and Pro sellers.
		for _, c := range catalog.Categories {
			r, err := s.Catalog.Search(ctx, catalog.Search{Category: c})
			if err != nil || r.Total == 0 {
				t.Fatalf("category %s: %d services (%v)", c, r.Total, err)
			}
		}
		r, _ := s.Catalog.Search(ctx, catalog.Search{Q: "logo"})
		if r.Total == 0 || r.Items[0].PriceFrom.Amount <= 0 {
			t.Fatalf("search logo: %+v", r.Total)
		}
		pro, _ := s.Catalog.Search(ctx, catalog.Search{ProOnly: true, Sort: "rating"})
		if pro.Total == 0 || pro.Items[0].Rating == 0 {
			t.Fatalf("pro services: %d, best rating %v", pro.Total, pro.Items[0].Rating)
		}
		// Ratings agree with the review rows.
		var mismatched int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM freelancers f WHERE f.reviews_count <> (SELECT COUNT(*) FROM reviews r WHERE r.freelancer_id = f.id)`).Scan(&mismatched)
		if mismatched != 0 {
			t.Fatalf("%d freelancers' review counts disagree with their reviews", mismatched)
		}
		if _, err := demo.Fill(ctx, s, demo.Options{}); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second fill: %v", err)
		}
	})
}
