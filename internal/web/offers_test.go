package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/orders/offers"
	"atelier/internal/page"
)

var offerLocation = regexp.MustCompile(`^/offers/(ofr_[A-Za-z0-9]+)$`)

// has fails the test unless body shows every text (HTML-escaped as a page
// writes it).
func has(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(body, html.EscapeString(s)) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
}

// key reads the form key of the form posting to action.
func key(t *testing.T, body, action string) string {
	t.Helper()
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form to %s on the page", action)
	}
	m := formKey.FindStringSubmatch(body[i:])
	if m == nil {
		t.Fatalf("the form to %s has no key", action)
	}
	return m[1]
}

// milestoneOffer sends Acme a 2-milestone offer from Fanny through the
// domain: Concepts 60.00 (3 days), Final files 240.00 (5 days).
func (s *shop) milestoneOffer(t *testing.T) offers.Offer {
	t.Helper()
	of, err := s.a.Offers.CreateOffer(context.Background(), s.fanny, offers.NewOffer{AccountID: s.acc.ID, Kind: orders.KindMilestones,
		Title: "Brand identity", Revisions: 1, Milestones: []offers.OfferMilestone{
			{Title: "Concepts", Amount: money.New(6000, "USD"), DeliveryDays: 3},
			{Title: "Final files", Amount: money.New(24000, "USD"), DeliveryDays: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	return of
}

func TestFreelancerSendsMilestoneOfferFromOrderPageAndItRunsToCompletion(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		s := newShop(t, engine)
		orderID := s.alice.place(s.service.ID, s.alice.orderForm(s.service.ID, nil))

		// Fanny finds the offer link under the order's messages; the
		// client does not.
		newOffer := "/offers/new?order=" + orderID
		_, body, _ := s.seller.do("GET", "/orders/"+orderID, nil)
		if !strings.Contains(body, `href="`+newOffer+`"`) {
			t.Fatal("the freelancer's order page has no custom offer link")
		}
		if _, body, _ := s.alice.do("GET", "/orders/"+orderID, nil); strings.Contains(body, `href="`+newOffer+`"`) {
			t.Error("the client is offered to send an offer")
		}
		status, body, _ := s.seller.do("GET", newOffer, nil)
		if status != http.StatusOK {
			t.Fatalf("offer form: %d", status)
		}
		has(t, "the offer form", body, i18n.T("en", "offer_form.to_order", "name", "Alice Admin", "title", "Logo design for your startup"))
		form := url.Values{"idempotency_key": {formKey.FindStringSubmatch(body)[1]}, "order": {orderID}, "rows": {"3"},
			"kind": {"milestones"}, "title": {"Brand identity"}, "description": {"Logo, palette and type."}, "revisions": {"1"},
			"milestones.0.title": {"Concepts"}, "milestones.0.amount": {"60"}, "milestones.0.delivery_days": {"3"},
			"milestones.2.title": {"Final files"}, "milestones.2.amount": {"240.00"}, "milestones.2.delivery_days": {"0"}}

		// "Add a milestone" shows one more row and sends nothing.
		add := url.Values{}
		for k, v := range form {
			add[k] = v
		}
		add.Set("add_row", "1")
		status, body, _ = s.seller.do("POST", "/offers", add)
		if status != http.StatusOK || !strings.Contains(body, `name="milestones.3.title"`) || !strings.Contains(body, `value="Final files"`) {
			t.Fatalf("add a row: %d, no fourth row or the rows typed were lost", status)
		}

		// The blank middle row is ignored; the domain's refusal of the
		// third row's days lands on that row.
		status, body, _ = s.seller.do("POST", "/offers", form)
		if status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="f-milestones-2-delivery-days-error">`+i18n.T("en", "error.delivery_days_invalid")) {
			t.Fatalf("bad days: %d, no inline error on the third row", status)
		}
		var n int
		s.a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM offers`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d offers after a refused form", n)
		}
		form.Set("milestones.2.delivery_days", "5")
		status, _, h := s.seller.do("POST", "/offers", form)
		m := offerLocation.FindStringSubmatch(h.Get("Location"))
		if status != http.StatusSeeOther || m == nil {
			t.Fatalf("send: %d %q", status, h.Get("Location"))
		}
		offerID := m[1]
		_, body, _ = s.seller.do("GET", "/offers/"+offerID, nil)
		has(t, "the freelancer's offer page", body, i18n.T("en", "flash.offer_sent"), i18n.T("en", "offer.status.pending"), "$300.00",
			i18n.T("en", "offer.to_clients", "names", "Alice Admin"))
		if !strings.Contains(body, `action="/offers/`+offerID+`/withdraw"`) {
			t.Error("the freelancer cannot withdraw the pending offer")
		}
		// The same form again sends nothing more.
		if status, _, h := s.seller.do("POST", "/offers", form); status != http.StatusSeeOther || h.Get("Location") != "/sell/offers" {
			t.Fatalf("the form again: %d %q", status, h.Get("Location"))
		}
		_, body, _ = s.seller.do("GET", "/sell/offers", nil)
		if strings.Count(body, `id="offer-ofr_`) != 1 {
			t.Fatal("the freelancer's list does not show exactly one offer")
		}

		// Bob, a member, sees it on the account's Offers tab, with the
		// fees of each milestone: 60.00 + 3.30 + 3.00; 240.00 + 13.20.
		_, body, _ = s.buyer.do("GET", "/accounts/"+s.acc.ID+"/offers", nil)
		if !strings.Contains(body, `href="/offers/`+offerID+`"`) {
			t.Fatal("the account's offers do not list it")
		}
		_, body, _ = s.buyer.do("GET", "/offers/"+offerID, nil)
		// 300.00 in two milestones is not a small order: 5.5% on the total, spread (3.30 + 13.20).
		has(t, "the member's offer page", body, "Concepts", "$63.30", "Final files", "$253.20", "$316.50", "$16.50",
			i18n.T("en", "offer.answer.accept"))

		// Alice accepts: the first milestone is charged.
		status, _, h = s.alice.do("POST", "/offers/"+offerID+"/accept", url.Values{"idempotency_key": {key(t, body, "/offers/"+offerID+"/accept")}})
		om := orderLocation.FindStringSubmatch(h.Get("Location"))
		if status != http.StatusSeeOther || om == nil {
			t.Fatalf("accept: %d %q", status, h.Get("Location"))
		}
		msOrder := om[1]
		path := "/orders/" + msOrder
		_, body, _ = s.alice.do("GET", path, nil)
		has(t, "the milestone order page", body, i18n.T("en", "flash.offer_accepted_milestones"), i18n.T("en", "milestone.funds.held"),
			i18n.T("en", "milestone.funds.not_charged"), i18n.T("en", "milestone.done_of", "done", 0, "count", 2))
		if !strings.Contains(body, `class="milestone milestone-active milestone-current" id="milestone-1" aria-current="step"`) {
			t.Error("the first milestone is not the current one")
		}
		o, err := s.a.Orders.Get(ctx, s.admin, msOrder)
		if err != nil {
			t.Fatal(err)
		}
		ms1, ms2 := o.Milestones[0].ID, o.Milestones[1].ID

		// The client cannot deliver; the freelancer delivers.
		if status, _ := s.alice.multipartPost(path+"/milestones/"+ms1+"/deliver", map[string]string{"message": "x"}, nil); status != http.StatusForbidden {
			t.Errorf("the client delivering: %d", status)
		}
		_, body, _ = s.seller.do("GET", path, nil)
		if !strings.Contains(body, `action="`+path+`/milestones/`+ms1+`/deliver"`) || strings.Contains(body, `action="`+path+`/deliver"`) {
			t.Fatal("the freelancer has no milestone deliver form, or the whole-order one")
		}
		if status, body := s.seller.multipartPost(path+"/milestones/"+ms1+"/deliver", map[string]string{"form": "deliver", "message": "Three concepts."}, nil); status != http.StatusSeeOther {
			t.Fatalf("deliver 1: %d\n%s", status, body)
		}

		// Alice approves: it is released and the second is charged. The
		// same form twice approves once.
		_, body, _ = s.alice.do("GET", path, nil)
		has(t, "the delivered milestone", body, i18n.T("en", "milestone.answer.approve", "amount", "$60.00"),
			i18n.T("en", "milestone.answer.next", "title", "Final files", "total", "$253.20"))
		approve := url.Values{"idempotency_key": {key(t, body, path+"/milestones/"+ms1+"/approve")}}
		if status, _, _ := s.alice.do("POST", path+"/milestones/"+ms1+"/approve", approve); status != http.StatusSeeOther {
			t.Fatalf("approve 1: %d", status)
		}
		if status, _, _ := s.alice.do("POST", path+"/milestones/"+ms1+"/approve", approve); status != http.StatusSeeOther {
			t.Fatalf("approve 1 again: %d", status)
		}
		_, body, _ = s.alice.do("GET", path, nil)
		has(t, "after the first approval", body, i18n.T("en", "flash.milestone_approve_repeated"), i18n.T("en", "milestone.funds.released"),
			i18n.T("en", "milestone.done_of", "done", 1, "count", 2))
		if !strings.Contains(body, `id="milestone-2" aria-current="step"`) {
			t.Error("the second milestone is not the current one")
		}

		if status, _ := s.seller.multipartPost(path+"/milestones/"+ms2+"/deliver", map[string]string{"form": "deliver", "message": "Final files."}, nil); status != http.StatusSeeOther {
			t.Fatalf("deliver 2: %d", status)
		}
		_, body, _ = s.alice.do("GET", path, nil)
		has(t, "the last milestone", body, i18n.T("en", "milestone.answer.last"))
		status, _, _ = s.alice.do("POST", path+"/milestones/"+ms2+"/approve", url.Values{"idempotency_key": {key(t, body, path+"/milestones/"+ms2+"/approve")}})
		if status != http.StatusSeeOther {
			t.Fatalf("approve 2: %d", status)
		}
		_, body, _ = s.alice.do("GET", path, nil)
		has(t, "the completed order", body, i18n.T("en", "flash.milestone_approved_completed"), i18n.T("en", "order.status.completed"),
			i18n.T("en", "milestone.done_of", "done", 2, "count", 2), "$316.50")
		invs, _ := s.a.Billing.Invoices(ctx, s.admin, s.acc.ID, page.Request{})
		if len(invs.Items) != 3 { // the service order and the two milestones
			t.Errorf("%d invoices, want 3", len(invs.Items))
		}
		// Fanny's earnings: 300.00 less the 20% commission, pending.
		f, _, _ := s.a.Catalog.FreelancerOf(ctx, s.fanny.ID)
		e, err := s.a.Billing.Earnings(ctx, s.fanny, f.ID)
		if err != nil || e.Pending.Amount != 24000 {
			t.Errorf("earnings pending %v (%v), want 240.00", e.Pending, err)
		}
	})
}

func TestMemberAcceptsOfferAboveThresholdAndItWaitsForTheAdmin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		s := newShop(t, engine)
		s.approvalAbove(t, money.New(5000, "USD"))
		of := s.milestoneOffer(t)
		_, body, _ := s.buyer.do("GET", "/offers/"+of.ID, nil)
		status, _, h := s.buyer.do("POST", "/offers/"+of.ID+"/accept", url.Values{"idempotency_key": {key(t, body, "/offers/"+of.ID+"/accept")}})
		if status != http.StatusSeeOther || !orderLocation.MatchString(h.Get("Location")) {
			t.Fatalf("accept: %d %q", status, h.Get("Location"))
		}
		_, body, _ = s.buyer.do("GET", h.Get("Location"), nil)
		has(t, "the waiting order", body, i18n.T("en", "flash.offer_accepted_waits"), i18n.T("en", "order.notice.pending"),
			i18n.T("en", "milestone.funds.not_charged"))
		if strings.Contains(body, i18n.T("en", "milestone.funds.held")) {
			t.Error("a milestone shows as charged before approval")
		}
		_, body, _ = s.buyer.do("GET", "/offers/"+of.ID, nil)
		has(t, "the accepted offer", body, i18n.T("en", "offer.status.accepted"), i18n.T("en", "offer.view_order"))
		if strings.Contains(body, `action="/offers/`+of.ID+`/accept"`) {
			t.Error("an accepted offer can be accepted again")
		}
		// The admin's queue has it, with the whole order's total.
		_, body, _ = s.alice.do("GET", "/accounts/"+s.acc.ID+"/approvals", nil)
		has(t, "the approval queue", body, "Brand identity", "$316.50", i18n.T("en", "order.offer_line", "kind", i18n.T("en", "offer.kind.milestones")))
	})
}

