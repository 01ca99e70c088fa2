// Package sharing is the client side's own layer on an order, over the
// core of orders (PRODUCT.md §7): internal sharing and internal comments.
// An order is shared with another member of its account, who then follows
// it read-only (orders.Order.ReadOnly); internal comments are notes
// between the account's members who can see the order. The freelancer's
// side and every other account never see either: to them the comments
// route does not exist (404), and no notification or e-mail about them is
// ever addressed to anyone but those members.
package sharing

import (
	"atelier/internal/accounts"
	"atelier/internal/catalog"
	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/notify"
	"atelier/internal/orders"
	"atelier/internal/users"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
)

// Service holds the shares and internal comments of orders.
type Service struct {
	DB     *db.DB
	Orders *orders.Service
}

var (
	errCommentsNotFound  = errs.NotFound("internal_comments_not_found")
	maxCommentRunes      = 5000
	errShareTargetMember = errs.Invalid("user_id", "not_a_member")
)

// Share is a member an order is shared with.
type Share struct {
	UserID     string    `json:"user_id"`
	Name       string    `json:"name"`
	SharedBy   string    `json:"shared_by"`
	SharedAt   time.Time `json:"shared_at"`
	OrderID    string    `json:"order_id"`
	SharedName string    `json:"shared_by_name"`
}

// clientView loads an order for someone on its client side (the buyer, the
// admin, billing managers, members it is shared with). To the freelancer's
// side the internal layer does not exist.
func (s *Service) clientView(ctx context.Context, q db.Queryer, actor users.User, id string) (orders.Order, error) {
	o, _, err := s.Orders.View(ctx, q, actor, id)
	if err != nil {
		return orders.Order{}, err
	}
	if o.Side != orders.ClientSide {
		return orders.Order{}, errCommentsNotFound
	}
	return o, nil
}

// ShareOrder shares an order with another member of its account, who is
// told in the app and by e-mail. Anyone on the client side may share;
// sharing twice changes nothing.
func (s *Service) ShareOrder(ctx context.Context, actor users.User, orderID, userID string) ([]Share, error) {
	userID = strings.TrimSpace(userID)
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.clientView(ctx, tx, actor, orderID)
		if err != nil {
			return err
		}
		if userID == "" {
			return errs.Invalid("user_id", "required")
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE account_id = ? AND user_id = ?`, o.AccountID, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errShareTargetMember
		}
		// A member who speaks for the order's freelancer is on the other
		// side: shares and internal notes are the client side's alone.
		if seller, err := catalog.SpeaksFor(ctx, tx, userID, o.FreelancerID); err != nil || seller {
			if err == nil {
				err = errShareTargetMember
			}
			return err
		}
		res, err := tx.Exec(ctx, `INSERT INTO order_shares (order_id, user_id, shared_by, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (order_id, user_id) DO NOTHING`, o.ID, userID, actor.ID, db.Micros(tx.Now))
		if err != nil {
			return err
		}
		if added, _ := res.RowsAffected(); added == 0 || userID == actor.ID {
			return nil
		}
		return notify.User(ctx, tx, userID, "order_shared", map[string]any{"title": o.Title, "from": actor.Name}, "/orders/"+o.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.Shares(ctx, actor, orderID)
}

// UnshareOrder takes a member off an order's shares (the client side).
func (s *Service) UnshareOrder(ctx context.Context, actor users.User, orderID, userID string) error {
	userID = strings.TrimSpace(userID)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.clientView(ctx, tx, actor, orderID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM order_shares WHERE order_id = ? AND user_id = ?`, orderID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("share_not_found")
		}
		return nil
	})
}

// Shares lists the members an order is shared with (the client side).
func (s *Service) Shares(ctx context.Context, actor users.User, orderID string) ([]Share, error) {
	if _, err := s.clientView(ctx, s.DB, actor, orderID); err != nil {
		return nil, err
	}
	return s.sharesOf(ctx, orderID)
}

