package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/orders/resolutions"
	"atelier/internal/users"
)

var untranslatedResolution = regexp.MustCompile(`(^|[\s>"])(resolution|guarantee|operator|order|flash|error)\.[a-z_.A-Z]+`)

// The order page's resolution center and the operators' queues: a request
// to cancel with no reason is refused inline and stores nothing; the other
// side sees the request with its days left and accepts it from the page;
// the pages of requests, escalations and claims read in both languages.
func TestResolutionCenterPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, e)
		admin := signUp(t, a, "Alice Admin", "alice@example.com")
		gus := signUp(t, a, "Gus", "gus@example.com")
		op, err := a.Users.CreateOperator(ctx, users.NewUser{Name: "Olivia Operator", Email: "olivia@example.com", Password: "correct horse"})
		if err != nil {
			t.Fatal(err)
		}
		acc, err := a.Accounts.Create(ctx, admin, "Acme", "EUR")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Billing.AddCard(ctx, admin, acc.ID, "tok_visa"); err != nil {
			t.Fatal(err)
		}
		shop, err := a.Catalog.CreateFreelancer(ctx, gus, catalog.Profile{DisplayName: "Gus Motion", Country: "FR", HourlyRate: money.New(7000, "EUR")})
		if err != nil {
			t.Fatal(err)
		}
		approvePro(t, a, op, gus, shop.ID, "Please.")
		video, err := a.Catalog.CreateService(ctx, gus, catalog.Offer{FreelancerID: shop.ID, Title: "Explainer video", Description: "60 seconds.",
			Category: "video-animation", MaxQuantity: 4, Packages: []catalog.Package{{Name: "Basic", Price: money.New(40000, "EUR"), DeliveryDays: 7, Revisions: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		place := func() orders.Order {
			o, err := a.Orders.Place(ctx, admin, orders.NewOrder{AccountID: acc.ID, ServiceID: video.ID, Package: "Basic", Quantity: 1}, "")
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		cancelled, extended, escalated, claimed, claimable := place(), place(), place(), place(), place()
		if _, err := a.Resolutions.RequestCancellation(ctx, gus, cancelled.ID, "Cannot make it."); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Resolutions.OpenRequest(ctx, gus, extended.ID, resolutions.NewRequest{Kind: orders.RequestExtendDelivery, Days: 3, Message: "Rendering takes longer."}); err != nil {
			t.Fatal(err)
		}
		esc, _, err := a.Resolutions.OpenRequest(ctx, admin, escalated.ID, resolutions.NewRequest{Kind: orders.RequestEscalate, Message: "No news for a week."})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []orders.Order{claimed, claimable} {
			if _, err := a.Orders.Deliver(ctx, gus, o.ID, "Here.", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Orders.Accept(ctx, admin, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.Resolutions.ClaimGuarantee(ctx, admin, claimed.ID, "Not what we asked."); err != nil {
			t.Fatal(err)
		}

		// Alice sees the cancellation with its days left; a request with
		// no reason is refused next to its field and stores nothing.
		al := newBrowser(t, srv)
		al.signIn("alice@example.com", "correct horse")
		status, body, _ := al.do("GET", "/orders/"+cancelled.ID, nil)
		if status != http.StatusOK || !strings.Contains(body, "2 days left") || !strings.Contains(body, `id="accept-cancellation"`) {
			t.Fatalf("order page with a cancellation: %d\n%s", status, body)
		}
		_, body, _ = al.do("GET", "/", nil)
		if !regexp.MustCompile(`Gus asks to cancel “Explainer video” — “Cannot make it\.”\. Without an answer by [A-Z][a-z]{2} \d+, \d{4} \d\d:\d\d UTC`).MatchString(body) {
			t.Fatalf("the notification does not give the deadline:\n%s", body)
		}
		status, body, _ = al.do("POST", "/orders/"+claimable.ID+"/guarantee-claim", url.Values{"form": {"guarantee"}, "reason": {" "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-guarantee-reason-error"`) {
			t.Fatalf("empty claim: %d", status)
		}
		status, body, _ = al.do("POST", "/orders/"+extended.ID+"/resolutions", url.Values{"form": {"partial_refund"}, "kind": {"partial_refund"}, "amount": {"5"}, "message": {"x"}})
		if status != http.StatusConflict || !strings.Contains(body, "A request is already open") {
			t.Fatalf("a second request: %d", status)
		}
		if o, _ := a.Orders.Get(ctx, admin, extended.ID); len(o.Requests) != 1 {
			t.Fatalf("a refused request was stored: %v", o.Requests)
		}
		status, _, h := al.do("POST", "/orders/"+cancelled.ID+"/cancellation/accept", url.Values{})
		if status != http.StatusSeeOther || h.Get("Location") != "/orders/"+cancelled.ID {
			t.Fatalf("accept: %d %s", status, h.Get("Location"))
		}
		if o, _ := a.Orders.Get(ctx, admin, cancelled.ID); o.Status != orders.Cancelled {
			t.Fatalf("after accepting: %s", o.Status)
		}
		// The cancelled order says what went back; its freelancer reads the
		// commission and the net.
		_, body, _ = al.do("GET", "/orders/"+cancelled.ID, nil)
		if !strings.Contains(body, `id="order-refunded"`) {
			t.Error("the cancelled order does not say what was refunded")
		}
		gb := newBrowser(t, srv)
		gb.signIn("gus@example.com", "correct horse")
		_, body, _ = gb.do("GET", "/orders/"+extended.ID, nil)
		has(t, "the freelancer's order", body, "Your earnings", "Atelier's commission", "You receive")
		if _, body, _ = gb.do("GET", "/orders/"+cancelled.ID, nil); strings.Contains(body, "You receive") {
			t.Error("a cancelled order tells its freelancer what they receive")
		}
		status, _, _ = gb.do("POST", "/orders/"+claimable.ID+"/guarantee-claim", url.Values{"form": {"guarantee"}, "reason": {"mine"}})
		if status != http.StatusForbidden {
			t.Fatalf("the freelancer claims: %d", status)
		}
		status, _, _ = al.do("GET", "/operator/resolutions", nil)
		if status != http.StatusForbidden {
			t.Fatalf("a client on the operators' queue: %d", status)
		}

		pages := map[string][]string{
			"alice@example.com": {"/orders/" + cancelled.ID, "/orders/" + extended.ID, "/orders/" + escalated.ID, "/orders/" + claimed.ID, "/orders/" + claimable.ID},
			"gus@example.com":   {"/orders/" + extended.ID, "/orders/" + escalated.ID, "/orders/" + claimable.ID},
			"olivia@example.com": {"/operator/resolutions", "/operator/resolutions?status=decided", "/operator/resolutions/" + esc.ID,
				"/operator/guarantee-claims", "/operator/guarantee-claims?status=granted"},
		}
		for _, lang := range i18n.Languages {
			for who, paths := range pages {
				b := newBrowser(t, srv)
				b.do("POST", "/lang", url.Values{"lang": {lang}, "next": {"/"}})
				b.signIn(who, "correct horse")
				for _, p := range paths {
					status, body, _ := b.do("GET", p, nil)
					if status != http.StatusOK {
						t.Errorf("%s %s GET %s: status %d", lang, who, p, status)
						continue
					}
					if m := untranslatedResolution.FindString(body); m != "" {
						t.Errorf("%s %s GET %s: untranslated %q", lang, who, p, m)
					}
					if m := untranslated.FindString(body); m != "" {
						t.Errorf("%s %s GET %s: untranslated %q", lang, who, p, m)
					}
				}
			}
		}

		// The operator decides the escalation from its page: cancelled with
		// a partial refund.
		ob := newBrowser(t, srv)
		ob.signIn("olivia@example.com", "correct horse")
		status, body, _ = ob.do("POST", "/operator/resolutions/"+esc.ID+"/decide", url.Values{"outcome": {"cancel_partial"}, "amount": {"100"}, "note": {" "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
			t.Fatalf("a decision without a note: %d", status)
		}
		status, _, h = ob.do("POST", "/operator/resolutions/"+esc.ID+"/decide", url.Values{"outcome": {"cancel_partial"}, "amount": {"100"}, "note": {"Half the work was done."}})
		if status != http.StatusSeeOther || h.Get("Location") != "/operator/resolutions/"+esc.ID {
			t.Fatalf("decide: %d %s", status, h.Get("Location"))
		}
		if o, _ := a.Orders.Get(ctx, admin, escalated.ID); o.Status != orders.Cancelled {
			t.Fatalf("after the decision: %s", o.Status)
		}
		_, body, _ = ob.do("GET", "/operator/resolutions/"+esc.ID, nil)
		if !strings.Contains(body, "Half the work was done.") {
			t.Fatal("the decision does not show")
		}
	})
}
