package e2e

import (
	"context"
	"testing"

	"atelier/internal/accounts"
	"atelier/internal/app"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/money"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// studio is where most stories start: Alice Martin, admin of Acme Studio
// (USD, a card on file), and Fanny Moreau, who sells one service with a
// "Basic" package. Passwords are "correct horse battery".
type studio struct {
	alice, fanny users.User
	acc          accounts.Account
	profile      catalog.Freelancer
	service      catalog.Listing
}

// studioService is what Fanny's service says and costs.
type studioService struct {
	headline, title, description string
	price                        int64 // USD cents
	revisions                    int
}

// brandIdentity is the service most stories order: one Basic package at
// $300.00 with one revision.
var brandIdentity = studioService{headline: "Brand identities", title: "Brand identity for your startup",
	description: "Logo, palette and type.", price: 30000, revisions: 1}

func (s *server) signUp(t *testing.T, name, email string) users.User {
	t.Helper()
	u, err := s.App.Users.SignUp(context.Background(), users.NewUser{Name: name, Email: email, Password: "correct horse battery"})
	if err == nil {
		u, err = s.App.Users.MarkVerified(context.Background(), u.Email)
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// join makes u a member of the account: admin invites, u accepts.
func (s *server) join(t *testing.T, admin users.User, accountID string, u users.User) {
	t.Helper()
	ctx := context.Background()
	inv, err := s.App.Accounts.Invite(ctx, admin, accountID, u.Email, accounts.Member)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Accounts.AcceptInvitation(ctx, u, inv.ID); err != nil {
		t.Fatal(err)
	}
}

func (s *server) studio(t *testing.T, svc studioService) studio {
	t.Helper()
	ctx, a := context.Background(), s.App
	st := s.studioProfile(t, svc.headline)
	var err error
	if st.service, err = a.Catalog.CreateService(ctx, st.fanny, catalog.Offer{FreelancerID: st.profile.ID, Title: svc.title,
		Description: svc.description, Category: "graphics-design", MaxQuantity: 1, Packages: []catalog.Package{
			{Name: "Basic", Price: money.New(svc.price, "USD"), DeliveryDays: 5, Revisions: svc.revisions}}}); err != nil {
		t.Fatal(err)
	}
	return st
}

// studioProfile is the studio before Fanny lists her service: Alice, Acme
// Studio with its card, and Fanny's seller profile (80.00 an hour) under
// headline; service is the zero Listing.
func (s *server) studioProfile(t *testing.T, headline string) studio {
	t.Helper()
	ctx, a := context.Background(), s.App
	st := studio{alice: s.signUp(t, "Alice Martin", "alice@example.com"), fanny: s.signUp(t, "Fanny Moreau", "fanny@example.com")}
	var err error
	if st.acc, err = a.Accounts.Create(ctx, st.alice, "Acme Studio", "USD"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Billing.AddCard(ctx, st.alice, st.acc.ID, "tok_visa"); err != nil {
		t.Fatal(err)
	}
	american(t, a, st.alice, st.acc.ID)
	if st.profile, err = a.Catalog.CreateFreelancer(ctx, st.fanny, catalog.Profile{DisplayName: "Fanny Studio", Headline: headline,
		Country: "FR", HourlyRate: money.New(8000, "USD")}); err != nil {
		t.Fatal(err)
	}
	return st
}

// american makes an account an American company's: billed without VAT
// (outside the EU), so the stories' amounts are the prices'.
func american(t *testing.T, a *app.App, admin users.User, accountID string) {
	t.Helper()
	if _, err := a.Billing.SetBillingInfo(context.Background(), admin, accountID, billing.BillingInfo{Country: "US"}); err != nil {
		t.Fatal(err)
	}
}

// orderBasic places buyer's order of one Basic package of the studio's
// service, in Acme Studio.
func (s *server) orderBasic(t *testing.T, st studio, buyer users.User, requirements string) orders.Order {
	t.Helper()
	o, err := s.App.Orders.Place(context.Background(), buyer, orders.NewOrder{AccountID: st.acc.ID, ServiceID: st.service.ID,
		Package: "Basic", Quantity: 1, Requirements: requirements}, "")
	if err != nil {
		t.Fatal(err)
	}
	return o
}
