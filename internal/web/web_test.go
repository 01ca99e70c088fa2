package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/accounts"
	"atelier/internal/app"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/orders/attachments"
	"atelier/internal/orders/hourly"
	"atelier/internal/orders/offers"
	"atelier/internal/users"
)

// setup starts the whole Atelier handler on a fresh database.
func setup(t *testing.T, engine db.Engine) (*app.App, *httptest.Server) {
	t.Helper()
	users.UseTestCost()
	cfg := dbtest.Config(t, engine)
	a, err := app.New(context.Background(), app.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.URL, TestMode: true, TestStart: clocktest.Start(t),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return a, srv
}

// browser is an HTTP client with its own cookies that does not follow
// redirects, so a test sees each answer.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(method, path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", "en")
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(text), res.Header
}

func (b *browser) signIn(email, password string) {
	b.t.Helper()
	status, _, h := b.do("POST", "/signin", url.Values{"email": {email}, "password": {password}})
	if status != http.StatusSeeOther || h.Get("Location") != "/" {
		b.t.Fatalf("sign in %s: status %d, location %q", email, status, h.Get("Location"))
	}
}

func signUp(t *testing.T, a *app.App, name, email string) users.User {
	t.Helper()
	u, err := a.Users.SignUp(context.Background(), users.NewUser{Name: name, Email: email, Password: "correct horse"})
	if err == nil {
		u, err = a.Users.MarkVerified(context.Background(), u.Email)
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSignUpWithBadEmailShowsInlineErrorAndCreatesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		b := newBrowser(t, srv)
		status, body, h := b.do("POST", "/signup", url.Values{"name": {"Ada Lovelace"}, "email": {"ada-at-example"}, "password": {"correct horse"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", status)
		}
		want := `<p class="field-error" id="f-email-error">` + i18n.T("en", "error.email_invalid") + `</p>`
		if !strings.Contains(body, want) {
			t.Errorf("no inline e-mail error %q in the page:\n%s", want, body)
		}
		if !strings.Contains(body, `value="Ada Lovelace"`) {
			t.Error("the name typed was not kept")
		}
		if strings.Contains(body, "correct horse") {
			t.Error("the password is shown back")
		}
		for _, c := range (&http.Response{Header: h}).Cookies() {
			if c.Name == "atelier_session" && c.Value != "" {
				t.Error("a session cookie was set")
			}
		}
		var n int
		if err := a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d users exist after a refused sign-up", n)
		}
	})
}

func TestStrangerGets404OnMembersPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		a, srv := setup(t, engine)
		admin := signUp(t, a, "Alice Admin", "alice@example.com")
		signUp(t, a, "Mallory", "mallory@example.com")
		acc, err := a.Accounts.Create(context.Background(), admin, "Acme", "EUR")
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, srv)
		b.signIn("mallory@example.com", "correct horse")
		status, body, _ := b.do("GET", "/accounts/"+acc.ID+"/members", nil)
		if status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", status)
		}
		if strings.Contains(body, "alice@example.com") || strings.Contains(body, "Acme") {
			t.Error("the 404 page shows the account's data")
		}
		if !strings.Contains(body, i18n.T("en", "error.account_not_found")) {
			t.Error("the 404 page does not say the account does not exist")
		}
	})
}

func TestMemberCannotSavePolicies(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, engine db.Engine) {
		ctx := context.Background()
		a, srv := setup(t, engine)
		admin, _, acc := team(t, a)
		b := newBrowser(t, srv)
		b.signIn("bob@example.com", "correct horse")

		status, body, _ := b.do("GET", "/accounts/"+acc.ID+"/policies", nil)
		if status != http.StatusOK {
			t.Fatalf("GET policies: status %d", status)
		}
		if strings.Contains(body, i18n.T("en", "policies.save")) {
			t.Error("a member sees the save button")
		}
		if !strings.Contains(body, i18n.T("en", "policies.read_only")) {
			t.Error("a member is not told the policies are read-only")
		}

		status, body, _ = b.do("POST", "/accounts/"+acc.ID+"/policies", url.Values{"invitation_approval": {"on"}, "member_monthly_limit": {"10.00"}})
		if status != http.StatusForbidden {
			t.Fatalf("POST policies: status %d, want 403", status)
		}
		if !strings.Contains(body, i18n.T("en", "error.role_not_allowed")) {
			t.Error("the 403 page does not say why")
		}
		p, err := a.Accounts.Policies(ctx, admin, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.InvitationApproval || p.MemberMonthlyLimit != nil {
			t.Errorf("policies changed by a member: %+v", p)
		}
	})
}

