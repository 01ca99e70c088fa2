package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/app"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/users"
)

// seller opens a seller profile for u, priced in USD.
func seller(t *testing.T, a *app.App, u users.User, name string) catalog.Freelancer {
	t.Helper()
	f, err := a.Catalog.CreateFreelancer(context.Background(), u, catalog.Profile{DisplayName: name, Headline: "Brand designer",
		Skills: []string{"branding"}, Languages: []string{"English"}, Country: "US", HourlyRate: money.New(8000, "USD")})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// logoService lists a service with a 25.00 and a 40.00 package, up to 5 at once.
func logoService(t *testing.T, a *app.App, u users.User, f catalog.Freelancer) catalog.Listing {
	t.Helper()
	l, err := a.Catalog.CreateService(context.Background(), u, catalog.Offer{FreelancerID: f.ID, Title: "Logo design for your startup",
		Description: "Three logo concepts.", Category: "graphics-design", MaxQuantity: 5, Packages: []catalog.Package{
			{Name: "Basic", Price: money.New(2500, "USD"), DeliveryDays: 3, Revisions: 1},
			{Name: "Standard", Price: money.New(4000, "USD"), DeliveryDays: 5, Revisions: 3},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSearchWithBadFilterShowsInlineError(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		_, srv := setup(t, engine)
		b := newBrowser(t, srv)
		cases := []struct{ query, id, key string }{
			{"min_price=-5", "f-min-price", "error.price_filter_decimal"},
			{"max_price=12,5x", "f-max-price", "error.amount_invalid"},
			{"category=cooking", "f-category", "error.category_unknown"},
			{"min_price=50&max_price=10", "f-max-price", "error.max_below_min"},
		}
		for _, c := range cases {
			status, body, _ := b.do("GET", "/services?q=logo&"+c.query, nil)
			if status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", c.query, status)
				continue
			}
			want := `<p class="field-error" id="` + c.id + `-error">` + i18n.T("en", c.key) + `</p>`
			if !strings.Contains(body, want) {
				t.Errorf("%s: no inline error %q in the page", c.query, want)
			}
			if !strings.Contains(body, `value="logo"`) {
				t.Errorf("%s: the words searched were not kept", c.query)
			}
		}
	})
}

func TestSearchFindsServiceWithDecimalPrices(t *testing.T) {
	t.Parallel()
	a, srv := setup(t, db.SQLite)
	u := signUp(t, a, "Fanny Freelance", "fanny@example.com")
	l := logoService(t, a, u, seller(t, a, u, "Fanny Studio"))
	b := newBrowser(t, srv)
	// The service starts at 25.00: a 20.00 maximum hides it, 25 shows it.
	_, body, _ := b.do("GET", "/services?q=logo&category=graphics-design&max_price=20.00", nil)
	if strings.Contains(body, l.ID) || !strings.Contains(body, i18n.T("en", "search.none")) {
		t.Error("a service above the maximum price is shown, or no empty state")
	}
	status, body, _ := b.do("GET", "/services?q=logo&category=graphics-design&max_price=25", nil)
	if status != http.StatusOK || !strings.Contains(body, `href="/services/`+l.ID+`"`) || !strings.Contains(body, "1 service<") {
		t.Fatalf("status %d; the service or its count is missing", status)
	}
	if !strings.Contains(body, "$25.00") || !strings.Contains(body, "Fanny Studio") {
		t.Error("the card lacks its price or seller")
	}
}

func TestServicePageComputesTotalWithoutJavaScript(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		u := signUp(t, a, "Fanny Freelance", "fanny@example.com")
		l := logoService(t, a, u, seller(t, a, u, "Fanny Studio"))
		b := newBrowser(t, srv)
		total := func(body string) string {
			_, rest, _ := strings.Cut(body, `<output id="total"`)
			_, rest, _ = strings.Cut(rest, ">")
			v, _, _ := strings.Cut(rest, "</output>")
			return v
		}
		status, body, _ := b.do("GET", "/services/"+l.ID, nil)
		if status != http.StatusOK || total(body) != "$25.00" {
			t.Fatalf("status %d, total %q, want $25.00", status, total(body))
		}
		status, body, _ = b.do("GET", "/services/"+l.ID+"?package=1&quantity=3", nil)
		if status != http.StatusOK || total(body) != "$75.00" {
			t.Fatalf("3 × 25.00: status %d, total %q", status, total(body))
		}
		if !strings.Contains(body, `name="package" value="1" data-amount="2500" checked`) {
			t.Error("the chosen package is not checked")
		}
		_, body, _ = b.do("GET", "/services/"+l.ID+"?package=2&quantity=3", nil)
		if total(body) != "$120.00" {
			t.Errorf("3 × 40.00: total %q", total(body))
		}
		for _, q := range []string{"6", "0", "two"} {
			status, body, _ = b.do("GET", "/services/"+l.ID+"?package=1&quantity="+q, nil)
			want := `id="f-quantity-error">` + i18n.T("en", "error.quantity_invalid", "max", 5) + `<`
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
				t.Errorf("quantity %s: status %d, no inline error %q", q, status, want)
			}
		}
	})
}

