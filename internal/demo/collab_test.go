package demo_test

import (
	"context"
	"testing"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/demo"
	"atelier/internal/lists"
	"atelier/internal/network"
	"atelier/internal/page"
	"atelier/internal/users"
)

// The demo admin finds the account's lists and freelancer network filled.
func TestDemoListsAndNetwork(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		ctx := context.Background()
		d := dbtest.Open(t, e, nil)
		us := &users.Service{DB: d}
		s := demo.Services{DB: d, Users: us, Accounts: &accounts.Service{DB: d}, Catalog: &catalog.Service{DB: d},
			Lists: &lists.Service{DB: d}, Network: &network.Service{DB: d}}
		if _, err := demo.Fill(ctx, s, demo.Options{Services: 300}); err != nil {
			t.Fatal(err)
		}
		_, admin, err := us.SignIn(ctx, users.Credentials{Email: "admin@northwind.test", Password: demo.Password}, users.WebSession, users.Client{})
		if err != nil {
			t.Fatal(err)
		}
		accs, err := s.Accounts.ForUser(ctx, admin)
		if err != nil || len(accs) != 1 {
			t.Fatalf("accounts %v %v", accs, err)
		}
		ls, err := s.Lists.AccountLists(ctx, admin, accs[0].ID, page.Request{})
		if err != nil || len(ls.Items) != 2 {
			t.Fatalf("lists %+v %v", ls, err)
		}
		net, err := s.Network.List(ctx, admin, accs[0].ID, page.Request{})
		if err != nil || len(net.Items) != 2 || len(net.Items[0].InternalReviews)+len(net.Items[1].InternalReviews) != 3 {
			t.Fatalf("network %+v %v", net, err)
		}
	})
}
