// Package domaintest gives domain tests an Atelier without HTTP: the
// domain services wired as the app wires them, on a fresh test database
// and a test clock, and the people, accounts and freelancers most tests
// start from.
//
// It imports the domain packages, so it serves tests only, and a domain
// package's own tests use it from their external test package (package
// projects_test, not package projects), or the import would be a cycle.
package domaintest

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"atelier/internal/accounts"
	"atelier/internal/billing"
	"atelier/internal/catalog"
	"atelier/internal/clock"
	"atelier/internal/clock/clocktest"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/page"
	"atelier/internal/services"
	"atelier/internal/users"
)

// Password is every test person's password.
const Password = "correct horse"

// Env is one test's Atelier: a fresh migrated database on a test clock
// and every domain service on it.
type Env struct {
	Ctx   context.Context
	Clock *clock.Test
	DB    *db.DB
	// The domain services wired as the app wires them (services.New),
	// billing on the test payment provider and logging nowhere.
	services.Services
}

// New opens a fresh database of engine on a test clock starting at
// clocktest.Start and wires the services on it. Passwords are hashed at
// the test cost. Projects charges the default management fee; a test
// that needs another sets Projects.FeeBP.
func New(t testing.TB, engine db.Engine) *Env {
	t.Helper()
	users.UseTestCost()
	clk := clocktest.New(t)
	d := dbtest.Open(t, engine, clk)
	return &Env{Ctx: context.Background(), Clock: clk, DB: d, Services: services.New(d, services.Config{
		Billing: billing.DefaultConfig(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})}
}

// SignUp signs a person up with Password, their address verified (as
// support does: users.MarkVerified).
func (e *Env) SignUp(t testing.TB, email, name string) users.User {
	t.Helper()
	u, err := e.Users.SignUp(e.Ctx, users.NewUser{Email: email, Password: Password, Name: name})
	if err == nil {
		u, err = e.Users.MarkVerified(e.Ctx, u.Email)
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Operator creates a staff user with Password.
func (e *Env) Operator(t testing.TB, email, name string) users.User {
	t.Helper()
	u, err := e.Users.CreateOperator(e.Ctx, users.NewUser{Email: email, Password: Password, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Account creates a USD account with admin as its admin.
func (e *Env) Account(t testing.TB, admin users.User, name string) accounts.Account {
	t.Helper()
	a, err := e.Accounts.Create(e.Ctx, admin, name, "USD")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Join has admin invite u into the account as role, and u accept.
func (e *Env) Join(t testing.TB, admin users.User, accountID string, u users.User, role accounts.Role) {
	t.Helper()
	JoinOn(t, e.Ctx, e.Accounts, admin, accountID, u, role)
}

// JoinOn is Join through acc, for the tests of a domain that wire their
// own accounts service instead of an Env.
func JoinOn(t testing.TB, ctx context.Context, acc *accounts.Service, admin users.User, accountID string, u users.User, role accounts.Role) {
	t.Helper()
	inv, err := acc.Invite(ctx, admin, accountID, u.Email, role)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.AcceptInvitation(ctx, u, inv.ID); err != nil {
		t.Fatal(err)
	}
}

// Card has admin give the account a default card, so its orders and
// fees are paid.
func (e *Env) Card(t testing.TB, admin users.User, accountID string) {
	t.Helper()
	if _, err := e.Billing.AddCard(e.Ctx, admin, accountID, "tok_visa"); err != nil {
		t.Fatal(err)
	}
}

// ApprovalAbove has admin set the account's policies to only this: orders
// above amount wait for the admin.
func (e *Env) ApprovalAbove(t testing.TB, admin users.User, accountID string, amount money.Money) {
	t.Helper()
	if _, err := e.Accounts.SetPolicies(e.Ctx, admin, accountID, accounts.Policies{OrderApprovalThreshold: &amount}); err != nil {
		t.Fatal(err)
	}
}

// Team is an account with a person in each role.
type Team struct {
	Account accounts.Account
	Admin   users.User
	Billing users.User // a billing manager
	Member  users.User
	Other   users.User // a second member
}

// Team makes the USD account "<prefix> Corp" of "<prefix> Admin", who
// brings in "<prefix> Billing" as billing manager and "<prefix> Member"
// and "<prefix> Other" as members (emails "<prefix>-admin@example.com"
// and so on). It has no card and no policies.
func (e *Env) Team(t testing.TB, prefix string) Team {
	t.Helper()
	tm := Team{Admin: e.SignUp(t, prefix+"-admin@example.com", prefix+" Admin"), Billing: e.SignUp(t, prefix+"-billing@example.com", prefix+" Billing"),
		Member: e.SignUp(t, prefix+"-member@example.com", prefix+" Member"), Other: e.SignUp(t, prefix+"-other@example.com", prefix+" Other")}
	tm.Account = e.Account(t, tm.Admin, prefix+" Corp")
	e.Join(t, tm.Admin, tm.Account.ID, tm.Billing, accounts.BillingManager)
	e.Join(t, tm.Admin, tm.Account.ID, tm.Member, accounts.Member)
	e.Join(t, tm.Admin, tm.Account.ID, tm.Other, accounts.Member)
	return tm
}

// BuyingTeam is a Team with a default card, whose orders above 500.00
// wait for the admin's approval.
func (e *Env) BuyingTeam(t testing.TB, prefix string) Team {
	t.Helper()
	tm := e.Team(t, prefix)
	e.Card(t, tm.Admin, tm.Account.ID)
	e.ApprovalAbove(t, tm.Admin, tm.Account.ID, money.New(50000, "USD"))
	return tm
}

// Seller is a freelancer: the person, their profile and their service.
type Seller struct {
	Owner   users.User
	Profile catalog.Freelancer
	Service catalog.Listing
}

// Freelancer signs up a person called name who becomes the freelancer
// name, with FreelancerOf's service.
func (e *Env) Freelancer(t testing.TB, email, name string) Seller {
	t.Helper()
	return e.FreelancerOf(t, e.SignUp(t, email, name), catalog.Profile{DisplayName: name})
}

// FreelancerOf makes owner the freelancer p (in France at 50.00 USD an
// hour unless p says otherwise) with one USD service, "Design work by
// <p.DisplayName>" in graphics-design: Basic at 100.00 in 3 days and
// Premium at 600.00 in 5 days, up to 5 of either.
func (e *Env) FreelancerOf(t testing.TB, owner users.User, p catalog.Profile) Seller {
	t.Helper()
	if p.Country == "" {
		p.Country = "FR"
	}
	if p.HourlyRate.Currency == "" {
		p.HourlyRate = money.New(5000, "USD")
	}
	fr, err := e.Catalog.CreateFreelancer(e.Ctx, owner, p)
	if err != nil {
		t.Fatal(err)
	}
	l, err := e.Catalog.CreateService(e.Ctx, owner, catalog.Offer{FreelancerID: fr.ID, Title: "Design work by " + p.DisplayName, Description: "Careful work.",
		Category: "graphics-design", MaxQuantity: 5, Packages: []catalog.Package{
			{Name: "Basic", Price: money.New(10000, "USD"), DeliveryDays: 3},
			{Name: "Premium", Price: money.New(60000, "USD"), DeliveryDays: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	return Seller{Owner: owner, Profile: fr, Service: l}
}

// Order has buyer order one of the service's package pkg for the account,
// in the project projectID ("" for none).
func (e *Env) Order(t testing.TB, buyer users.User, accountID string, service catalog.Listing, pkg, projectID string) orders.Order {
	t.Helper()
	o, err := e.Orders.Place(e.Ctx, buyer, orders.NewOrder{AccountID: accountID, ServiceID: service.ID, Package: pkg, Quantity: 1, ProjectID: projectID}, "")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// Count runs a query that counts.
func (e *Env) Count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.QueryRow(e.Ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Notices are a person's notifications, newest first.
func (e *Env) Notices(t testing.TB, u users.User) []notify.Notification {
	t.Helper()
	p, err := e.Notify.List(e.Ctx, u.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

// Audited counts the entries of action in the account's audit log, as
// its admin reads it.
func (e *Env) Audited(t testing.TB, admin users.User, accountID, action string) int {
	t.Helper()
	log, err := e.Accounts.AuditLog(e.Ctx, admin, accountID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range log.Items {
		if a.Action == action {
			n++
		}
	}
	return n
}

// WantErr fails the test unless err is an *errs.Error of kind with code,
// on field ("" for none).
func WantErr(t testing.TB, err error, kind errs.Kind, code, field string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Code != code || e.Field != field {
		t.Fatalf("got %v, want %s on %q (kind %d)", err, code, field, kind)
	}
}

// Changes returns a maker of variants of valid: each call copies valid and
// applies change to the copy. Tables of refused inputs build their rows
// with it, each one change away from an input that is accepted.
func Changes[T any](valid T) func(change func(*T)) T {
	return func(change func(*T)) T {
		in := valid
		change(&in)
		return in
	}
}
