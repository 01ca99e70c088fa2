package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/money"
	"atelier/internal/orders"
)

// The order story of PRODUCT.md §2 and §6 in a browser: a member orders
// 2 × a package above the account's approval threshold; the admin
// approves it from her queue; the freelancer delivers with a file; the
// member asks for a revision; the freelancer delivers again; three days
// later (on the test clock) the order has completed by itself, and the
// member reviews the freelancer.
func TestMemberOrdersAdminApprovesFreelancerDeliversOrderCompletes(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		ctx := context.Background()
		a := srv.App

		// Alice runs Acme Studio (USD, a card on file, orders above 500.00
		// need her approval); Bob is a member. Fanny sells brand identities.
		alice, bob, fanny := srv.signUp(t, "Alice Martin", "alice@example.com"), srv.signUp(t, "Bob Dupont", "bob@example.com"), srv.signUp(t, "Fanny Moreau", "fanny@example.com")
		acc, err := a.Accounts.Create(ctx, alice, "Acme Studio", "USD")
		if err != nil {
			t.Fatal(err)
		}
		srv.join(t, alice, acc.ID, bob)
		if _, err := a.Billing.AddCard(ctx, alice, acc.ID, "tok_visa"); err != nil {
			t.Fatal(err)
		}
		threshold := money.New(50000, "USD")
		if _, err := a.Accounts.SetPolicies(ctx, alice, acc.ID, accounts.Policies{OrderApprovalThreshold: &threshold}); err != nil {
			t.Fatal(err)
		}
		studio, err := a.Catalog.CreateFreelancer(ctx, fanny, catalog.Profile{DisplayName: "Fanny Studio", Headline: "Brand identities for startups",
			Country: "FR", HourlyRate: money.New(8000, "USD")})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := a.Catalog.CreateService(ctx, fanny, catalog.Offer{FreelancerID: studio.ID, Title: "Brand identity for your startup",
			Description: "Logo, palette and type.", Category: "graphics-design", MaxQuantity: 3, Packages: []catalog.Package{
				{Name: "Basic", Price: money.New(30000, "USD"), DeliveryDays: 5, Revisions: 1},
				{Name: "Premium", Price: money.New(90000, "USD"), DeliveryDays: 10, Revisions: 3}}})
		if err != nil {
			t.Fatal(err)
		}
		// Earlier business: Alice's own order runs (an admin's never
		// waits), and Bob has another one waiting.
		if _, err := a.Orders.Place(ctx, alice, orders.NewOrder{AccountID: acc.ID, ServiceID: svc.ID, Package: "Basic", Quantity: 1,
			Requirements: "A mark for our newsletter."}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Orders.Place(ctx, bob, orders.NewOrder{AccountID: acc.ID, ServiceID: svc.ID, Package: "Premium", Quantity: 1,
			Requirements: "A full identity for our new product line."}, ""); err != nil {
			t.Fatal(err)
		}

		// Bob orders 2 × Basic from the service page: 600.00 + 5.5%.
		bb := srv.signedIn(t, browser, "Bob", "bob@example.com")
		bb.open("/services/" + svc.ID)
		bb.sees("Order this service", "Buy for", "Acme Studio", "In Acme Studio, orders above $500.00 wait for the admin's approval")
		bb.fill("#f-quantity", "2")
		bb.waitText("#grand-total", "$633.00")
		bb.sees("2 × $300.00", "$600.00", "Service fee", "$33.00")
		bb.typeIn("#f-requirements", "Our brand is calm and precise.")
		if shoot {
			bb.screenshot("order-form")
		}
		bb.click("#place-order")
		bb.sees("Order placed. It waits for your admin's approval", "Waiting for your admin's approval.", "Basic × 2",
			"Waiting for approval", "$633.00", "Not charged until approved.", "Our brand is calm and precise.")
		orderURL := strings.TrimPrefix(bb.location(), srv.URL)
		orderID := strings.TrimPrefix(orderURL, "/orders/")

		// Alice sees it on her dashboard and approves it from the queue.
		al := srv.signedIn(t, browser, "Alice", "alice@example.com")
		al.sees("Waiting for your approval", "2 orders in Acme Studio wait for your approval.")
		al.click(`a[href="/accounts/` + acc.ID + `/approvals"].btn`)
		al.sees("Orders to approve", "Brand identity for your startup", "Bob Dupont", "$633.00", "$949.50")
		if got := al.within(`.tabs a[aria-current="page"]`); !strings.Contains(got, "Approvals") || !strings.Contains(got, "2") {
			t.Fatalf("the approvals tab reads %q", got)
		}
		if shoot {
			al.screenshot("approval-queue")
		}
		al.click(`#approval-` + orderID + ` button.approve`)
		al.sees("Order approved: it was charged and has started.")
		if n := al.count(`#approval-` + orderID); n != 0 {
			t.Fatal("the approved order is still in the queue")
		}

		// Fanny finds the order in her orders and delivers, with a file.
		fa := srv.signedIn(t, browser, "Fanny", "fanny@example.com")
		fa.click(`.mainnav a[href="/orders"]`)
		fa.sees("Selling as Fanny Studio", "Brand identity for your startup", "Bob Dupont")
		fa.click(`a[href="` + orderURL + `"]`)
		fa.sees("In progress", "5 days left", "Our brand is calm and precise.", "Deliver the work")
		fa.seesNot("View the invoice")
		file := filepath.Join(t.TempDir(), "concepts.pdf")
		if err := os.WriteFile(file, []byte("%PDF-1.4 three concepts"), 0o644); err != nil {
			t.Fatal(err)
		}
		fa.typeIn("#f-deliver-message", "Three concepts, as promised.")
		fa.do("attach a file", chromedp.SetUploadFiles(chromedp.CSS("#f-deliver-files"), []string{file}))
		fa.click("#deliver")
		fa.sees("Delivery sent. The client has 3 days to answer.", "Delivered", "concepts.pdf")

		// Bob asks for a revision (his package has one).
		bb.open(orderURL)
		bb.sees("The work was delivered", "Three concepts, as promised.", "concepts.pdf", "1 revision left.")
		bb.typeIn("#f-revision-message", "Could the palette be warmer?")
		bb.click("#request-revision")
		bb.sees("Revision requested. The order is back in progress.", "Could the palette be warmer?", "In progress")

		// Fanny delivers again.
		fa.open(orderURL)
		fa.typeIn("#f-deliver-message", "Warmer palette, as asked.")
		fa.click("#deliver")
		fa.sees("Delivery sent.")

		bb.open(orderURL)
		bb.sees("Warmer palette, as asked.", "No revisions are left on this order.", "Completes automatically on")
		if got := bb.attr(".progress-order", "aria-valuenow"); got != "66" {
			t.Fatalf("the progress bar is at %s%%, want 66 (delivered)", got)
		}
		if shoot {
			bb.screenshot("order-delivered")
		}

		// Three days and an hour later, the order has completed by itself.
		srv.advanceClock(t, "73h")
		bb.waitFor(orderURL, "#order-head-status", "Completed")
		bb.sees("Completed automatically after the review window", "Rate your work with Fanny Studio")

		// Bob reviews Fanny; his review shows to him, hers is not written.
		bb.check(`input[name="rating"][value="5"]`)
		bb.typeIn("#f-review-text", "Calm, precise and on time.")
		bb.click("#submit-review")
		bb.sees("Thank you: your review is saved.", "Your review", "Calm, precise and on time.",
			"The other side's review shows once both sides have reviewed")

		// Alice's orders: the account's three, by status.
		al.click(`.mainnav a[href="/orders"]`)
		al.click(`.subnav a[href="/orders?status=all"]`)
		al.sees("Buying", "Acme Studio", "Completed", "In progress", "Waiting for approval")
		if shoot {
			al.screenshot("my-orders")
		}
	})
}

// waitFor reloads path until the element css selects reads want: the
// server's timers run on their own schedule.
func (p *person) waitFor(path, css, want string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p.open(path)
		if got, err := p.text(css); err == nil && strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: %s never read %q on %s; the page says:\n%s", p.name, css, want, path, p.pageText())
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// waitText waits until the element css selects reads want (a live update).
func (p *person) waitText(css, want string) {
	p.t.Helper()
	var got string
	for range 50 {
		got, _ = p.text(css)
		if got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s: %s reads %q, want %q", p.name, css, got, want)
}
