// Package network is a business account's freelancer network (PRODUCT.md
// §7): every freelancer the account has hired (an order of theirs that
// started) plus the candidates its members saved, each with the account's
// orders with them and the internal reviews its members left, and a
// one-click rehire that asks the freelancer for a custom offer.
//
// The network belongs to the account: its members read and edit it; to
// anyone else — the freelancers in it included — it does not exist (404).
// Internal reviews are never shown to the freelancer, never counted in the
// catalog's ratings, never sent in a notification.
package network

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/money"
	"atelier/internal/notify"
	"atelier/internal/page"
	"atelier/internal/users"
)

// Service is the network domain.
type Service struct {
	DB *db.DB
}

// Limits of the words members write.
const (
	MaxReviewRunes  = 2000
	MaxMessageRunes = 2000
)

var errNotInNetwork = errs.NotFound("freelancer_not_in_network")

// Entry is one freelancer of an account's network.
type Entry struct {
	FreelancerID string  `json:"freelancer_id"`
	DisplayName  string  `json:"display_name"`
	Headline     string  `json:"headline"`
	Pro          bool    `json:"pro"`
	Agency       bool    `json:"agency"`
	Rating       float64 `json:"rating"` // the public rating
	ReviewsCount int     `json:"reviews_count"`
	// Hired: the account has had an order with them that started.
	Hired bool `json:"hired"`
	// Saved: a member saved them as a candidate.
	Saved bool `json:"saved"`
	// OrdersCount counts the account's started orders with them (those
	// that hired; not one waiting for approval or rejected); Orders are
	// those of them the viewer may open (all for the admin and billing
	// managers; a member's own and those shared with them).
	OrdersCount int         `json:"orders_count"`
	Orders      []OrderLine `json:"orders"`
	// InternalRating is the average of the members' internal ratings (0
	// without any).
	InternalRating  float64          `json:"internal_rating"`
	InternalReviews []InternalReview `json:"internal_reviews"`
}

// OrderLine is one of the account's orders with a freelancer.
type OrderLine struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Status    string      `json:"status"`
	Total     money.Money `json:"total"`
	BuyerName string      `json:"buyer_name"`
	CreatedAt time.Time   `json:"created_at"`
}

