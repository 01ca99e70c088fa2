package catalog

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/page"
)

// Review is a public rating of a freelancer's work on a service.
type Review struct {
	ID         string    `json:"id"`
	ServiceID  string    `json:"service_id"`
	AuthorName string    `json:"author_name"`
	Rating     int       `json:"rating"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// PublishReview adds a public review to a service and its freelancer and
// updates both ratings, in the caller's transaction. Orders call it when a
// review becomes public; the demo calls it to seed the marketplace.
func PublishReview(ctx context.Context, tx *db.Tx, serviceID, orderID, authorName string, rating int, body string) (string, error) {
	if rating < 1 || rating > 5 {
		return "", errs.Invalid("rating", "rating_invalid")
	}
	var freelancerID string
	if err := tx.QueryRow(ctx, `SELECT freelancer_id FROM services WHERE id = ?`, serviceID).Scan(&freelancerID); err != nil {
		return "", db.NoRows(err)
	}
	id := db.NewID("rev")
	var order any // the order it was written on, when there is one
	if orderID != "" {
		order = orderID
	}
	if _, err := tx.Exec(ctx, `INSERT INTO reviews (id, service_id, freelancer_id, order_id, author_name, rating, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, serviceID, freelancerID, order, authorName, rating, body, db.Micros(tx.Now)); err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, `UPDATE services SET rating_sum = rating_sum + ?, reviews_count = reviews_count + 1,
		rating = ((rating_sum + ?) * 100 + (reviews_count + 1) / 2) / (reviews_count + 1) WHERE id = ?`, rating, rating, serviceID); err != nil {
		return "", err
	}
	_, err := tx.Exec(ctx, `UPDATE freelancers SET rating_sum = rating_sum + ?, reviews_count = reviews_count + 1 WHERE id = ?`, rating, freelancerID)
	return id, err
}

// Reviews lists the public reviews of a service, or of every service of a
// freelancer when serviceID is empty, newest first.
func (s *Service) Reviews(ctx context.Context, serviceID, freelancerID string, r page.Request) (page.Page[Review], error) {
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~"
	}
	col, val := "service_id", serviceID
	if serviceID == "" {
		col, val = "freelancer_id", freelancerID
	}
	list, err := db.Collect(ctx, s.DB, func(row db.Row) (rv Review, err error) {
		var created int64
		err = row.Scan(&rv.ID, &rv.ServiceID, &rv.AuthorName, &rv.Rating, &rv.Body, &created)
		rv.CreatedAt = stamp(created)
		return rv, err
	}, `SELECT id, service_id, author_name, rating, body, created_at FROM reviews
		WHERE `+col+` = ? AND id < ? ORDER BY id DESC LIMIT ?`, val, after, r.Limit+1)
	if err != nil {
		return page.Page[Review]{}, err
	}
	return page.Cut(list, r, func(rv Review) string { return rv.ID }), nil
}
