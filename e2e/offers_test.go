package e2e

import (
	"context"
	"strings"
	"testing"

	"atelier/internal/money"
)

// The custom offer story of PRODUCT.md §6 in a browser: a freelancer,
// from an order's page, sends its client a 2-milestone offer; the
// client's admin finds it on the account's Offers tab and accepts it; the
// first milestone is charged from the balance; the freelancer delivers;
// the admin approves, which releases it and charges the second; that one
// is delivered and approved too; the order completes, the balance shows
// both charges and the freelancer's earnings both milestones.
func TestFreelancerSendsMilestoneOfferClientAcceptsAndApprovesEach(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		ctx := context.Background()
		a := srv.App

		st := srv.studio(t, studioService{headline: "Brand identities for startups", title: "Logo for your startup",
			description: "Three logo concepts.", price: 30000, revisions: 1})
		alice, acc := st.alice, st.acc
		// A first order, paid by card; then Alice tops the balance up.
		first := srv.orderBasic(t, st, alice, "A mark for our newsletter.")
		if _, err := a.Billing.Deposit(ctx, alice, acc.ID, money.New(200000, "USD"), "", "top-up"); err != nil {
			t.Fatal(err)
		}

		// Fanny, on that order's page, sends Alice's account an offer in
		// two milestones; the third row stays blank.
		fa := srv.signedIn(t, browser, "Fanny", "fanny@example.com")
		fa.open("/orders/" + first.ID)
		fa.click("#offer-from-order")
		fa.sees("Send a custom offer", "The business account of Alice Martin, your client on “Logo for your startup”.")
		fa.typeIn("#f-title", "Full brand identity")
		fa.typeIn("#f-description", "Logo, palette, type and a short guide.")
		fa.typeIn("#f-milestones-0-title", "Concepts and palette")
		fa.typeIn("#f-milestones-0-amount", "400")
		fa.typeIn("#f-milestones-0-delivery-days", "4")
		fa.typeIn("#f-milestones-1-title", "Final files and guide")
		fa.typeIn("#f-milestones-1-amount", "600.00")
		fa.typeIn("#f-milestones-1-delivery-days", "6")
		if shoot {
			fa.screenshot("offer-form")
		}
		fa.click("#send-offer")
		fa.sees("Offer sent.", "Waiting for an answer", "Full brand identity", "$1,000.00", "To the account of Alice Martin")
		offerURL := strings.TrimPrefix(fa.location(), srv.URL)

		// Alice finds it on the account's Offers tab: each milestone with
		// its fees (5.5%), the total and the expiry.
		al := srv.signedIn(t, browser, "Alice", "alice@example.com")
		al.open("/accounts/" + acc.ID)
		al.click(`.tabs a[href$="/offers"]`)
		al.sees("Full brand identity", "Fanny Studio", "Waiting for an answer", "$1,055.00")
		al.click(`a[href="` + offerURL + `"]`)
		al.sees("Concepts and palette", "$422.00", "Final files and guide", "$633.00", "$1,055.00", "It expires on")
		if shoot {
			al.screenshot("offer")
		}
		al.click("#accept-offer")
		al.sees("Offer accepted: the first milestone was charged and has started.", "0 of 2 approved",
			"Charged, held in escrow", "Not charged yet")
		if got := al.within("#milestone-1"); !strings.Contains(got, "In progress") {
			t.Fatalf("the first milestone reads %q", got)
		}
		orderURL := strings.TrimPrefix(al.location(), srv.URL)

		// Fanny delivers the first milestone.
		fa.open(orderURL)
		fa.sees("Deliver “Concepts and palette”")
		fa.typeIn("#f-deliver-message", "Three concepts and two palettes.")
		fa.click("#deliver-milestone")
		fa.sees("Milestone delivered. The client has 8 days to answer.")

		// Alice approves it: released, and the second one is charged.
		al.open(orderURL)
		al.sees("This milestone was delivered", "Three concepts and two palettes.",
			"The next milestone, “Final files and guide”, is then charged $633.00 and starts.")
		al.click("#approve-milestone")
		al.sees("Milestone approved and released. The next milestone was charged and has started.", "1 of 2 approved")
		if got := al.within("#milestone-1"); !strings.Contains(got, "Released to the freelancer") {
			t.Fatalf("the first milestone reads %q", got)
		}
		if got := al.within("#milestone-2"); !strings.Contains(got, "Charged, held in escrow") {
			t.Fatalf("the second milestone reads %q", got)
		}
		if n := al.count(`#milestone-2[aria-current="step"]`); n != 1 {
			t.Fatal("the second milestone is not highlighted as the current one")
		}

		// The second is delivered; the milestone order page before the
		// client's answer is the screenshot.
		fa.open(orderURL)
		fa.typeIn("#f-deliver-message", "The final files and the guide.")
		fa.click("#deliver-milestone")
		fa.sees("Milestone delivered. The client has 8 days to answer.")
		al.open(orderURL)
		al.sees("It is the last milestone: the order then completes.")
		if shoot {
			al.screenshot("milestone-order")
		}
		al.click("#approve-milestone")
		al.sees("Milestone approved and released. The order is completed.", "2 of 2 approved", "Completed")

		// The balance paid both milestones: 2,000.00 − 422.00 − 633.00,
		// less the 4.00 of reward credit the first one's release earned
		// (1% of 400.00), which paid first.
		al.open("/accounts/" + acc.ID + "/billing")
		if got := al.within("#balance"); got != "$949.00" {
			t.Fatalf("the balance reads %q, want $949.00", got)
		}
		// Fanny's earnings: both milestones less the 20% commission.
		fa.open("/sell")
		if got := fa.within("#earnings-pending"); got != "$800.00" {
			t.Fatalf("pending earnings read %q, want $800.00", got)
		}
		fa.click("#my-offers")
		fa.sees("Full brand identity", "Accepted", "View the order")
	})
}
