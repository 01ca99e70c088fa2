// Package reviews holds the reviews of completed orders, both ways, over
// the core of orders: each side rates the other once, within 30 days;
// reviews stay hidden until both sides have written or 10 days have
// passed, so neither answers the other; then the client's review joins the
// service's and the freelancer's public rating (catalog.PublishReview).
package reviews

import (
	"context"
	"errors"
	"time"

	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/jobs"
	"atelier/internal/orders"
	"atelier/internal/users"
)

// Service holds the reviews of orders.
type Service struct {
	DB     *db.DB
	Orders *orders.Service
}

// Timings of reviews.
const (
	ReviewWindow     = 30 * 24 * time.Hour // to write a review after completion
	ReviewsHiddenFor = 10 * 24 * time.Hour // unless both sides have written
)

// reviewsHidden: completed orders whose reviews are not shown yet (the
// rows of the timer and of its Next).
const reviewsHidden = `FROM orders WHERE status = 'completed' AND reviews_public_at IS NULL`

// Timers are the deadlines of reviews.
func (s *Service) Timers() []jobs.Timer {
	return []jobs.Timer{
		{Name: "order_reviews_publish", Fire: s.PublishDueReviews, Next: jobs.NextDue(s.DB, reviewsHidden, "completed_at", ReviewsHiddenFor)},
	}
}

// Review is one side's review of a completed order.
type Review struct {
	Side      string    `json:"side"`
	AuthorID  string    `json:"author_id"`
	Rating    int       `json:"rating"`
	Body      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// Reviews returns an order's reviews that the actor may read: their own
// side's always, the other side's once reviews are public.
func (s *Service) Reviews(ctx context.Context, actor users.User, id string) ([]Review, error) {
	o, err := s.Orders.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.Of(ctx, o)
}

// Of returns the reviews of o, an order as orders read it for its viewer
// (orders.Service.Get), that the viewer may read: the order page's read.
func (s *Service) Of(ctx context.Context, o orders.Order) ([]Review, error) {
	rows, err := s.DB.Query(ctx, `SELECT side, author_id, rating, body, created_at FROM order_reviews WHERE order_id = ? ORDER BY side`, o.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Review{}
	for rows.Next() {
		var r Review
		var at int64
		if err := rows.Scan(&r.Side, &r.AuthorID, &r.Rating, &r.Body, &at); err != nil {
			return nil, err
		}
		r.CreatedAt = db.Time(at)
		if r.Side == o.Side || !o.ReviewsPublicAt.IsZero() {
			list = append(list, r)
		}
	}
	return list, rows.Err()
}

// WriteReview rates the other side of a completed order, once per side,
// within 30 days. Reviews stay hidden until both sides have written or 10
// days have passed, so neither answers the other; then the client's review
// joins the service's and the freelancer's public rating.
func (s *Service) WriteReview(ctx context.Context, actor users.User, id string, rating int, body string) (Review, error) {
	if rating < 1 || rating > 5 {
		return Review{}, errs.Invalid("rating", "rating_invalid")
	}
	body, err := orders.Text("text", body, false)
	if err != nil {
		return Review{}, err
	}
	var r Review
	_, err = s.Orders.Act(ctx, actor, id, "", func(tx *db.Tx, o orders.Order) error {
		if o.Side == orders.ManagerSide {
			return errs.Forbidden("wrong_side").With("side", orders.ClientSide)
		}
		if o.Status != orders.Completed {
			return errs.Conflict("order_not_completed")
		}
		if tx.Now.After(o.CompletedAt.Add(ReviewWindow)) {
			return errs.Conflict("review_window_closed")
		}
		r = Review{Side: o.Side, AuthorID: actor.ID, Rating: rating, Body: body, CreatedAt: tx.Now}
		_, err := tx.Exec(ctx, `INSERT INTO order_reviews (order_id, side, author_id, rating, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, o.Side, actor.ID, rating, body, db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return errs.Conflict("already_reviewed")
		}
		if err != nil {
			return err
		}
		if _, err := orders.AddEvent(ctx, tx, id, actor.ID, "review", ""); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM order_reviews WHERE order_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 2 {
			return s.publishReviews(ctx, tx, o)
		}
		return nil
	})
	return r, err
}

// publishReviews makes an order's reviews public, once; the client's
// review counts in the service's and the freelancer's rating.
func (s *Service) publishReviews(ctx context.Context, tx *db.Tx, o orders.Order) error {
	res, err := tx.Exec(ctx, `UPDATE orders SET reviews_public_at = ? WHERE id = ? AND reviews_public_at IS NULL`, db.Micros(tx.Now), o.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	var rating int
	var body string
	if o.ServiceID == "" {
		// An offer's order has no service to carry the review in the
		// catalog; its reviews show on the order only, for now.
		return nil
	}
	err = tx.QueryRow(ctx, `SELECT rating, body FROM order_reviews WHERE order_id = ? AND side = 'client'`, o.ID).Scan(&rating, &body)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	var author string
	if err := tx.QueryRow(ctx, `SELECT name FROM accounts WHERE id = ?`, o.AccountID).Scan(&author); err != nil {
		return err
	}
	_, err = catalog.PublishReview(ctx, tx, o.ServiceID, o.ID, author, rating, body)
	return err
}

// PublishDueReviews is the timer that shows reviews 10 days after
// completion when only one side wrote (or none: then nothing shows).
func (s *Service) PublishDueReviews(ctx context.Context, now time.Time) (int, error) {
	due, err := db.Strings(ctx, s.DB, `SELECT id `+reviewsHidden+` AND completed_at <= ? LIMIT 200`,
		db.Micros(now.Add(-ReviewsHiddenFor)))
	if err != nil {
		return 0, err
	}
	for _, id := range due {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			o, err := orders.Load(ctx, tx, id)
			if err != nil {
				return err
			}
			return s.publishReviews(ctx, tx, o)
		})
		if err != nil {
			return 0, err
		}
	}
	return len(due), nil
}
