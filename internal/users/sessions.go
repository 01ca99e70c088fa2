package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"
	"unicode/utf8"

	"atelier/internal/db"
	"atelier/internal/errs"
)

// Client is where a request comes from: its address (as the proxies in
// front resolved it) and the browser's or program's User-Agent. A session
// remembers both, and every security event names them.
type Client struct {
	Addr      string
	UserAgent string
}

// trimmed keeps a client's words to a length worth storing: a User-Agent
// is whatever the client sent.
func (c Client) trimmed() Client {
	const maxAgent = 300
	if len(c.UserAgent) > maxAgent {
		c.UserAgent = c.UserAgent[:maxAgent]
		for !utf8.ValidString(c.UserAgent) {
			c.UserAgent = c.UserAgent[:len(c.UserAgent)-1]
		}
	}
	return c
}

// Session is one signed-in browser or API token, as its owner sees it in
// the list of their sessions.
type Session struct {
	ID     string      `json:"id"`
	Kind   SessionKind `json:"kind"`
	Device string      `json:"device"` // read from the User-Agent: "Firefox on Windows"
	DeviceParts
	UserAgent string    `json:"user_agent"`
	Addr      string    `json:"address"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Current   bool      `json:"current"` // the session this request was made with
}

// SeenEvery is how stale a session's "last seen" may grow before a request
// writes it again: a page view does not cost a write each time.
const SeenEvery = 5 * time.Minute

// newToken is 32 random bytes, as URL-safe text: a session's or a
// one-time link's secret.
func newToken() string {
	var raw [32]byte
	rand.Read(raw[:])
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// openSession opens a session for userID in tx and returns its token,
// which the caller hands to the client and never stores.
func openSession(ctx context.Context, tx *db.Tx, userID string, kind SessionKind, c Client) (string, error) {
	c = c.trimmed()
	token := newToken()
	_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, id, user_id, kind, user_agent, addr, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		hashToken(token), db.NewID("ses"), userID, string(kind), c.UserAgent, c.Addr, db.Micros(tx.Now), db.Micros(tx.Now), db.Micros(tx.Now.Add(SessionLifetime)))
	return token, err
}

// Authenticate returns the user of a live session token, and notes when
// and from where the session was used (at most every SeenEvery, or when
// its address changes).
func (s *Service) Authenticate(ctx context.Context, token string, c Client) (User, error) {
	if token == "" {
		return User{}, errs.Unauthorized
	}
	now := s.DB.Clock.Now()
	var u User
	var created, seen int64
	var addr string
	err := s.DB.QueryRow(ctx, `SELECT `+userColumns+`, s.last_seen_at, s.addr
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ?`, hashToken(token), db.Micros(now)).
		Scan(&u.ID, &u.Email, &u.Name, &u.IsOperator, &u.Locale, &u.EmailVerified, &u.TwoFactor, &created, &seen, &addr)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return User{}, errs.Unauthorized
	}
	if err != nil {
		return User{}, err
	}
	u.CreatedAt = db.Time(created)
	if now.Sub(db.Time(seen)) >= SeenEvery || (c.Addr != "" && c.Addr != addr) {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, addr = ? WHERE token_hash = ?`,
			db.Micros(now), c.Addr, hashToken(token)); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// Lock takes the user's row in tx: what one user's requests write (their
// recently viewed list) is written by one transaction at a time.
func Lock(ctx context.Context, tx *db.Tx, userID string) error {
	_, err := tx.Exec(ctx, `UPDATE users SET locale = locale WHERE id = ?`, userID)
	return err
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token))
	return err
}

// SessionList is a person's live sessions: browsers apart from API
// tokens, each the most recently used first.
type SessionList struct {
	Browsers []Session `json:"sessions"`
	Tokens   []Session `json:"api_tokens"`
}

// Sessions lists the person's live sessions; current is the token of the
// request asking, whose session is marked.
func (s *Service) Sessions(ctx context.Context, actor User, current string) (SessionList, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, kind, user_agent, addr, created_at, last_seen_at, expires_at, token_hash = ?
		FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC, id DESC`,
		hashToken(current), actor.ID, db.Micros(s.DB.Clock.Now()))
	list := SessionList{Browsers: []Session{}, Tokens: []Session{}}
	if err != nil {
		return list, err
	}
	defer rows.Close()
	for rows.Next() {
		var ss Session
		var created, seen, expires int64
		if err := rows.Scan(&ss.ID, &ss.Kind, &ss.UserAgent, &ss.Addr, &created, &seen, &expires, &ss.Current); err != nil {
			return list, err
		}
		ss.CreatedAt, ss.LastSeen, ss.ExpiresAt = db.Time(created), db.Time(seen), db.Time(expires)
		ss.Device, ss.DeviceParts = Device(ss.UserAgent), DeviceOf(ss.UserAgent)
		if ss.Kind == APISession {
			list.Tokens = append(list.Tokens, ss)
		} else {
			list.Browsers = append(list.Browsers, ss)
		}
	}
	return list, rows.Err()
}

// RevokeSession ends one of the person's sessions, and tells whether it
// was the one current is the token of (ending it is signing out). Another
// person's session is not found.
func (s *Service) RevokeSession(ctx context.Context, actor User, id, current string, c Client) (bool, error) {
	var was bool
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE id = ? AND token_hash = ?`, id, hashToken(current)).Scan(&n); err != nil {
			return err
		}
		was = n > 0
		if err := tx.ExecOne(ctx, errs.NotFound("session_not_found"), `DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, actor.ID); err != nil {
			return err
		}
		return record(ctx, tx, actor.ID, EventSessionRevoked, c)
	})
	return was, err
}

// RevokeOtherSessions ends every session of the person but the one
// current is the token of; it answers how many ended.
func (s *Service) RevokeOtherSessions(ctx context.Context, actor User, current string, c Client) (int, error) {
	var n int
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if n, err = endSessions(ctx, tx, actor.ID, current); err != nil || n == 0 {
			return err
		}
		return record(ctx, tx, actor.ID, EventOtherSessionsRevoked, c)
	})
	return n, err
}

// endSessions ends every session of userID but the one keep is the token
// of ("" ends them all).
func endSessions(ctx context.Context, tx *db.Tx, userID, keep string) (int, error) {
	res, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, hashToken(keep))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteExpiredSessions removes sessions past their expiry; a periodic job.
func (s *Service) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