// InternalReview is one member's private review of a freelancer.
type InternalReview struct {
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Rating     int       `json:"rating"`
	Text       string    `json:"text"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// inNetwork is the SQL set of an account's network: hired or saved.
const inNetwork = `(SELECT o.freelancer_id FROM orders o WHERE o.account_id = ? AND o.started_at IS NOT NULL
	UNION SELECT s.freelancer_id FROM network_saved s WHERE s.account_id = ?)`

// List returns an account's network, by freelancer id (any member).
func (s *Service) List(ctx context.Context, actor users.User, accountID string, r page.Request) (page.Page[Entry], error) {
	role, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount)
	if err != nil {
		return page.Page[Entry]{}, err
	}
	r = r.Norm()
	ids, err := db.Strings(ctx, s.DB, `SELECT n.freelancer_id FROM `+inNetwork+` n
		WHERE n.freelancer_id > ? ORDER BY n.freelancer_id LIMIT ?`, accountID, accountID, r.After, r.Limit+1)
	if err != nil {
		return page.Page[Entry]{}, err
	}
	list, err := s.entries(ctx, s.DB, actor, role, accountID, ids)
	if err != nil {
		return page.Page[Entry]{}, err
	}
	return page.Cut(list, r, func(e Entry) string { return e.FreelancerID }), nil
}

// Get returns one freelancer of an account's network.
func (s *Service) Get(ctx context.Context, actor users.User, accountID, freelancerID string) (Entry, error) {
	role, err := accounts.Authorize(ctx, s.DB, actor, accountID, accounts.ViewAccount)
	if err != nil {
		return Entry{}, err
	}
	if err := member(ctx, s.DB, accountID, freelancerID); err != nil {
		return Entry{}, err
	}
	list, err := s.entries(ctx, s.DB, actor, role, accountID, []string{freelancerID})
	if err != nil {
		return Entry{}, err
	}
	return list[0], nil
}

// member checks that a freelancer is in the account's network.
func member(ctx context.Context, q db.Queryer, accountID, freelancerID string) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+inNetwork+` n WHERE n.freelancer_id = ?`,
		accountID, accountID, freelancerID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errNotInNetwork
	}
	return nil
}

// entries reads the entries of freelancers of the account's network, in
// the order of ids: five queries however many there are.
func (s *Service) entries(ctx context.Context, q db.Queryer, actor users.User, role accounts.Role, accountID string, ids []string) ([]Entry, error) {
	if len(ids) == 0 {
		return []Entry{}, nil
	}
	in := `(?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
	idArgs := make([]any, len(ids))
	for i, id := range ids {
		idArgs[i] = id
	}
	with := func(args ...any) []any { return append(args, idArgs...) }

	byID := map[string]*Entry{}
	heads, err := db.Collect(ctx, q, func(r db.Row) (e Entry, err error) {
		var sum int64
		err = r.Scan(&e.FreelancerID, &e.DisplayName, &e.Headline, &e.Pro, &e.Agency, &sum, &e.ReviewsCount, &e.Saved, &e.OrdersCount)
		e.Rating = catalog.Average(sum, int64(e.ReviewsCount)).Float() // as the catalog shows it
		e.Hired = e.OrdersCount > 0
		e.Orders, e.InternalReviews = []OrderLine{}, []InternalReview{}
		return e, err
	}, `SELECT f.id, f.display_name, f.headline, f.pro, f.agency, f.rating_sum, f.reviews_count,
		EXISTS (SELECT 1 FROM network_saved s WHERE s.account_id = ? AND s.freelancer_id = f.id),
		(SELECT COUNT(*) FROM orders o WHERE o.account_id = ? AND o.freelancer_id = f.id AND o.started_at IS NOT NULL)
		FROM freelancers f WHERE f.id IN `+in, with(accountID, accountID)...)
	if err != nil {
		return nil, err
	}
	for i := range heads {
		byID[heads[i].FreelancerID] = &heads[i]
	}

	// The orders that hired (started, as OrdersCount counts them) that
	// the viewer may open: at most 50 of each freelancer's.
	cond := ``
	args := with(accountID)
	if !role.Can(accounts.SeeAllOrders) {
		cond = ` AND (o.buyer_id = ? OR EXISTS (SELECT 1 FROM order_shares sh WHERE sh.order_id = o.id AND sh.user_id = ?))`
		args = append(args, actor.ID, actor.ID)
	}
	type line struct {
		freelancer string
		OrderLine
	}
	lines, err := db.Collect(ctx, q, func(r db.Row) (l line, err error) {
		var at int64
		err = r.Scan(&l.freelancer, &l.ID, &l.Title, &l.Status, &l.Total.Amount, &l.Total.Currency, &l.BuyerName, &at)
		l.CreatedAt = db.Time(at)
		return l, err
	}, `SELECT freelancer_id, id, title, status, total, currency, name, created_at FROM (
		SELECT o.freelancer_id, o.id, o.title, o.status, o.total, o.currency, u.name, o.created_at,
			ROW_NUMBER() OVER (PARTITION BY o.freelancer_id ORDER BY o.id DESC) AS n
		FROM orders o JOIN users u ON u.id = o.buyer_id
		WHERE o.account_id = ? AND o.started_at IS NOT NULL AND o.freelancer_id IN `+in+cond+`) l
		WHERE n <= 50 ORDER BY freelancer_id, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		if e := byID[l.freelancer]; e != nil {
			e.Orders = append(e.Orders, l.OrderLine)
		}
	}

	// What the team wrote of each, except to a member on the freelancer's
	// side: they are never shown what the team wrote of them.
	self, err := catalog.SpeaksForAny(ctx, q, actor.ID, ids)
	if err != nil {
		return nil, err
	}
	hidden := map[string]bool{}
	for _, id := range self {
		hidden[id] = true
	}
	type review struct {
		freelancer string
		InternalReview
	}
	reviews, err := db.Collect(ctx, q, func(r db.Row) (rv review, err error) {
		var at int64
		err = r.Scan(&rv.freelancer, &rv.AuthorID, &rv.AuthorName, &rv.Rating, &rv.Text, &at)
		rv.UpdatedAt = db.Time(at)
		return rv, err
	}, `SELECT r.freelancer_id, r.author_id, u.name, r.rating, r.body, r.updated_at FROM internal_reviews r
		JOIN users u ON u.id = r.author_id WHERE r.account_id = ? AND r.freelancer_id IN `+in+`
		ORDER BY r.freelancer_id, r.updated_at DESC, r.author_id`, with(accountID)...)
	if err != nil {
		return nil, err
	}
	for _, rv := range reviews {
		if e := byID[rv.freelancer]; e != nil && !hidden[rv.freelancer] {
			e.InternalReviews = append(e.InternalReviews, rv.InternalReview)
		}
	}

	list := make([]Entry, 0, len(ids))
	for _, id := range ids {
		e := byID[id]
		if e == nil {
			return nil, errNotInNetwork
		}
		if n := len(e.InternalReviews); n > 0 {
			total := 0
			for _, rv := range e.InternalReviews {
				total += rv.Rating
			}
			e.InternalRating = float64(total*100/n) / 100
		}
		list = append(list, *e)
	}
	return list, nil
}

// Save adds a freelancer to the account's network as a candidate (any
// member); saving twice changes nothing.
func (s *Service) Save(ctx context.Context, actor users.User, accountID, freelancerID string) (Entry, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.ViewAccount); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM freelancers WHERE id = ?`, freelancerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.NotFound("freelancer_not_found")
		}
		_, err := tx.Exec(ctx, `INSERT INTO network_saved (account_id, freelancer_id, saved_by, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (account_id, freelancer_id) DO NOTHING`, accountID, freelancerID, actor.ID, db.Micros(tx.Now))
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	return s.Get(ctx, actor, accountID, freelancerID)
}

// Unsave takes a saved candidate off the network (a freelancer the account
// hired stays in it).
func (s *Service) Unsave(ctx context.Context, actor users.User, accountID, freelancerID string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.ViewAccount); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM network_saved WHERE account_id = ? AND freelancer_id = ?`, accountID, freelancerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotInNetwork
		}
		return nil
	})
}

// Review writes (or replaces) the actor's internal review of a freelancer
// of the network: a rating of 1 to 5 and an optional text. It is read by
// the account's members only.
func (s *Service) Review(ctx context.Context, actor users.User, accountID, freelancerID string, rating int, text string) (Entry, error) {
	text = strings.TrimSpace(text)
	if rating < 1 || rating > 5 {
		return Entry{}, errs.Invalid("rating", "rating_invalid")
	}
	if utf8.RuneCountInString(text) > MaxReviewRunes {
		return Entry{}, errs.Invalid("text", "too_long").With("max", MaxReviewRunes)
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.ViewAccount); err != nil {
			return err
		}
		if err := member(ctx, tx, accountID, freelancerID); err != nil {
			return err
		}
		if self, err := onFreelancerSide(ctx, tx, actor.ID, freelancerID); err != nil {
			return err
		} else if self {
			return errs.Invalid("freelancer_id", "internal_review_self")
		}
		now := db.Micros(tx.Now)
		_, err := tx.Exec(ctx, `INSERT INTO internal_reviews (account_id, freelancer_id, author_id, rating, body, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (account_id, freelancer_id, author_id) DO UPDATE SET rating = excluded.rating, body = excluded.body, updated_at = excluded.updated_at`,
			accountID, freelancerID, actor.ID, rating, text, now, now)
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	return s.Get(ctx, actor, accountID, freelancerID)
}

// Rehire is a request for a custom offer sent to a freelancer.
type Rehire struct {
	AccountID    string    `json:"account_id"`
	FreelancerID string    `json:"freelancer_id"`
	Message      string    `json:"message"`
	OfferLink    string    `json:"offer_link"`
	RequestedAt  time.Time `json:"requested_at"`
}

// RequestRehire asks a freelancer of the network for a custom offer (any
// member who may buy): the freelancer's owner is told, in the app and by
// e-mail, with the requester's name, message and a link to the offer form
// addressed to this account. Nothing internal travels with it.
func (s *Service) RequestRehire(ctx context.Context, actor users.User, accountID, freelancerID, message string) (Rehire, error) {
	message = strings.TrimSpace(message)
	if utf8.RuneCountInString(message) > MaxMessageRunes {
		return Rehire{}, errs.Invalid("message", "too_long").With("max", MaxMessageRunes)
	}
	out := Rehire{AccountID: accountID, FreelancerID: freelancerID, Message: message, OfferLink: "/offers/new?account=" + accountID}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := accounts.Authorize(ctx, tx, actor, accountID, accounts.Buy); err != nil {
			return err
		}
		if err := member(ctx, tx, accountID, freelancerID); err != nil {
			return err
		}
		owner, err := catalog.OwnerOf(ctx, tx, freelancerID)
		if err != nil {
			return err
		}
		if owner == actor.ID {
			return errs.Invalid("freelancer_id", "rehire_self")
		}
		out.RequestedAt = tx.Now
		if err := accounts.Audit(ctx, tx, accountID, actor.ID, "network.rehire_requested", freelancerID, map[string]any{"freelancer_id": freelancerID}); err != nil {
			return err
		}
		return notify.User(ctx, tx, owner, "rehire_requested", map[string]any{"from": actor.Name, "message": message}, out.OfferLink)
	})
	return out, err
}

// onFreelancerSide tells whether a user is a freelancer's owner or on its
// agency team: a member of the account who is also the freelancer never
// reads or writes the team's internal reviews of them.
func onFreelancerSide(ctx context.Context, q db.Queryer, userID, freelancerID string) (bool, error) {
	return catalog.SpeaksFor(ctx, q, userID, freelancerID)
}