// sharesOf lists the members an order is shared with.
func (s *Service) sharesOf(ctx context.Context, orderID string) ([]Share, error) {
	rows, err := s.DB.Query(ctx, `SELECT sh.user_id, u.name, sh.shared_by, b.name, sh.created_at FROM order_shares sh
		JOIN users u ON u.id = sh.user_id JOIN users b ON b.id = sh.shared_by
		WHERE sh.order_id = ? ORDER BY sh.created_at, sh.user_id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Share{}
	for rows.Next() {
		sh := Share{OrderID: orderID}
		var at int64
		if err := rows.Scan(&sh.UserID, &sh.Name, &sh.SharedBy, &sh.SharedName, &at); err != nil {
			return nil, err
		}
		sh.SharedAt = db.Time(at)
		list = append(list, sh)
	}
	return list, rows.Err()
}

// ShareCandidates are the members of the order's account it may still be
// shared with, by name: ShareOrder's rule (a member of the account, not on
// the freelancer's side), less those who see it already and the actor.
func (s *Service) ShareCandidates(ctx context.Context, actor users.User, orderID string) ([]accounts.Membership, error) {
	o, err := s.clientView(ctx, s.DB, actor, orderID)
	if err != nil {
		return nil, err
	}
	return s.candidatesOf(ctx, actor, o)
}

// candidatesOf lists the members o could be shared with by actor.
func (s *Service) candidatesOf(ctx context.Context, actor users.User, o orders.Order) ([]accounts.Membership, error) {
	seeing, err := viewers(ctx, s.DB, o)
	if err != nil {
		return nil, err
	}
	team, err := catalog.Team(ctx, s.DB, o.FreelancerID)
	if err != nil {
		return nil, err
	}
	all, err := db.Collect(ctx, s.DB, func(r db.Row) (m accounts.Membership, err error) {
		return m, r.Scan(&m.UserID, &m.Name, &m.Email, &m.Role)
	}, `SELECT u.id, u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.account_id = ? ORDER BY u.name, u.id`, o.AccountID)
	if err != nil {
		return nil, err
	}
	out := []accounts.Membership{}
	for _, m := range all {
		if _, sees := seeing[m.UserID]; !sees && m.UserID != actor.ID && !slices.Contains(team, m.UserID) {
			out = append(out, m)
		}
	}
	return out, nil
}

// viewers are the members who can see an order on the client side: the
// buyer, the admin, billing managers and the members it is shared with —
// but never someone on the freelancer's side (its owner or agency team),
// even when they are also members of the account.
func viewers(ctx context.Context, q db.Queryer, o orders.Order) (map[string]string, error) {
	team, err := catalog.Team(ctx, q, o.FreelancerID)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT u.id, u.name, m.role, EXISTS (SELECT 1 FROM order_shares sh WHERE sh.order_id = ? AND sh.user_id = m.user_id)
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.account_id = ?`, o.ID, o.AccountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		var role accounts.Role
		var shared bool
		if err := rows.Scan(&id, &name, &role, &shared); err != nil {
			return nil, err
		}
		if (id == o.BuyerID || shared || role.Can(accounts.SeeAllOrders)) && !slices.Contains(team, id) {
			out[id] = name
		}
	}
	return out, rows.Err()
}