func TestOfferAnswersAndRefusalsShowOnTheOfferPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		s := newShop(t, engine)

		// Bob declines one.
		declined := s.milestoneOffer(t)
		if status, _, _ := s.buyer.do("POST", "/offers/"+declined.ID+"/decline", url.Values{}); status != http.StatusSeeOther {
			t.Fatalf("decline: %d", status)
		}
		_, body, _ := s.seller.do("GET", "/offers/"+declined.ID, nil)
		has(t, "the declined offer", body, i18n.T("en", "offer.status.declined"))
		if strings.Contains(body, `/withdraw"`) {
			t.Error("a declined offer can be withdrawn")
		}
		// Accepting it anyway is refused with the domain's message.
		status, body, _ := s.alice.do("POST", "/offers/"+declined.ID+"/accept", url.Values{"idempotency_key": {strings.Repeat("a", 32)}})
		if status != http.StatusConflict {
			t.Fatalf("accepting a declined offer: %d", status)
		}
		has(t, "the refusal", body, i18n.T("en", "error.offer_not_pending"))

		// Fanny withdraws another from her list.
		withdrawn := s.milestoneOffer(t)
		status, _, h := s.seller.do("POST", "/offers/"+withdrawn.ID+"/withdraw", url.Values{"from": {"list"}})
		if status != http.StatusSeeOther || h.Get("Location") != "/sell/offers" {
			t.Fatalf("withdraw: %d %q", status, h.Get("Location"))
		}
		_, body, _ = s.buyer.do("GET", "/offers/"+withdrawn.ID, nil)
		has(t, "the withdrawn offer", body, i18n.T("en", "offer.status.withdrawn"))

		// A third expires after 14 days, shown as such at once; accepting
		// is refused in words.
		expired := s.milestoneOffer(t)
		s.a.TestClock.Advance(offers.OfferExpiresAfter + time.Hour)
		_, body, _ = s.alice.do("GET", "/offers/"+expired.ID, nil)
		has(t, "the expired offer", body, i18n.T("en", "offer.status.expired"))
		if strings.Contains(body, `action="/offers/`+expired.ID+`/accept"`) {
			t.Error("an expired offer can be accepted")
		}
		status, body, _ = s.alice.do("POST", "/offers/"+expired.ID+"/accept", url.Values{})
		if status != http.StatusConflict {
			t.Fatalf("accepting an expired offer: %d", status)
		}
		has(t, "the refusal", body, i18n.T("en", "error.offer_expired"))

		// The account's list filters by status.
		_, body, _ = s.buyer.do("GET", "/accounts/"+s.acc.ID+"/offers?status=declined", nil)
		if !strings.Contains(body, declined.ID) || strings.Contains(body, `id="offer-`+withdrawn.ID+`"`) {
			t.Error("the declined tab does not show only the declined offer")
		}

		// A stranger gets 404.
		signUp(t, s.a, "Mallory", "mallory@example.com")
		m := newBrowser(t, s.ts)
		m.signIn("mallory@example.com", "correct horse")
		if status, _, _ := m.do("GET", "/offers/"+declined.ID, nil); status != http.StatusNotFound {
			t.Errorf("a stranger's offer page: %d", status)
		}
		if status, _, _ := m.do("GET", "/accounts/"+s.acc.ID+"/offers", nil); status != http.StatusNotFound {
			t.Errorf("a stranger's account offers: %d", status)
		}
		_ = ctx
	})
}

