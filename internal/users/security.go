package users

import (
	"context"
	"time"

	"atelier/internal/db"
	"atelier/internal/page"
)

// EventKind is what happened in a person's security log.
type EventKind string

// The events of a security log.
const (
	EventSignIn               EventKind = "sign_in"
	EventSignInFailed         EventKind = "sign_in_failed" // their address, a wrong password
	EventPasswordChanged      EventKind = "password_changed"
	EventPasswordReset        EventKind = "password_reset" // through the e-mailed link
	EventEmailVerified        EventKind = "email_verified"
	EventSessionRevoked       EventKind = "session_revoked"
	EventOtherSessionsRevoked EventKind = "other_sessions_revoked"
	EventTwoFactorOn          EventKind = "two_factor_on"
	EventTwoFactorOff         EventKind = "two_factor_off"
	EventTwoFactorFailed      EventKind = "two_factor_failed" // a wrong code after the right password
	EventRecoveryCodeUsed     EventKind = "recovery_code_used"
)

// EventKinds lists every kind, for the pages' words and the tests.
var EventKinds = []EventKind{EventSignIn, EventSignInFailed, EventPasswordChanged, EventPasswordReset, EventEmailVerified,
	EventSessionRevoked, EventOtherSessionsRevoked, EventTwoFactorOn, EventTwoFactorOff, EventTwoFactorFailed, EventRecoveryCodeUsed}

// Event is one line of a person's security log.
type Event struct {
	ID     string    `json:"id"`
	Kind   EventKind `json:"kind"`
	Addr   string    `json:"address"`
	Device string    `json:"device"` // "Firefox on Windows"
	DeviceParts
	CreatedAt time.Time `json:"created_at"`
}

// record writes an event of userID's security log in tx, with the client
// it came from.
func record(ctx context.Context, tx *db.Tx, userID string, kind EventKind, c Client) error {
	c = c.trimmed()
	_, err := tx.Exec(ctx, `INSERT INTO security_events (id, user_id, kind, addr, user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		db.NewID("sev"), userID, string(kind), c.Addr, c.UserAgent, db.Micros(tx.Now))
	return err
}

// Events is the person's security log, newest first.
func (s *Service) Events(ctx context.Context, actor User, r page.Request) (page.Page[Event], error) {
	r = r.Norm()
	after := r.After
	if after == "" {
		after = "~" // sorts after every id
	}
	rows, err := s.DB.Query(ctx, `SELECT id, kind, addr, user_agent, created_at FROM security_events
		WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, actor.ID, after, r.Limit+1)
	if err != nil {
		return page.Page[Event]{}, err
	}
	defer rows.Close()
	var list []Event
	for rows.Next() {
		var e Event
		var agent string
		var at int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.Addr, &agent, &at); err != nil {
			return page.Page[Event]{}, err
		}
		e.Device, e.DeviceParts, e.CreatedAt = Device(agent), DeviceOf(agent), db.Time(at)
		list = append(list, e)
	}
	return page.Cut(list, r, func(e Event) string { return e.ID }), rows.Err()
}
