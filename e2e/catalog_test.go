package e2e

import (
	"context"
	"strings"
	"testing"

	"atelier/internal/app/apptest"
	"atelier/internal/db"
	"atelier/internal/demo"
	"atelier/internal/users"
)

// signIn signs a person in through the sign-in page.
func (p *person) signIn(email, password string) {
	p.t.Helper()
	p.open("/signin")
	p.fill("#f-email", email)
	p.fill("#f-password", password)
	p.click(`form[action="/signin"] button[type="submit"]`)
}

// signedIn opens a browser context for name and signs in as email, with
// the password every story gives its people.
func (s *server) signedIn(t *testing.T, browser context.Context, name, email string) *person {
	t.Helper()
	p := s.person(t, browser, name)
	p.signIn(email, "correct horse battery")
	return p
}

// signUp signs a person up through the sign-up page, verifies their
// address (verifyEmail) and signs them in, on the home page.
func (p *person) signUp(name, email, password string) {
	p.t.Helper()
	p.open("/signup")
	p.fill("#f-name", name)
	p.fill("#f-email", email)
	p.fill("#f-password", password)
	p.click(`form[action="/signup"] button[type="submit"]`)
	p.sees("Check your e-mail")
	p.verifyEmail(email)
	p.signIn(email, password)
}

// verifyEmail opens the link e-mailed to the address at sign-up, confirms
// it, and goes back to the home page.
func (p *person) verifyEmail(email string) {
	p.t.Helper()
	p.open(apptest.EmailLink(p.t, p.srv.App.DB, email, "email_verify")) // written with the sign-up: no wait
	p.click("#verify-submit")
	p.sees("Your e-mail address is verified.")
	p.open("/")
}

// typeIn types into an empty field (chromedp cannot clear an empty
// textarea).
func (p *person) typeIn(css, value string) {
	p.t.Helper()
	p.do("type in "+css, insertText(css, value))
}