func TestNonOperatorGets403OnProQueue(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, engine)
		u := signUp(t, a, "Fanny Freelance", "fanny@example.com")
		f := seller(t, a, u, "Fanny Studio")
		app, err := a.Catalog.ApplyForPro(ctx, u, f.ID, "Ten years of logos.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Users.CreateOperator(ctx, users.NewUser{Name: "Olivia Operator", Email: "olivia@example.com", Password: "correct horse"}); err != nil {
			t.Fatal(err)
		}

		b := newBrowser(t, srv)
		b.signIn("fanny@example.com", "correct horse")
		status, body, _ := b.do("GET", "/operator/pro-applications", nil)
		if status != http.StatusForbidden || !strings.Contains(body, i18n.T("en", "error.operator_only")) {
			t.Fatalf("GET queue: status %d, want 403 saying why", status)
		}
		if strings.Contains(body, "Ten years of logos.") || strings.Contains(body, `href="/operator/pro-applications"`) {
			t.Error("a non-operator sees the queue or its link")
		}
		if status, _, _ := b.do("POST", "/operator/pro-applications/"+app.ID+"/approve", url.Values{}); status != http.StatusForbidden {
			t.Fatalf("POST approve: status %d, want 403", status)
		}
		if got, _, _ := a.Catalog.FreelancerOf(ctx, u.ID); got.Pro {
			t.Fatal("a non-operator granted the badge")
		}

		op := newBrowser(t, srv)
		op.signIn("olivia@example.com", "correct horse")
		status, body, _ = op.do("GET", "/operator/pro-applications", nil)
		if status != http.StatusOK || !strings.Contains(body, "Ten years of logos.") || !strings.Contains(body, "Fanny Studio") {
			t.Fatalf("operator: status %d, the application is not listed", status)
		}
		status, body, _ = op.do("POST", "/operator/pro-applications/"+app.ID+"/reject", url.Values{"reason": {"  "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-`+app.ID+`-error">`+i18n.T("en", "error.required")) {
			t.Fatalf("reject without reason: status %d, no inline error on the row", status)
		}
		status, _, h := op.do("POST", "/operator/pro-applications/"+app.ID+"/approve", url.Values{})
		if status != http.StatusSeeOther || h.Get("Location") != "/operator/pro-applications" {
			t.Fatalf("approve: status %d", status)
		}
		if got, _, _ := a.Catalog.FreelancerOf(ctx, u.ID); !got.Pro {
			t.Fatal("approved, but no badge")
		}
	})
}

func TestNegativePackagePriceShowsErrorOnItsRowAndStoresNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		u := signUp(t, a, "Fanny Freelance", "fanny@example.com")
		seller(t, a, u, "Fanny Studio")
		b := newBrowser(t, srv)
		b.signIn("fanny@example.com", "correct horse")
		// The second row is left empty: the third is the offer's second
		// package, and its error must land on the third row.
		form := url.Values{
			"title": {"Logo design for your startup"}, "description": {"Three concepts."}, "category": {"graphics-design"},
			"max_quantity":     {"3"},
			"packages[0].name": {"Basic"}, "packages[0].price": {"25.00"}, "packages[0].delivery_days": {"3"}, "packages[0].revisions": {"1"},
			"packages[2].name": {"Premium"}, "packages[2].price": {"-5.00"}, "packages[2].delivery_days": {"7"}, "packages[2].revisions": {"2"},
		}
		status, body, _ := b.do("POST", "/sell/services", form)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", status)
		}
		want := `<p class="field-error" id="f-packages[2]-price-error">` + i18n.T("en", "error.amount_not_positive") + `</p>`
		if !strings.Contains(body, want) {
			t.Errorf("no error on the third row's price %q", want)
		}
		if strings.Contains(body, `id="f-packages[1]-price-error"`) {
			t.Error("the error landed on the empty row")
		}
		if !strings.Contains(body, `value="-5.00"`) || !strings.Contains(body, `value="Logo design for your startup"`) {
			t.Error("what was typed was not kept")
		}
		var n int
		if err := a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM services`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d services stored after a refused form", n)
		}

		form.Set("packages[2].price", "99.50")
		status, _, h := b.do("POST", "/sell/services", form)
		if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/services/svc_") {
			t.Fatalf("fixed form: status %d, location %q", status, h.Get("Location"))
		}
		l, err := a.Catalog.Listing(context.Background(), strings.TrimPrefix(h.Get("Location"), "/services/"))
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Packages) != 2 || l.Packages[1].Name != "Premium" || l.Packages[1].Price.Amount != 9950 || l.MaxQuantity != 3 {
			t.Errorf("stored %+v", l)
		}
	})
}

func TestProfileViewIsRememberedAsRecentlyViewed(t *testing.T) {
	t.Parallel()
	a, srv := setup(t, db.SQLite)
	u := signUp(t, a, "Fanny Freelance", "fanny@example.com")
	f := seller(t, a, u, "Fanny Studio")
	signUp(t, a, "Bob Buyer", "bob@example.com")
	b := newBrowser(t, srv)
	b.signIn("bob@example.com", "correct horse")
	if status, _, _ := b.do("GET", "/freelancers/"+f.ID, nil); status != http.StatusOK {
		t.Fatalf("profile: status %d", status)
	}
	for _, p := range []string{"/", "/services"} {
		_, body, _ := b.do("GET", p, nil)
		if !strings.Contains(body, i18n.T("en", "catalog.recently_viewed")) || !strings.Contains(body, `href="/freelancers/`+f.ID+`"`) {
			t.Errorf("%s: no recently viewed strip with the profile", p)
		}
	}
}