func TestStoppingAMilestoneOrderAsksFirstAndChargesNothingMore(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		s := newShop(t, engine)
		of := s.milestoneOffer(t)
		o, err := s.a.Offers.AcceptOffer(ctx, s.admin, of.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		path := "/orders/" + o.ID
		// While the first is in progress there is nothing to stop.
		if _, body, _ := s.alice.do("GET", path, nil); strings.Contains(body, `href="`+path+`/stop"`) {
			t.Error("a stop link while the milestone is in progress")
		}
		if _, err := s.a.Offers.DeliverMilestone(ctx, s.fanny, o.ID, o.Milestones[0].ID, "Concepts.", nil); err != nil {
			t.Fatal(err)
		}
		_, body, _ := s.alice.do("GET", path, nil)
		if !strings.Contains(body, `href="`+path+`/stop"`) {
			t.Fatal("no stop link on the delivered milestone")
		}
		status, body, _ := s.alice.do("GET", path+"/stop", nil)
		if status != http.StatusOK {
			t.Fatalf("stop page: %d", status)
		}
		has(t, "the confirmation", body, i18n.T("en", "stop.approves", "title", "Concepts", "amount", "$60.00"),
			i18n.T("en", "stop.never", "title", "Final files", "total", "$253.20"))
		if status, _, _ := s.seller.do("POST", path+"/stop", url.Values{}); status != http.StatusForbidden {
			t.Errorf("the freelancer stopping: %d", status)
		}
		if status, _, _ := s.alice.do("POST", path+"/stop", url.Values{}); status != http.StatusSeeOther {
			t.Fatalf("stop: %d", status)
		}
		_, body, _ = s.alice.do("GET", path, nil)
		has(t, "the stopped order", body, i18n.T("en", "flash.order_stopped"), i18n.T("en", "order.status.completed"),
			i18n.T("en", "milestone.funds.never"), i18n.T("en", "milestone.status.stopped"))
		invs, _ := s.a.Billing.Invoices(ctx, s.admin, s.acc.ID, page.Request{})
		if len(invs.Items) != 1 {
			t.Errorf("%d invoices after stopping after the first milestone", len(invs.Items))
		}
		// Now the stop page sends back to the order.
		if status, _, h := s.alice.do("GET", path+"/stop", nil); status != http.StatusSeeOther || h.Get("Location") != path {
			t.Errorf("stop page after stopping: %d %q", status, h.Get("Location"))
		}
	})
}

