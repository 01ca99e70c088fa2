package e2e

import (
	"context"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/demo"
)

// The demo admin's dashboard, in a real browser, shows every section
// filled: the spend chart with its 12 months, rewards, active orders and
// projects, the approvals waiting, recently viewed profiles and the
// activity; the project page shows its budget bar and manager, and a
// member confirms the manager's proposed order from it.
func TestDemoDashboardAndProject(t *testing.T) {
	t.Parallel()
	chromium(t)
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		srv := start(t, e)
		a := srv.App
		if _, err := demo.Fill(context.Background(), demo.Services{DB: a.DB, Users: a.Users, Accounts: a.Accounts, Catalog: a.Catalog,
			Billing: a.Billing, Orders: a.Orders, Resolutions: a.Resolutions, Projects: a.Projects}, demo.Options{Services: 60}); err != nil {
			t.Fatal(err)
		}
		browser := newBrowser(t)
		adam := srv.person(t, browser, "Adam")
		adam.signIn("admin@northwind.test", demo.Password)
		adam.open("/")
		adam.sees("Spend per month — Northwind Labs", "Active orders", "Active projects", "Website relaunch", "Spring product launch",
			"Recently viewed", "Studio Lumen", "Waiting for your approval")
		if n := adam.count(".spend-chart .month"); n != 12 {
			t.Fatalf("the chart has %d months", n)
		}
		if n := adam.count(".spend-chart .bar[height='0']"); n > 2 {
			t.Fatalf("%d months of the chart are empty", n)
		}
		if n := adam.count("[id^='active-ord_']"); n < 2 {
			t.Fatalf("%d active orders", n)
		}
		adam.screenshot("demo-dashboard")
		adam.click(".project-card:last-child h3 a")
		adam.sees("Website relaunch", "Spend against budget", "Olivia Operator manages this project", "Proposed orders")
		adam.screenshot("project")

		milo := srv.person(t, browser, "Milo")
		milo.signIn("member@northwind.test", demo.Password)
		milo.open("/")
		milo.click(".project-card:last-child h3 a")
		milo.sees("Proposed orders", "Logo refresh for an established brand")
		milo.click("[id^='proposal-'] form[action$='/confirm'] button")
		milo.sees("Logo refresh for an established brand")
	})
}
