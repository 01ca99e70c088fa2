package web_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/users"
)

// A member creates a project on its page, orders into it; the project page
// shows the spend bar and its order; the dashboard draws the spend chart
// and lists the order and the project; an operator curates the gallery and
// assigns a manager from the queue; a stranger, a member of another
// account and the freelancer get 404 on the project page.
func TestProjectPagesAndDashboard(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		s := newShop(t, e)
		code, body, h := s.buyer.do("POST", "/accounts/"+s.acc.ID+"/projects", url.Values{"name": {"Spring launch"}, "type": {"marketing_campaign"},
			"brief": {"Landing page and ads."}, "budget": {"100.00"}})
		if code != 303 {
			t.Fatalf("create project: %d %s", code, body)
		}
		pid := strings.TrimPrefix(h.Get("Location"), "/projects/")
		code, body, _ = s.buyer.do("POST", "/accounts/"+s.acc.ID+"/projects", url.Values{"name": {"x"}, "type": {"boat"}, "budget": {"1"}})
		if code != 422 || !strings.Contains(body, "Choose one of the project types.") {
			t.Fatalf("bad type: %d", code)
		}
		// The project is chosen at checkout, on the service page.
		if _, body, _ := s.buyer.do("GET", "/services/"+s.service.ID, nil); !strings.Contains(body, `<option value="`+pid+`">Acme · Spring launch</option>`) {
			t.Fatalf("no project choice on the order form:\n%s", body)
		}
		oid := s.buyer.place(s.service.ID, s.buyer.orderForm(s.service.ID, url.Values{"project_id": {pid}}))
		if o, err := s.a.Orders.Get(ctx, s.bob, oid); err != nil || o.ProjectID != pid {
			t.Fatalf("order %+v %v", o, err)
		}
		code, body, _ = s.buyer.do("GET", "/projects/"+pid, nil)
		if code != 200 || !strings.Contains(body, "Spring launch") || !strings.Contains(body, `role="progressbar"`) || !strings.Contains(body, s.service.Title) {
			t.Fatalf("project page %d:\n%s", code, body)
		}
		code, body, _ = s.alice.do("GET", "/", nil)
		if code != 200 || !strings.Contains(body, `<svg class="spend-chart"`) || !strings.Contains(body, "Active orders") ||
			!strings.Contains(body, `id="project-`+pid+`"`) || !strings.Contains(body, `id="active-`) {
			t.Fatalf("dashboard %d:\n%s", code, body)
		}

		// The gallery and the operators' queue.
		op, err := s.a.Users.CreateOperator(ctx, users.NewUser{Email: "ops@example.com", Password: "correct horse", Name: "Olive Ops"})
		if err != nil {
			t.Fatal(err)
		}
		ops := newBrowser(t, s.ts)
		ops.signIn("ops@example.com", "correct horse")
		if code, body, _ = ops.do("POST", "/operator/featured-projects", url.Values{"title": {"Brand refresh"}, "type": {"branding"},
			"brief": {"Goals and audience."}, "budget": {"2500"}, "currency": {"USD"}}); code != 303 {
			t.Fatalf("featured: %d %s", code, body)
		}
		code, body, _ = s.buyer.do("GET", "/featured-projects", nil)
		if code != 200 || !strings.Contains(body, "Brand refresh") {
			t.Fatalf("gallery %d", code)
		}
		fl, _ := s.a.Projects.FeaturedList(ctx)
		if code, _, _ = s.buyer.do("POST", "/featured-projects/"+fl[0].ID+"/start", url.Values{"account_id": {s.acc.ID}}); code != 303 {
			t.Fatalf("start: %d", code)
		}
		if code, _, _ = s.buyer.do("POST", "/projects/"+pid+"/project-manager-request", url.Values{}); code != 303 {
			t.Fatalf("request manager: %d", code)
		}
		code, body, _ = ops.do("GET", "/operator/project-managers", nil)
		if code != 200 || !strings.Contains(body, "Spring launch") {
			t.Fatalf("queue %d", code)
		}
		if code, _, _ = ops.do("POST", "/operator/project-managers/"+pid+"/assign", url.Values{"user_id": {op.ID}}); code != 303 {
			t.Fatalf("assign: %d", code)
		}
		code, body, _ = ops.do("GET", "/projects/"+pid, nil)
		if code != 200 || !strings.Contains(body, "You are its project manager.") || !strings.Contains(body, "Propose an order") {
			t.Fatalf("manager's page %d", code)
		}
		// The manager reads the project's order and writes to the freelancer.
		if code, body, _ = ops.do("GET", "/orders/"+oid, nil); code != 200 || !strings.Contains(body, s.service.Title) {
			t.Fatalf("manager on the order page: %d\n%s", code, body)
		}
		if code, body, _ = ops.do("POST", "/orders/"+oid+"/messages", url.Values{"body": {"Hello from your project manager."}}); code != 303 {
			t.Fatalf("manager's message: %d %s", code, body)
		}
		if _, body, _ = s.seller.do("GET", "/orders/"+oid, nil); !strings.Contains(body, "Hello from your project manager.") {
			t.Fatal("the freelancer does not see the manager's message")
		}
		// A proposed quantity that is not a number is refused on the page.
		if code, body, _ = ops.do("POST", "/projects/"+pid+"/proposals", url.Values{"service_id": {s.service.ID}, "package": {"Basic"},
			"quantity": {"two"}}); code != 422 || !strings.Contains(body, html.EscapeString(i18n.T("en", "error.quantity_invalid", "max", 100))) {
			t.Fatalf("a bad quantity: %d", code)
		}
		if code, _, _ = s.buyer.do("GET", "/operator/project-managers", nil); code != 403 {
			t.Fatalf("member on the operators' queue: %d", code)
		}

		// Privacy: the project page is 404 to everyone else.
		other := signUp(t, s.a, "Eve Other", "eve@other.test")
		if _, err := s.a.Accounts.Create(ctx, other, "Other", "USD"); err != nil {
			t.Fatal(err)
		}
		signUp(t, s.a, "Stan Stranger", "stan@x.test")
		for email, b := range map[string]*browser{"eve@other.test": newBrowser(t, s.ts), "stan@x.test": newBrowser(t, s.ts), "fanny": s.seller} {
			if email != "fanny" {
				b.signIn(email, "correct horse")
			}
			for _, path := range []string{"/projects/" + pid, "/accounts/" + s.acc.ID + "/projects"} {
				if code, _, _ := b.do("GET", path, nil); code != 404 {
					t.Errorf("%s GET %s: %d", email, path, code)
				}
			}
			if _, body, _ := b.do("GET", "/", nil); strings.Contains(body, "Spring launch") {
				t.Errorf("%s's dashboard shows the project", email)
			}
		}
	})
}

