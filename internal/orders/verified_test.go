package orders_test

import (
	"testing"

	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/domaintest"
	"atelier/internal/errs"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// Until their address is verified, a person sets up (an account, a card)
// but neither buys nor sells; once verified, the same steps go through.
func TestUnverifiedPeopleSetUpButNeitherBuyNorSell(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		env := domaintest.New(t, e)
		seller := env.Freelancer(t, "sam@example.com", "Sam Studio")
		ann, err := env.Users.SignUp(env.Ctx, users.NewUser{Email: "ann@example.com", Password: domaintest.Password, Name: "Ann"})
		if err != nil || ann.EmailVerified {
			t.Fatalf("sign-up: %+v %v", ann, err)
		}
		acc := env.Account(t, ann, "Ann Corp")
		env.Card(t, ann, acc.ID)
		in := orders.NewOrder{AccountID: acc.ID, ServiceID: seller.Service.ID, Package: "Basic", Quantity: 1}
		_, err = env.Orders.Place(env.Ctx, ann, in, "")
		domaintest.WantErr(t, err, errs.KindForbidden, "email_not_verified", "")
		_, err = env.Catalog.CreateFreelancer(env.Ctx, ann, catalog.Profile{DisplayName: "Ann Design", Country: "FR"})
		domaintest.WantErr(t, err, errs.KindForbidden, "email_not_verified", "")
		if n := env.Count(t, `SELECT COUNT(*) FROM orders WHERE account_id = ?`, acc.ID); n != 0 {
			t.Fatalf("%d orders placed", n)
		}
		if ann, err = env.Users.MarkVerified(env.Ctx, ann.Email); err != nil {
			t.Fatal(err)
		}
		if o, err := env.Orders.Place(env.Ctx, ann, in, ""); err != nil || o.Status != orders.Active {
			t.Fatalf("verified, the order: %v %v", o.Status, err)
		}
	})
}