func TestFreelancerSendsOfferFromDashboardToAClientOrById(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		s := newShop(t, engine)
		s.alice.place(s.service.ID, s.alice.orderForm(s.service.ID, nil))
		_, body, _ := s.seller.do("GET", "/sell", nil)
		if !strings.Contains(body, `href="/offers/new"`) || !strings.Contains(body, `href="/sell/offers"`) {
			t.Fatal("the seller dashboard has no links to offers")
		}
		_, body, _ = s.seller.do("GET", "/offers/new", nil)
		if !strings.Contains(body, `<option value="`+s.acc.ID+`">`+i18n.T("en", "offer_form.client_option", "names", "Alice Admin")) {
			t.Error("the dashboard's offer form does not offer the client's account")
		}

		// A fixed offer to the account typed by id.
		form := url.Values{"idempotency_key": {formKey.FindStringSubmatch(body)[1]}, "rows": {"3"}, "other_account_id": {s.acc.ID},
			"kind": {"fixed"}, "title": {"Business cards"}, "price": {"120"}, "delivery_days": {"4"}, "revisions": {"2"}}
		status, _, h := s.seller.do("POST", "/offers", form)
		if status != http.StatusSeeOther || !offerLocation.MatchString(h.Get("Location")) {
			t.Fatalf("send: %d %q", status, h.Get("Location"))
		}
		// An unknown account is refused next to the field.
		form.Set("idempotency_key", strings.Repeat("b", 32))
		form.Set("other_account_id", "acc_nope")
		status, body, _ = s.seller.do("POST", "/offers", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-account-id-error">`+i18n.T("en", "error.account_not_found")) {
			t.Fatalf("unknown account: %d, no inline error", status)
		}
		// Hourly is shown, disabled.
		if !strings.Contains(body, `value="hourly" id="kind-hourly" disabled`) {
			t.Error("hourly is not shown disabled")
		}
		// The client accepts the fixed offer: a plain order.
		_, body, _ = s.alice.do("GET", h.Get("Location"), nil)
		has(t, "the fixed offer", body, "$120.00", "$126.60")
		status, _, h = s.alice.do("POST", h.Get("Location")+"/accept", url.Values{"idempotency_key": {key(t, body, h.Get("Location")+"/accept")}})
		if status != http.StatusSeeOther {
			t.Fatalf("accept: %d", status)
		}
		_, body, _ = s.alice.do("GET", h.Get("Location"), nil)
		has(t, "the fixed order", body, i18n.T("en", "flash.offer_accepted"), i18n.T("en", "order.status.active"))
		if strings.Contains(body, `id="milestones"`) {
			t.Error("a fixed order shows milestones")
		}
	})
}