func TestAdminSavesPoliciesAsDecimalAmounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, srv := setup(t, db.SQLite)
	admin := signUp(t, a, "Alice Admin", "alice@example.com")
	acc, err := a.Accounts.Create(ctx, admin, "Acme", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn("alice@example.com", "correct horse")

	status, body, _ := b.do("POST", "/accounts/"+acc.ID+"/policies", url.Values{"order_approval_threshold": {"12,5x"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.T("en", "error.amount_invalid")) {
		t.Fatalf("bad amount: status %d, no inline error", status)
	}
	if !strings.Contains(body, `value="12,5x"`) {
		t.Error("the amount typed was not kept")
	}

	status, _, h := b.do("POST", "/accounts/"+acc.ID+"/policies", url.Values{"invitation_approval": {"on"}, "order_approval_threshold": {"250.00"}, "member_monthly_limit": {"1,000.50"}})
	if status != http.StatusSeeOther || h.Get("Location") != "/accounts/"+acc.ID+"/policies" {
		t.Fatalf("save: status %d, location %q", status, h.Get("Location"))
	}
	p, err := a.Accounts.Policies(ctx, admin, acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.InvitationApproval || p.OrderApprovalThreshold == nil || p.OrderApprovalThreshold.Amount != 25000 ||
		p.MemberMonthlyLimit == nil || p.MemberMonthlyLimit.Amount != 100050 {
		t.Fatalf("saved policies %+v", p)
	}
	_, body, _ = b.do("GET", "/accounts/"+acc.ID+"/policies", nil)
	if !strings.Contains(body, i18n.T("en", "flash.policies_saved")) || !strings.Contains(body, `value="250.00"`) {
		t.Error("the saved page shows no flash or not the saved threshold")
	}
	_, body, _ = b.do("GET", "/accounts/"+acc.ID+"/audit-log", nil)
	for _, want := range []string{i18n.T("en", "audit.action.policies.changed"), "€250.00", "€1,000.50"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	// A typo is refused, not read as a thousand times more.
	status, body, _ = b.do("POST", "/accounts/"+acc.ID+"/policies", url.Values{"order_approval_threshold": {"12.345"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.T("en", "error.amount_too_precise", "decimals", 2)) {
		t.Fatalf("12.345: status %d, no inline error", status)
	}
	// In French the comma is the decimal one, spaces group thousands.
	b.do("POST", "/lang", url.Values{"lang": {"fr"}})
	if status, _, _ := b.do("POST", "/accounts/"+acc.ID+"/policies", url.Values{"order_approval_threshold": {"250"}, "member_monthly_limit": {"2\u202f000,75"}}); status != http.StatusSeeOther {
		t.Fatalf("French save: status %d", status)
	}
	if p, _ := a.Accounts.Policies(ctx, admin, acc.ID); p.MemberMonthlyLimit == nil || p.MemberMonthlyLimit.Amount != 200075 {
		t.Fatalf("French amount saved as %+v", p.MemberMonthlyLimit)
	}
}

func TestSignedOutVisitorIsSentToSignIn(t *testing.T) {
	t.Parallel()
	_, srv := setup(t, db.SQLite)
	b := newBrowser(t, srv)
	status, _, h := b.do("GET", "/invitations/inv_123", nil)
	if status != http.StatusSeeOther || h.Get("Location") != "/signin?next=%2Finvitations%2Finv_123" {
		t.Fatalf("status %d, location %q", status, h.Get("Location"))
	}
	status, body, _ := b.do("GET", "/no/such/page", nil)
	if status != http.StatusNotFound || !strings.Contains(body, i18n.T("en", "error.title.not_found")) {
		t.Fatalf("unknown page: status %d", status)
	}
}

// untranslated finds a message key shown instead of its message (i18n.T
// shows a missing key as itself) or a placeholder left unfilled.
var untranslated = regexp.MustCompile(`(^|[\s>"])(nav|flash|audit|policies|members|invitations?|my_invitations|accounts?|account_new|role|common|error|date|dashboard|landing|signup|signin|currency|rewards|lang|footer|search|service|service_form|sell|catalog|freelancer|operator|category|billing|invoices?|earnings|orders?|approvals|hourly)\.[a-z_.A-Z]+|\{[a-z_]+\}`)

// Every page renders, in English and in French, for the admin and for a
// member, with every word translated.
func TestPagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, srv := setup(t, db.SQLite)
	admin := signUp(t, a, "Alice Admin", "alice@example.com")
	bob := signUp(t, a, "Bob Member", "bob@example.com")
	signUp(t, a, "Carol", "carol@example.com")
	acc, err := a.Accounts.Create(ctx, admin, "Acme", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	inv, _ := a.Accounts.Invite(ctx, admin, acc.ID, bob.Email, accounts.Member)
	if _, err := a.Accounts.AcceptInvitation(ctx, bob, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.SetPolicies(ctx, admin, acc.ID, accounts.Policies{InvitationApproval: true}); err != nil {
		t.Fatal(err)
	}
	pending, err := a.Accounts.Invite(ctx, bob, acc.ID, "dave@example.com", accounts.Member)
	if err != nil {
		t.Fatal(err)
	}
	carolInv, err := a.Accounts.Invite(ctx, admin, acc.ID, "carol@example.com", accounts.BillingManager)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Accounts.ChangeRole(ctx, admin, acc.ID, bob.ID, accounts.BillingManager); err != nil {
		t.Fatal(err)
	}

	// A marketplace: Alice sells as an agency with Bob on her team, one
	// service reviewed and one paused, and applications in each state.
	shop, err := a.Catalog.CreateFreelancer(ctx, admin, catalog.Profile{DisplayName: "Alice Studio", Headline: "Brand design",
		Bio: "Ten years of brands.", Skills: []string{"branding"}, Languages: []string{"English"}, Country: "FR",
		HourlyRate: money.New(9000, "EUR"), Agency: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Catalog.AddAgencyMember(ctx, admin, shop.ID, bob.Email, "Designer"); err != nil {
		t.Fatal(err)
	}
	offer := catalog.Offer{FreelancerID: shop.ID, Title: "Logo design for your startup", Description: "Three concepts.",
		Category: "graphics-design", MaxQuantity: 3, Packages: []catalog.Package{
			{Name: "Basic", Description: "One concept", Price: money.New(2500, "EUR"), DeliveryDays: 1, Revisions: 1},
			{Name: "Premium", Price: money.New(9000, "EUR"), DeliveryDays: 5, Revisions: 3}}}
	svc, err := a.Catalog.CreateService(ctx, admin, offer)
	if err != nil {
		t.Fatal(err)
	}
	offer.Title = "Brand book for your company"
	paused, err := a.Catalog.CreateService(ctx, admin, offer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Catalog.SetPaused(ctx, admin, paused.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := catalog.PublishReview(ctx, tx, svc.ID, "", "Zoé", 5, "Lovely work.")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	op, err := a.Users.CreateOperator(ctx, users.NewUser{Name: "Olivia Operator", Email: "olivia@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	for i, who := range []users.User{bob, signUp(t, a, "Dan", "dan@example.com"), signUp(t, a, "Eve", "eve@example.com")} {
		f, err := a.Catalog.CreateFreelancer(ctx, who, catalog.Profile{DisplayName: who.Name, Country: "US", HourlyRate: money.New(5000, "USD")})
		if err != nil {
			t.Fatal(err)
		}
		app, err := a.Catalog.ApplyForPro(ctx, who, f.ID, "Please.")
		if err != nil {
			t.Fatal(err)
		}
		switch i {
		case 1:
			_, err = a.Catalog.ApproveProApplication(ctx, op, app.ID)
		case 2:
			_, err = a.Catalog.RejectProApplication(ctx, op, app.ID, "Not enough reviews yet.")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// Money: a card, a deposit large enough to earn credit (its invoice),
	// and some spend toward Gold.
	if _, err := a.Billing.AddCard(ctx, admin, acc.ID, "tok_visa"); err != nil {
		t.Fatal(err)
	}
	dep, err := a.Billing.Deposit(ctx, admin, acc.ID, money.New(1200000, "EUR"), "", "pages")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Billing.SetBillingInfo(ctx, admin, acc.ID, billing.BillingInfo{Company: "Acme SARL", Address: "1 rue de Rivoli\n75001 Paris",
		Country: "FR", VATID: "FR99123456789", Email: "compta@acme.test"}); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.InTx(ctx, func(tx *db.Tx) error {
		return a.Billing.RecordSpend(ctx, tx, acc.ID, "ord_pages", money.New(150000, "EUR"))
	}); err != nil {
		t.Fatal(err)
	}
	// Orders in each state, from Gus's service: one delivered with a
	// file, one completed with Alice's review, one waiting for approval
	// and one rejected.
	gus := signUp(t, a, "Gus", "gus@example.com")
	gusShop, err := a.Catalog.CreateFreelancer(ctx, gus, catalog.Profile{DisplayName: "Gus Motion", Country: "FR", HourlyRate: money.New(7000, "EUR")})
	if err != nil {
		t.Fatal(err)
	}
	video, err := a.Catalog.CreateService(ctx, gus, catalog.Offer{FreelancerID: gusShop.ID, Title: "Explainer video", Description: "60 seconds.",
		Category: "video-animation", MaxQuantity: 4, Packages: []catalog.Package{{Name: "Basic", Price: money.New(40000, "EUR"), DeliveryDays: 7, Revisions: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	place := func(who users.User, quantity int) orders.Order {
		o, err := a.Orders.Place(ctx, who, orders.NewOrder{AccountID: acc.ID, ServiceID: video.ID, Package: "Basic", Quantity: quantity, Requirements: "Our product, in 60 s."}, "")
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	delivered, completed := place(admin, 2), place(admin, 1)
	for _, id := range []string{delivered.ID, completed.ID} {
		if _, err := a.Orders.Deliver(ctx, gus, id, "Here it is.", []attachments.File{{Name: "cut.pdf", ContentType: "application/pdf", Size: 3, Data: []byte("pdf")}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Orders.Message(ctx, admin, delivered.ID, "Looks great!", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Orders.Accept(ctx, admin, completed.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reviews.WriteReview(ctx, admin, completed.ID, 5, "Superb."); err != nil {
		t.Fatal(err)
	}
	// Gus is Pro: an hourly contract with Acme, this week's report filed.
	approvePro(t, a, op, gus, gusShop.ID, "Reel.")
	rate := money.New(6000, "EUR")
	hourlyOffer, err := a.Offers.CreateOffer(ctx, gus, offers.NewOffer{AccountID: acc.ID, Kind: orders.KindHourly, Title: "Motion design, by the hour",
		Description: "Edits as needed.", HourlyRate: &rate, WeeklyLimitHours: 8})
	if err != nil {
		t.Fatal(err)
	}
	hourlyOrder, err := a.Offers.AcceptOffer(ctx, admin, hourlyOffer.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	today := a.Clock.Now().UTC().Format("2006-01-02")
	if _, err := a.Hourly.FileReport(ctx, gus, hourlyOrder.ID, hourly.NewReport{WeekStart: orders.WeekStart(a.Clock.Now()).Format("2006-01-02"),
		Days: []hourly.NewReportDay{{Date: today, Hours: 2.5, Note: "Storyboard edits."}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Hourly.SetWeeklyLimit(ctx, admin, hourlyOrder.ID, 6); err != nil {
		t.Fatal(err)
	}
	hourlyPages := []string{"/offers/" + hourlyOffer.ID, "/orders/" + hourlyOrder.ID, "/orders/" + hourlyOrder.ID + "/hourly/end"}
	threshold := money.New(50000, "EUR")
	if _, err := a.Accounts.SetPolicies(ctx, admin, acc.ID, accounts.Policies{InvitationApproval: true, OrderApprovalThreshold: &threshold}); err != nil {
		t.Fatal(err)
	}
	waiting, rejected := place(bob, 2), place(bob, 3)
	if _, err := a.Approvals.Reject(ctx, admin, rejected.ID, "Too much for this quarter."); err != nil {
		t.Fatal(err)
	}
	accPages := "/accounts/" + acc.ID
	// Gus's custom offers to Acme: one in milestones, accepted, its first
	// milestone delivered; one at a fixed price, pending; one declined.
	newOffer := func(kind orders.Kind) offers.Offer {
		in := offers.NewOffer{AccountID: acc.ID, Kind: kind, Title: "Launch film", Description: "Script, storyboard, film.", Revisions: 1}
		if kind == orders.KindFixed {
			price := money.New(80000, "EUR")
			in.Price, in.DeliveryDays = &price, 10
		} else {
			in.Milestones = []offers.OfferMilestone{{Title: "Script", Amount: money.New(30000, "EUR"), DeliveryDays: 3},
				{Title: "Film", Amount: money.New(90000, "EUR"), DeliveryDays: 10}}
		}
		of, err := a.Offers.CreateOffer(ctx, gus, in)
		if err != nil {
			t.Fatal(err)
		}
		return of
	}
	msOffer, fixedOffer, declinedOffer := newOffer(orders.KindMilestones), newOffer(orders.KindFixed), newOffer(orders.KindMilestones)
	msOrder, err := a.Offers.AcceptOffer(ctx, admin, msOffer.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Offers.DeliverMilestone(ctx, gus, msOrder.ID, msOrder.Milestones[0].ID, "The script.", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Offers.DeclineOffer(ctx, bob, declinedOffer.ID); err != nil {
		t.Fatal(err)
	}
	offerPages := []string{accPages + "/offers", accPages + "/offers?status=pending", "/offers/" + msOffer.ID, "/offers/" + fixedOffer.ID,
		"/offers/" + declinedOffer.ID, "/orders/" + msOrder.ID}
	pages := map[string][]string{}
	pages["alice@example.com"] = append(append(offerPages, "/orders/"+msOrder.ID+"/stop"), hourlyPages...)
	pages["bob@example.com"] = offerPages
	pages["gus@example.com"] = append([]string{"/sell/offers", "/offers/new", "/offers/new?order=" + delivered.ID, "/offers/" + msOffer.ID,
		"/offers/" + fixedOffer.ID, "/orders/" + msOrder.ID}, hourlyPages...)
	orderPages := []string{"/orders", "/orders?status=completed", "/orders?status=cancelled", "/orders?status=all",
		"/orders/" + delivered.ID, "/orders/" + completed.ID, "/orders/" + waiting.ID, "/orders/" + rejected.ID}
	catalogPages := []string{"/services", "/services?q=logo&category=graphics-design&sort=price_asc", "/services?q=nothing+matches",
		"/services/" + svc.ID + "?package=2&quantity=3", "/services/" + paused.ID, "/freelancers/" + shop.ID}

	for who, paths := range map[string][]string{
		"olivia@example.com": append([]string{"/operator/pro-applications", "/operator/pro-applications?status=approved",
			"/operator/pro-applications?status=rejected", "/sell", "/operator/hourly-disputes"}, append(catalogPages, "/")...),
		"dan@example.com": {"/sell"},
		"eve@example.com": {"/sell"},
		"alice@example.com": {"/sell", "/sell/services/new", "/sell/services/" + svc.ID + "/edit", "/services/" + svc.ID,
			"/freelancers/" + shop.ID, "/", "/accounts", "/accounts/new", "/accounts/" + acc.ID, "/accounts/" + acc.ID + "/members",
			"/accounts/" + acc.ID + "/invitations", "/accounts/" + acc.ID + "/policies", "/accounts/" + acc.ID + "/audit-log",
			"/invitations", "/invitations/" + pending.ID, accPages + "/billing", accPages + "/invoices", "/invoices/" + dep.InvoiceID,
			accPages + "/rewards", accPages + "/approvals", "/services/" + video.ID + "?quantity=2"},
		"gus@example.com": {"/orders", "/orders?status=completed", "/orders/" + delivered.ID, "/orders/" + completed.ID},
		"bob@example.com": {"/sell", "/", "/accounts/" + acc.ID, "/accounts/" + acc.ID + "/members", "/accounts/" + acc.ID + "/invitations",
			"/accounts/" + acc.ID + "/policies", "/invitations/" + inv.ID, accPages + "/billing", accPages + "/invoices", accPages + "/rewards"},
		"carol@example.com": {"/", "/invitations", "/invitations/" + carolInv.ID, "/settings", "/settings/security", "/settings/sessions",
			"/settings/security-log", "/settings/two-factor"},
		"": append([]string{"/", "/signin", "/signup?next=/invitations", "/password-reset", "/reset-password/made-up"}, catalogPages...),
	} {
		pages[who] = append(pages[who], paths...)
	}
	pages["alice@example.com"] = append(pages["alice@example.com"], orderPages...)
	pages["olivia@example.com"] = append(pages["olivia@example.com"], "/operator/people", "/operator/people?email=carol@example.com")
	pages["bob@example.com"] = append(pages["bob@example.com"], "/orders", "/orders/"+waiting.ID, "/orders/"+rejected.ID, "/services/"+video.ID)
	for _, lang := range i18n.Languages {
		for who, paths := range pages {
			b := newBrowser(t, srv)
			status, _, _ := b.do("POST", "/lang", url.Values{"lang": {lang}, "next": {"/"}})
			if status != http.StatusSeeOther {
				t.Fatalf("language switch: %d", status)
			}
			if who != "" {
				b.signIn(who, "correct horse")
			}
			for _, p := range paths {
				status, body, _ := b.do("GET", p, nil)
				if status != http.StatusOK {
					t.Errorf("%s %s GET %s: status %d", lang, who, p, status)
					continue
				}
				if !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s GET %s: page not in %s", lang, who, p, lang)
				}
				if m := untranslated.FindString(body); m != "" {
					t.Errorf("%s %s GET %s: untranslated %q", lang, who, p, m)
				}
			}
		}
	}
}

// A page a script fetches (Sec-Fetch-Mode: cors) leaves the flash to the
// page the person goes to.
func TestFetchedPageLeavesTheFlash(t *testing.T) {
	t.Parallel()
	a, srv := setup(t, db.SQLite)
	signUp(t, a, "Alice Admin", "alice@example.com")
	b := newBrowser(t, srv)
	b.signIn("alice@example.com", "correct horse") // leaves "You are signed in."
	req, _ := http.NewRequest("GET", srv.URL+"/services", nil)
	req.Header.Set("Sec-Fetch-Mode", "cors")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(body), i18n.T("en", "flash.signed_in")) {
		t.Fatal("a fetched page took the flash")
	}
	if _, body, _ := b.do("GET", "/", nil); !strings.Contains(body, i18n.T("en", "flash.signed_in")) {
		t.Fatal("the page the person goes to lost its flash")
	}
}
