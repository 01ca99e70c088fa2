// Package notify records what people must hear about: an in-app
// notification for a user, and an e-mail through the outbox, both written in
// the transaction of the event that causes them, so a notice exists exactly
// when its event happened.
package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/jobs"
	"atelier/internal/page"
)

// TopicEmail is the outbox topic of e-mails.
const TopicEmail = "email"

// Email is the outbox payload of one e-mail: a message kind (its template
// and translation key), its values and the link back to the right page.
type Email struct {
	To     string         `json:"to"`
	Lang   string         `json:"lang,omitempty"` // the reader's saved language; English when none
	Kind   string         `json:"kind"`
	Params map[string]any `json:"params"`
	Link   string         `json:"link"`
}

// User notifies a registered user in the app and by e-mail.
func User(ctx context.Context, tx *db.Tx, userID, kind string, params map[string]any, link string) error {
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	var email, lang string
	var off bool
	if err := tx.QueryRow(ctx, `SELECT u.email, u.locale,
		EXISTS (SELECT 1 FROM email_optouts o WHERE o.user_id = u.id AND o.category = ?) FROM users u WHERE u.id = ?`,
		Category(kind), userID).Scan(&email, &lang, &off); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO notifications (id, user_id, kind, params, link, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		db.NewID("ntf"), userID, kind, string(p), link, db.Micros(tx.Now)); err != nil {
		return err
	}
	if off {
		return nil // the user turned these e-mails off; the notice stays in the app
	}
	return jobs.Enqueue(ctx, tx, TopicEmail, Email{To: email, Lang: lang, Kind: kind, Params: params, Link: link})
}

// Address sends an e-mail to an address that may not belong to any user yet
// (an invitation), and notifies that user in the app when there is one.
func Address(ctx context.Context, tx *db.Tx, email, kind string, params map[string]any, link string) error {
	var userID string
	err := tx.QueryRow(ctx, `SELECT id FROM users WHERE email = ?`, email).Scan(&userID)
	if err == nil {
		return User(ctx, tx, userID, kind, params, link)
	}
	if db.NoRows(err) != db.ErrNotFound {
		return err
	}
	return jobs.Enqueue(ctx, tx, TopicEmail, Email{To: email, Kind: kind, Params: params, Link: link})
}

// Send e-mails an address through the outbox in tx, whatever its owner's
// e-mail settings, with no in-app notice: what proves an address is
// someone's (a verification link) must reach it and nothing else.
func Send(ctx context.Context, tx *db.Tx, email, lang, kind string, params map[string]any, link string) error {
	return jobs.Enqueue(ctx, tx, TopicEmail, Email{To: email, Lang: lang, Kind: kind, Params: params, Link: link})
}

// Notification is one in-app notice.
type Notification struct {
	ID        string         `json:"id"`
	Kind      string         `json:"kind"`
	Params    map[string]any `json:"params"`
	Link      string         `json:"link"`
	CreatedAt time.Time      `json:"created_at"`
	Read      bool           `json:"read"`
}

// Service is what people read and set of their notices: the list, what is
// read, which e-mails they get. The notices themselves are written by the
// events that cause them (User, Address), in their transactions.
type Service struct {
	DB *db.DB
}

// List returns a user's notifications, newest first.
func (s *Service) List(ctx context.Context, userID string, r page.Request) (page.Page[Notification], error) {
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~" // sorts after every id
	}
	rows, err := s.DB.Query(ctx, `SELECT id, kind, params, link, created_at, read_at FROM notifications
		WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, userID, after, r.Limit+1)
	if err != nil {
		return page.Page[Notification]{}, err
	}
	defer rows.Close()
	var list []Notification
	for rows.Next() {
		var n Notification
		var params string
		var created int64
		var read db.NullInt
		if err := rows.Scan(&n.ID, &n.Kind, &params, &n.Link, &created, &read); err != nil {
			return page.Page[Notification]{}, err
		}
		json.Unmarshal([]byte(params), &n.Params)
		n.CreatedAt, n.Read = db.Time(created), read.Valid
		list = append(list, n)
	}
	return page.Cut(list, r, func(n Notification) string { return n.ID }), rows.Err()
}

// LogMailer is the e-mail handler used when no SMTP server is configured:
// it writes each e-mail to the server log.
func LogMailer(log *slog.Logger) func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var e Email
		if err := json.Unmarshal(payload, &e); err != nil {
			return err
		}
		log.Info("e-mail (no SMTP server configured)", "to", e.To, "kind", e.Kind, "link", e.Link)
		return nil
	}
}

// MaxMarkRead is how many ids one call may mark read (a page of the list
// is at most page.MaxLimit; all of them is an empty list).
const MaxMarkRead = 500

// MarkRead marks some of a user's notifications read, or all of them when
// ids is empty, in one statement. More than MaxMarkRead ids is a 422 that
// changes nothing (one UPDATE per id took 5 s for 150,000 of them).
func (s *Service) MarkRead(ctx context.Context, userID string, ids []string) error {
	if len(ids) > MaxMarkRead {
		return errs.Invalid("ids", "too_many").With("max", MaxMarkRead)
	}
	args := []any{db.Micros(s.DB.Clock.Now()), userID}
	where := ``
	if len(ids) > 0 {
		// The list is padded to a power of two (the last id repeated), so
		// at most ten statements of this kind are ever prepared.
		n := 1
		for n < len(ids) {
			n *= 2
		}
		where = ` AND id IN (?` + strings.Repeat(`, ?`, n-1) + `)`
		for i := range n {
			args = append(args, ids[min(i, len(ids)-1)])
		}
	}
	_, err := s.DB.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`+where, args...)
	return err
}
