package e2e

import (
	"context"
	"strings"
	"testing"

	"atelier/internal/users"
)

// Mutual cancellation in a browser (PRODUCT.md §6): the freelancer asks to
// cancel a running order; the client sees the request with "2 days left"
// on the progress bar and does not answer; 49 hours later (on the test
// clock) the order shows cancelled and the refund is on the account's
// balance.
func TestFreelancerRequestsCancellationUnansweredOrderIsCancelledAndRefunded(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		st := srv.studio(t, brandIdentity)
		alice, acc := st.alice, st.acc
		// Alice's order is paid by card: $300.00 + $16.50 of fees.
		o := srv.orderBasic(t, st, alice, "A mark for our newsletter.")
		orderURL := "/orders/" + o.ID

		// Fanny asks to cancel from the order page's resolution center.
		fa := srv.signedIn(t, browser, "Fanny", "fanny@example.com")
		fa.open(orderURL)
		fa.sees("Resolution center", "Cancel the order")
		fa.check("#open-cancellation")
		fa.typeIn("#f-cancellation-reason", "I am ill and cannot deliver in time.")
		fa.click("#request-cancellation")
		fa.sees("Cancellation requested. The other side has 2 days to answer.", "2 days left", "Withdraw the request")

		// Alice sees the request and the days left, and does not answer.
		al := srv.signedIn(t, browser, "Alice", "alice@example.com")
		al.open("/accounts/" + acc.ID + "/billing")
		if got := al.within("#balance"); got != "$0.00" {
			t.Fatalf("balance before: %q", got)
		}
		al.open(orderURL)
		al.sees("Cancellation requested", "Fanny Moreau (freelancer) asks to cancel this order:", "I am ill and cannot deliver in time.",
			"Accept the cancellation", "Decline: the order goes on")
		if got := al.within("#progress-text"); !strings.Contains(got, "2 days left") {
			t.Fatalf("the progress bar reads %q", got)
		}
		if shoot {
			al.screenshot("order-cancellation-requested")
		}

		// 49 hours later the order is cancelled and refunded.
		srv.advanceClock(t, "49h")
		al.waitFor(orderURL, "#order-head-status", "Cancelled")
		al.sees("I am ill and cannot deliver in time.", "No answer in 2 days: the cancellation was accepted automatically", "The order was cancelled and refunded")
		al.seesNot("Accept the cancellation")
		al.open("/accounts/" + acc.ID + "/billing")
		if got := al.within("#balance"); got != "$316.50" {
			t.Fatalf("balance after the refund: %q", got)
		}
		fa.open(orderURL)
		fa.sees("Cancelled")
	})
}

// An escalation in a browser: the client asks Atelier to step in on a
// delivery it disputes; the review window waits; an operator reads the
// order's evidence log in the escalations queue and cancels the order with
// a partial refund; the client's balance shows it.
func TestClientEscalatesOperatorDecidesPartialRefund(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, shoot bool) {
		ctx := context.Background()
		a := srv.App

		st := srv.studio(t, studioService{title: "Brand identity for your startup", description: "Logo, palette and type.", price: 30000})
		alice, fanny, acc := st.alice, st.fanny, st.acc
		if _, err := a.Users.CreateOperator(ctx, users.NewUser{Name: "Olivia Operator", Email: "olivia@example.com", Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		o := srv.orderBasic(t, st, alice, "")
		if _, err := a.Orders.Deliver(ctx, fanny, o.ID, "The logo only; the palette is coming.", nil); err != nil {
			t.Fatal(err)
		}
		orderURL := "/orders/" + o.ID

		// Alice asks Atelier to step in.
		al := srv.signedIn(t, browser, "Alice", "alice@example.com")
		al.open(orderURL)
		al.check(`#resolution-center details:last-of-type summary`)
		al.typeIn("#f-escalate-message", "Only the logo was delivered; the palette and type are missing.")
		al.click("#escalate")
		al.sees("Atelier is told: an operator will decide from the order’s evidence log.", "Ask Atelier to step in", "An Atelier operator reads the order’s messages")

		// Four days later the delivery has not completed by itself.
		srv.advanceClock(t, "4d")

		// Olivia decides from the escalations queue: $100.00 back.
		ol := srv.signedIn(t, browser, "Olivia", "olivia@example.com")
		ol.click(`.mainnav a[href="/operator/pro-applications"]`)
		ol.click(`.subnav a[href="/operator/resolutions"]`)
		ol.sees("Escalations", "Alice Martin", "Only the logo was delivered")
		ol.click(`a[href^="/operator/resolutions/orq_"]`)
		ol.sees("Alice Martin (client) asks Atelier to step in", "Evidence log", "The logo only; the palette is coming.", "$316.50")
		if shoot {
			ol.screenshot("operator-escalation")
		}
		ol.check(`input[name="outcome"][value="cancel_partial"]`)
		ol.fill("#f-decide-amount", "100")
		ol.typeIn("#f-decide-note", "The logo was delivered; the palette and type were not.")
		ol.click("#decide")
		ol.sees("Decision recorded; both sides are told.", "Cancel with a partial refund")

		al.open(orderURL)
		al.sees("Cancelled", "The logo was delivered; the palette and type were not.")
		al.open("/accounts/" + acc.ID + "/billing")
		if got := al.within("#balance"); got != "$100.00" {
			t.Fatalf("balance after the decision: %q", got)
		}
	})
}