// The catalog story of PRODUCT.md §5 in a browser: a freelancer opens a
// seller profile and lists a service with two packages; a buyer finds it
// with filters and works out the price of three; the freelancer applies
// for Pro, an operator approves, and the buyer sees the badge in search.
func TestFreelancerListsServiceBuyerFindsItOperatorVetsIt(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, _ bool) {
		// Fanny signs up and opens her seller profile.
		fanny := srv.person(t, browser, "Fanny")
		fanny.signUp("Fanny Fontaine", "fanny@example.com", "correct horse battery")
		fanny.click(`.mainnav a[href="/sell"]`)
		fanny.sees("Start selling on Atelier")
		fanny.fill("#f-display-name", "Fanny Studio")
		fanny.fill("#f-headline", "Logos and brand identities for startups")
		fanny.typeIn("#f-bio", "Ten years of logos for young companies.")
		fanny.fill("#f-skills", "logo design, branding, Figma")
		fanny.fill("#f-languages", "French, English")
		fanny.fill("#f-country", "fr")
		fanny.fill("#f-hourly-rate", "80")
		fanny.choose("#f-currency", "USD")
		fanny.click(`form[action="/sell/profile"] button[type="submit"]`)
		fanny.sees("Your seller profile is ready.", "Fanny Studio", "You offer no services yet.")

		// She lists a service with two packages; the third row stays empty.
		fanny.click(`.page-head a[href="/sell/services/new"]`)
		fanny.fill("#f-title", "Minimal logo design for your startup")
		fanny.typeIn("#f-description", "Three logo concepts, then the one you choose in every format.")
		fanny.choose("#f-category", "graphics-design")
		fanny.fill("#f-max-quantity", "5")
		fanny.fill(`input[name="packages[0].name"]`, "Basic")
		fanny.fill(`input[name="packages[0].description"]`, "One concept")
		fanny.fill(`input[name="packages[0].price"]`, "25.00")
		fanny.fill(`input[name="packages[0].delivery_days"]`, "3")
		fanny.fill(`input[name="packages[0].revisions"]`, "1")
		fanny.fill(`input[name="packages[1].name"]`, "Standard")
		fanny.fill(`input[name="packages[1].price"]`, "40")
		fanny.fill(`input[name="packages[1].delivery_days"]`, "5")
		fanny.fill(`input[name="packages[1].revisions"]`, "3")
		fanny.click(`form[action="/sell/services"] button[type="submit"]`)
		fanny.sees("Your service is listed.", "Minimal logo design for your startup", "Basic", "Standard", "$25.00", "$40.00")
		if n := fanny.count(".package"); n != 2 {
			t.Fatalf("the service shows %d packages, want 2", n)
		}

		// And applies for the Pro badge.
		fanny.open("/sell")
		fanny.typeIn("#f-message", "Portfolio at fanny.example; forty logos for funded startups.")
		fanny.click(`form[action="/sell/pro"] button[type="submit"]`)
		fanny.sees("Your application was sent to the vetting team.", "Application under review")

		// Bob searches with words, a category and a maximum price.
		bob := srv.person(t, browser, "Bob")
		bob.signUp("Bob Buyer", "bob@example.com", "correct horse battery")
		bob.click(`.mainnav a[href="/services"]`)
		bob.fill("#f-q", "logo")
		bob.choose("#f-category", "graphics-design")
		bob.fill("#f-max-price", "30")
		bob.click(`.searchbar button[type="submit"]`)
		bob.sees("1 service", "Minimal logo design for your startup", "Fanny Studio", "$25.00")
		if n := bob.count(".service-card .badge-pro"); n != 0 {
			t.Fatal("a Pro badge shows before vetting")
		}
		searchURL := strings.TrimPrefix(bob.location(), srv.URL)
		if !strings.Contains(searchURL, "max_price=30") || !strings.Contains(searchURL, "category=graphics-design") {
			t.Fatalf("the search URL %q does not carry the filters", searchURL)
		}
		// A maximum price below the cheapest package finds nothing.
		bob.fill("#f-max-price", "20")
		bob.click(`.searchbar button[type="submit"]`)
		bob.sees("0 services", "No service matches your search.")
		bob.open(searchURL)

		// He opens the service; the total follows the quantity as he types.
		bob.click(`.service-card h3 a`)
		bob.sees("Minimal logo design for your startup", "Ordering needs a business account.")
		if got := bob.within("#total"); got != "$25.00" {
			t.Fatalf("the total for one reads %q", got)
		}
		if n := bob.count("#recalc[hidden]"); n != 1 {
			t.Error("the no-JavaScript button shows while the total updates live")
		}
		bob.fill("#f-quantity", "3")
		if got := bob.within("#total"); got != "$75.00" {
			t.Fatalf("the total for 3 × $25.00 reads %q", got)
		}
		bob.check(`input[name="package"][value="2"]`)
		if got := bob.within("#total"); got != "$120.00" {
			t.Fatalf("the total for 3 × $40.00 reads %q", got)
		}
		if n := bob.count(`button[disabled]`); n != 1 {
			t.Error("the order button is not disabled for a buyer without a business account")
		}
		// He looks at the seller's profile: it is remembered.
		bob.click(`.seller-card a.btn`)
		bob.sees("Fanny Studio", "Logos and brand identities for startups", "logo design", "$80.00/hour")

		// Olivia, an operator, approves Fanny in the vetting queue.
		if _, err := srv.App.Users.CreateOperator(context.Background(), users.NewUser{Name: "Olivia Operator", Email: "olivia@example.com", Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		olivia := srv.signedIn(t, browser, "Olivia", "olivia@example.com")
		olivia.click(`.mainnav a[href="/operator/pro-applications"]`)
		olivia.sees("Pro applications", "Fanny Studio", "Portfolio at fanny.example")
		olivia.click(`form[action$="/approve"] button`)
		olivia.sees("Fanny Studio now has the Pro badge.", "No application is waiting.")
		olivia.click(`.tabs a[href$="status=approved"]`)
		olivia.sees("Fanny Studio")

		// Bob's search now shows the badge on the card.
		bob.open(searchURL)
		bob.sees("Minimal logo design for your startup", "Recently viewed")
		if n := bob.count(".service-card .badge-pro"); n != 1 {
			t.Fatalf("%d Pro badges on the results after approval, want 1", n)
		}
		// And Fanny's dashboard says so.
		fanny.open("/sell")
		fanny.sees("Your profile is vetted")
	})
}

// Screenshots of the catalog on the demo marketplace (only with
// -screenshots): search, a service, a profile, the vetting queue and the
// seller dashboard.
func TestCatalogScreenshots(t *testing.T) {
	t.Parallel()
	if !*screenshots {
		t.Skip("only with -screenshots")
	}
	srv := start(t, db.SQLite)
	a := srv.App
	if _, err := demo.Fill(context.Background(), demo.Services{DB: a.DB, Users: a.Users, Accounts: a.Accounts, Catalog: a.Catalog},
		demo.Options{Services: 300}); err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t)

	milo := srv.person(t, browser, "Milo")
	milo.signIn("member@northwind.test", demo.Password)
	// A few profiles viewed, for the recently viewed strip.
	for _, i := range []string{"5", "3", "1"} {
		milo.open("/services?sort=rating")
		milo.click(`.service-card:nth-child(` + i + `) h3 a`)
		milo.click(`.seller-card a.btn`)
	}
	milo.screenshot("freelancer-profile") // the best rated service's seller
	milo.open("/services?q=complete+brand+identity+software&pro=true")
	milo.click(`.service-card h3 a`)
	milo.sees("Complete brand identity for your B2B software company")
	milo.open(strings.TrimPrefix(milo.location(), srv.URL) + "?package=2&quantity=2")
	milo.screenshot("service")
	milo.open("/services?category=graphics-design&sort=rating")
	milo.screenshot("search")

	olivia := srv.person(t, browser, "Olivia")
	olivia.signIn("operator@atelier.test", demo.Password)
	olivia.open("/operator/pro-applications")
	olivia.sees("Andrés Ortega")
	olivia.screenshot("operator-pro-queue")

	fanny := srv.person(t, browser, "Fanny")
	fanny.signIn("freelancer@atelier.test", demo.Password)
	fanny.open("/sell")
	fanny.screenshot("seller-dashboard")
}