// AddComment writes an internal comment, or a reply in the thread of
// replyTo (a reply to a reply joins its thread). The buyer, the members the
// order is shared with and the thread's authors are told, and so is any
// member who can see the order and is @mentioned by name — never the
// author, never the freelancer's side.
func (s *Service) AddComment(ctx context.Context, actor users.User, orderID, body, replyTo string) (Comment, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return Comment{}, errs.Invalid("body", "required")
	}
	if len([]rune(body)) > maxCommentRunes {
		return Comment{}, errs.Invalid("body", "too_long").With("max", maxCommentRunes)
	}
	c := Comment{ID: db.NewID("ocm"), OrderID: orderID, AuthorID: actor.ID, AuthorName: actor.Name, Body: body}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.clientView(ctx, tx, actor, orderID)
		if err != nil {
			return err
		}
		c.CreatedAt = tx.Now
		var parent any
		if replyTo = strings.TrimSpace(replyTo); replyTo != "" {
			var top sql.NullString
			err := tx.QueryRow(ctx, `SELECT parent_id FROM order_comments WHERE id = ? AND order_id = ?`, replyTo, o.ID).Scan(&top)
			if errors.Is(db.NoRows(err), db.ErrNotFound) {
				return errs.Invalid("reply_to", "comment_not_found")
			} else if err != nil {
				return err
			}
			if top.Valid {
				replyTo = top.String
			}
			c.ReplyTo, parent = replyTo, replyTo
		}
		if _, err := tx.Exec(ctx, `INSERT INTO order_comments (id, order_id, account_id, author_id, parent_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.ID, o.ID, o.AccountID, actor.ID, parent, body, db.Micros(tx.Now)); err != nil {
			return err
		}
		told, err := commentReaders(ctx, tx, o, c)
		if err != nil {
			return err
		}
		for _, id := range told {
			if err := notify.User(ctx, tx, id, "order_internal_comment", map[string]any{"title": o.Title, "from": actor.Name}, "/orders/"+o.ID+"#internal-notes"); err != nil {
				return err
			}
		}
		return nil
	})
	return c, err
}

// commentReaders are who a new internal comment is told to: the buyer, the
// members the order is shared with, the thread's authors and the members
// it @mentions by name — among those who still see the order, never its
// author.
func commentReaders(ctx context.Context, tx *db.Tx, o orders.Order, c Comment) ([]string, error) {
	members, err := viewers(ctx, tx, o)
	if err != nil {
		return nil, err
	}
	tell, err := db.Strings(ctx, tx, `SELECT user_id FROM order_shares WHERE order_id = ?`, o.ID)
	if err != nil {
		return nil, err
	}
	tell = append(tell, o.BuyerID)
	if c.ReplyTo != "" {
		authors, err := db.Strings(ctx, tx, `SELECT author_id FROM order_comments WHERE id = ? OR parent_id = ?`, c.ReplyTo, c.ReplyTo)
		if err != nil {
			return nil, err
		}
		tell = append(tell, authors...)
	}
	lower := strings.ToLower(c.Body)
	for id, name := range members {
		if name != "" && strings.Contains(lower, "@"+strings.ToLower(name)) {
			tell = append(tell, id)
		}
	}
	slices.Sort(tell)
	tell = slices.Compact(tell)
	return slices.DeleteFunc(tell, func(id string) bool {
		_, sees := members[id] // not one who left the account
		return id == c.AuthorID || !sees
	}), nil
}

// Comments lists an order's internal comments, oldest first (a reply
// names its thread in ReplyTo), to the client side only.
func (s *Service) Comments(ctx context.Context, actor users.User, orderID string) ([]Comment, error) {
	if _, err := s.clientView(ctx, s.DB, actor, orderID); err != nil {
		return nil, err
	}
	return s.commentsOf(ctx, orderID)
}

// commentsOf lists an order's internal comments, oldest first.
func (s *Service) commentsOf(ctx context.Context, orderID string) ([]Comment, error) {
	rows, err := s.DB.Query(ctx, `SELECT c.id, COALESCE(c.parent_id, ''), c.author_id, u.name, c.body, c.created_at FROM order_comments c
		JOIN users u ON u.id = c.author_id WHERE c.order_id = ? ORDER BY c.id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Comment{}
	for rows.Next() {
		c := Comment{OrderID: orderID}
		var at int64
		if err := rows.Scan(&c.ID, &c.ReplyTo, &c.AuthorID, &c.AuthorName, &c.Body, &at); err != nil {
			return nil, err
		}
		c.CreatedAt = db.Time(at)
		list = append(list, c)
	}
	return list, rows.Err()
}

// Comment is an internal comment on an order.
type Comment struct {
	ID         string    `json:"id"`
	OrderID    string    `json:"order_id"`
	ReplyTo    string    `json:"reply_to,omitempty"` // the thread's first comment`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// Layer is the client side's own layer of one order, as its page shows it.
type Layer struct {
	Comments   []Comment             // oldest first
	Shares     []Share               // the members it is shared with
	Candidates []accounts.Membership // whom the viewer could share it with
}

// LayerOf reads the internal layer of o, an order as orders read it for
// actor (orders.Service.Get): the order page's one read, instead of
// Comments, Shares and ShareCandidates each reading the order again. To
// any other side than the client's it does not exist.
func (s *Service) LayerOf(ctx context.Context, actor users.User, o orders.Order) (Layer, error) {
	if o.Side != orders.ClientSide {
		return Layer{}, errCommentsNotFound
	}
	var l Layer
	var err error
	if l.Comments, err = s.commentsOf(ctx, o.ID); err != nil {
		return Layer{}, err
	}
	if l.Shares, err = s.sharesOf(ctx, o.ID); err != nil {
		return Layer{}, err
	}
	l.Candidates, err = s.candidatesOf(ctx, actor, o)
	return l, err
}