// A project member who did not buy an attached order reads its summary on
// the project page without a link to a page that is a 404 to them, and
// with a word on how to follow it; once the buyer shares the order with
// them, the project page links it and the order opens, naming its project
// (which the freelancer's page never does).
func TestProjectPageLinksOnlyTheOrdersTheViewerMayOpen(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		s := newShop(t, e)
		carl := signUp(t, s.a, "Carl Colleague", "carl@example.com")
		addMember(t, s.a, s.admin, s.acc, carl)
		_, _, h := s.buyer.do("POST", "/accounts/"+s.acc.ID+"/projects", url.Values{"name": {"Spring launch"}, "type": {"branding"}, "budget": {"100"}})
		pid := strings.TrimPrefix(h.Get("Location"), "/projects/")
		if code, body, _ := s.buyer.do("POST", "/projects/"+pid+"/members", url.Values{"user_id": {carl.ID}}); code != 303 {
			t.Fatalf("add Carl: %d %s", code, body)
		}
		oid := s.buyer.place(s.service.ID, s.buyer.orderForm(s.service.ID, url.Values{"project_id": {pid}}))
		link := `<a href="/orders/` + oid + `">`
		const note = `id="project-orders-summary-note"`

		carlB := newBrowser(t, s.ts)
		carlB.signIn("carl@example.com", "correct horse")
		code, body, _ := carlB.do("GET", "/projects/"+pid, nil)
		if code != 200 || !strings.Contains(body, `id="order-`+oid+`"`) || !strings.Contains(body, s.service.Title) {
			t.Fatalf("Carl's project page %d:\n%s", code, body)
		}
		if strings.Contains(body, link) || !strings.Contains(body, note) {
			t.Fatalf("Carl's project page links an order he cannot open, or says nothing of it:\n%s", body)
		}
		if code, _, _ := carlB.do("GET", "/orders/"+oid, nil); code != 404 {
			t.Fatalf("Carl opens an order not shared with him: %d", code)
		}
		for who, b := range map[string]*browser{"the buyer": s.buyer, "the admin": s.alice} {
			if _, body, _ := b.do("GET", "/projects/"+pid, nil); !strings.Contains(body, link) || strings.Contains(body, note) {
				t.Fatalf("%s's project page does not link the order:\n%s", who, body)
			}
		}

		if code, _, _ := s.buyer.do("POST", "/orders/"+oid+"/shares", url.Values{"user_id": {carl.ID}}); code != 303 {
			t.Fatalf("share: %d", code)
		}
		if _, body, _ := carlB.do("GET", "/projects/"+pid, nil); !strings.Contains(body, link) || strings.Contains(body, note) {
			t.Fatalf("the shared order is not linked on Carl's project page:\n%s", body)
		}
		if code, _, _ := carlB.do("GET", "/orders/"+oid, nil); code != 200 {
			t.Fatalf("Carl opens the shared order: %d", code)
		}

		// The order page names its project to the client side, never to
		// the freelancer.
		projectLink := `<a href="/projects/` + pid + `" id="order-project">Spring launch</a>`
		for who, b := range map[string]*browser{"the buyer": s.buyer, "Carl": carlB} {
			if _, body, _ := b.do("GET", "/orders/"+oid, nil); !strings.Contains(body, projectLink) {
				t.Fatalf("%s's order page does not name its project:\n%s", who, body)
			}
		}
		if _, body, _ := s.seller.do("GET", "/orders/"+oid, nil); strings.Contains(body, "Spring launch") || strings.Contains(body, "/projects/") {
			t.Fatalf("the freelancer's order page names the project:\n%s", body)
		}
	})
}
