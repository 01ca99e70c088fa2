package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/i18n"
	"atelier/internal/money"
	"atelier/internal/orders"
)

// A French user (her saved language wins over the browser's English) sees
// the dashboard, an order page and a cancellation's progress bar in
// French, with dates and money the French way, and no English sentence of
// the catalog left on those pages.
func TestFrenchUserSeesDashboardOrderAndCancellationInFrench(t *testing.T) {
	story(t, func(t *testing.T, srv *server, browser context.Context, _ bool) {
		ctx := context.Background()
		a := srv.App
		amelie, fanny := srv.signUp(t, "Amélie Durand", "amelie@example.com"), srv.signUp(t, "Fanny Moreau", "fanny@example.com")
		if _, err := a.Users.SetLocale(ctx, amelie, "fr"); err != nil {
			t.Fatal(err)
		}
		acc, err := a.Accounts.Create(ctx, amelie, "Atelier Durand", "EUR")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Billing.AddCard(ctx, amelie, acc.ID, "tok_visa"); err != nil {
			t.Fatal(err)
		}
		// A French company with its VAT number: it owes French VAT.
		if _, err := a.Billing.SetBillingInfo(ctx, amelie, acc.ID, billing.BillingInfo{Company: "Atelier Durand SARL", Country: "FR", VATID: "FR12345678901"}); err != nil {
			t.Fatal(err)
		}
		studio, err := a.Catalog.CreateFreelancer(ctx, fanny, catalog.Profile{DisplayName: "Studio Moreau", Headline: "Identités visuelles",
			Country: "FR", HourlyRate: money.New(8000, "EUR")})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := a.Catalog.CreateService(ctx, fanny, catalog.Offer{FreelancerID: studio.ID, Title: "Identité visuelle complète",
			Description: "Logo, palette et typographies.", Category: "graphics-design", MaxQuantity: 1, Packages: []catalog.Package{
				{Name: "Essentiel", Price: money.New(123400, "EUR"), DeliveryDays: 5, Revisions: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		o, err := a.Orders.Place(ctx, amelie, orders.NewOrder{AccountID: acc.ID, ServiceID: svc.ID, Package: "Essentiel", Quantity: 1,
			Requirements: "Un logo pour notre lettre d’information."}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Resolutions.RequestCancellation(ctx, fanny, o.ID, "Je suis malade."); err != nil {
			t.Fatal(err)
		}

		am := srv.signedIn(t, browser, "Amélie", "amelie@example.com")
		am.open("/")
		am.sees(i18n.T("fr", "nav.home"), i18n.T("fr", "nav.orders"), "Fanny Moreau demande l’annulation")
		englishLeft(t, "dashboard", am.pageText())

		am.open("/orders/" + o.ID)
		// 1 234,00 + 67,87 of fees, and 20% VAT on top: 260,37.
		am.sees(i18n.T("fr", "order.progress.days_left_other", "count", 2), "Je suis malade.", "1\u202f234,00\u00a0€",
			i18n.T("fr", "order.price.vat"), "260,37\u00a0€")
		if got := am.within("#progress-text"); !strings.Contains(got, "Annulation demandée") {
			t.Fatalf("the progress bar reads %q", got)
		}
		englishLeft(t, "order page", am.pageText())

		// Its invoice says the same: 20% VAT, not "TVA non applicable".
		am.open("/invoices/" + o.InvoiceID)
		am.sees("Atelier Durand SARL", "FR12345678901", "260,37\u00a0€", "1\u202f562,24\u00a0€")
		am.seesNot(i18n.T("fr", "invoice.vat_not_applicable"))
		englishLeft(t, "invoice page", am.pageText())
	})
}

// englishLeft fails when a page in French shows a sentence of the English
// catalog that French words differently (names, amounts and what users
// typed are not in the catalog).
func englishLeft(t *testing.T, page, text string) {
	t.Helper()
	placeholder := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, key := range i18n.Keys("en") {
		en, fr := i18n.T("en", key), i18n.T("fr", key)
		if en == fr {
			continue
		}
		// The longest run of words between placeholders: "Cancellation
		// requested" of "Cancellation requested: cancelled … on {date}".
		for _, part := range placeholder.Split(en, -1) {
			part = strings.TrimSpace(strings.Trim(part, ".:,·—-–()"))
			if len(strings.Fields(part)) < 3 {
				continue
			}
			if strings.Contains(text, part) {
				t.Errorf("%s: English left (%s): %q", page, key, part)
			}
		}
	}
}
