package reviews_test

import (
	"testing"
	"time"

	"atelier/internal/db"
	"atelier/internal/db/dbtest"
	"atelier/internal/domaintest"
	"atelier/internal/errs"
	"atelier/internal/orders"
	"atelier/internal/orders/reviews"
	"atelier/internal/users"
)

// The rules of reviews: a rating of 1 to 5, on a completed order, once per
// side, within 30 days of completion; hidden from the other side until
// both have written, or until the timer shows a lone review 10 days after
// completion.
func TestReviewRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, e db.Engine) {
		env := domaintest.New(t, e)
		team := env.BuyingTeam(t, "acme")
		seller := env.Freelancer(t, "sam@example.com", "Sam Studio")
		completed := func() orders.Order {
			o := env.Order(t, team.Member, team.Account.ID, seller.Service, "Basic", "")
			if _, err := env.Orders.Deliver(env.Ctx, seller.Owner, o.ID, "Here it is.", nil); err != nil {
				t.Fatal(err)
			}
			if o, err := env.Orders.Accept(env.Ctx, team.Member, o.ID); err != nil || o.Status != orders.Completed {
				t.Fatalf("accept: %v %v", o.Status, err)
			}
			return o
		}
		sees := func(u users.User, id string) (n int) {
			t.Helper()
			list, err := env.Reviews.Reviews(env.Ctx, u, id)
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}

		running := env.Order(t, team.Member, team.Account.ID, seller.Service, "Basic", "")
		_, err := env.Reviews.WriteReview(env.Ctx, team.Member, running.ID, 5, "")
		domaintest.WantErr(t, err, errs.KindConflict, "order_not_completed", "")

		o := completed()
		for _, bad := range []int{0, 6, -1} {
			_, err := env.Reviews.WriteReview(env.Ctx, team.Member, o.ID, bad, "")
			domaintest.WantErr(t, err, errs.KindInvalid, "rating_invalid", "rating")
		}
		if _, err := env.Reviews.WriteReview(env.Ctx, team.Member, o.ID, 5, "Superb."); err != nil {
			t.Fatal(err)
		}
		_, err = env.Reviews.WriteReview(env.Ctx, team.Admin, o.ID, 4, "") // the same side, another person
		domaintest.WantErr(t, err, errs.KindConflict, "already_reviewed", "")
		if sees(seller.Owner, o.ID) != 0 || sees(team.Member, o.ID) != 1 {
			t.Fatal("a lone review shows to the other side")
		}
		if _, err := env.Reviews.WriteReview(env.Ctx, seller.Owner, o.ID, 5, "A pleasure."); err != nil {
			t.Fatal(err)
		}
		if sees(seller.Owner, o.ID) != 2 || sees(team.Member, o.ID) != 2 {
			t.Fatal("both reviews written, not both shown")
		}

		lone := completed()
		if _, err := env.Reviews.WriteReview(env.Ctx, team.Member, lone.ID, 3, ""); err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(reviews.ReviewsHiddenFor - time.Minute)
		if n, err := env.Reviews.PublishDueReviews(env.Ctx, env.Clock.Now()); err != nil || sees(seller.Owner, lone.ID) != 0 {
			t.Fatalf("published before 10 days (%d, %v)", n, err)
		}
		env.Clock.Advance(time.Minute)
		if n, err := env.Reviews.PublishDueReviews(env.Ctx, env.Clock.Now()); err != nil || n < 1 || sees(seller.Owner, lone.ID) != 1 {
			t.Fatalf("10 days after completion the lone review is not shown (%d, %v)", n, err)
		}
		env.Clock.Advance(reviews.ReviewWindow - reviews.ReviewsHiddenFor + time.Second)
		_, err = env.Reviews.WriteReview(env.Ctx, seller.Owner, lone.ID, 5, "")
		domaintest.WantErr(t, err, errs.KindConflict, "review_window_closed", "")
	})
}
