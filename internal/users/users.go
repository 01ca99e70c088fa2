// Package users holds people who sign in to Atelier: their accounts of
// record (e-mail, name, password), platform operators, and the sessions that
// keep them signed in — a cookie in the browser and a bearer token on the API
// are the same kind of session row.
package users

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"atelier/internal/db"
	"atelier/internal/errs"
	"atelier/internal/i18n"
	"atelier/internal/notify"

	"golang.org/x/text/unicode/norm"
)

// User is a registered person.
type User struct {
	ID         string `json:"id"`
	Email      string `json:"email"`
	Name       string `json:"name"`
	IsOperator bool   `json:"-"`
	Locale     string `json:"locale"`
	// EmailVerified: the person followed the link sent to the address
	// (or support marked it), so the address is theirs (tokens.go).
	EmailVerified bool `json:"email_verified"`
	// TwoFactor: signing in takes a code from their authenticator app
	// too (twofactor.go).
	TwoFactor bool      `json:"two_factor"`
	CreatedAt time.Time `json:"-"`
}

// SessionKind tells a browser session from an API token.
type SessionKind string

// The two kinds of session.
const (
	WebSession SessionKind = "web"
	APISession SessionKind = "api"
)

// SessionLifetime is how long a session stays valid after sign-in.
const SessionLifetime = 30 * 24 * time.Hour

// Service is the users domain.
type Service struct {
	DB *db.DB
}

// NewUser is what a person gives to sign up.
type NewUser struct {
	Email    string
	Password string
	Name     string
}

// NormalizeEmail validates an e-mail address and returns the one form
// addresses are stored and compared in: NFKC (full-width letters and other
// compatibility forms become the plain ones, so "ａｄａ@example.com" is
// ada@example.com), lower-cased. An address whose local part or domain
// mixes writing systems — a Cyrillic "і" among Latin letters — is a
// look-alike of another one and is refused (email_confusable).
func NormalizeEmail(field, email string) (string, error) {
	email = emailKey(email)
	if email == "" {
		return "", errs.Invalid(field, "email_required")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") || len(email) > 254 {
		return "", errs.Invalid(field, "email_invalid")
	}
	at := strings.LastIndex(email, "@")
	if mixedScripts(email[:at]) || mixedScripts(email[at+1:]) {
		return "", errs.Invalid(field, "email_confusable")
	}
	return email, nil
}

// emailKey is the form addresses are stored and looked up in (see
// NormalizeEmail): signing in with "ＡＮＮ@example.com" finds ann@example.com.
func emailKey(email string) string {
	return strings.ToLower(norm.NFKC.String(strings.TrimSpace(email)))
}

// scripts are the writing systems a part of an address may be written in,
// one at a time; Japanese writes with three of them together.
var scripts = []struct {
	name   string
	tables []*unicode.RangeTable
}{
	{"latin", []*unicode.RangeTable{unicode.Latin}}, {"cyrillic", []*unicode.RangeTable{unicode.Cyrillic}},
	{"greek", []*unicode.RangeTable{unicode.Greek}}, {"armenian", []*unicode.RangeTable{unicode.Armenian}},
	{"hebrew", []*unicode.RangeTable{unicode.Hebrew}}, {"arabic", []*unicode.RangeTable{unicode.Arabic}},
	{"devanagari", []*unicode.RangeTable{unicode.Devanagari}}, {"thai", []*unicode.RangeTable{unicode.Thai}},
	{"hangul", []*unicode.RangeTable{unicode.Hangul}},
	{"cjk", []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana}},
}

// mixedScripts tells whether the letters of s belong to more than one
// writing system (digits and punctuation belong to all).
func mixedScripts(s string) bool {
	seen := ""
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		name := "other"
		for _, sc := range scripts {
			if unicode.In(r, sc.tables...) {
				name = sc.name
				break
			}
		}
		if seen != "" && name != seen {
			return true
		}
		seen = name
	}
	return false
}

func validateName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", errs.Invalid("name", "name_required")
	case utf8.RuneCountInString(name) > 100:
		return "", errs.Invalid("name", "name_too_long")
	}
	return name, nil
}

// SignUp registers a person and e-mails them the link that verifies their
// address. Its answer does not tell whether the address already had an
// account: when it had, the person registered is not made, the answer
// describes one that signs nothing in, and the owner of the address is
// told by e-mail (at most once per window) that someone tried, with the
// way to reset their password — the real owner of an address someone
// else registered takes it over that way (ResetPassword).
func (s *Service) SignUp(ctx context.Context, in NewUser) (User, error) {
	u, err := s.create(ctx, in, false, false)
	if e, ok := errs.As(err); !ok || e.Code != "email_taken" {
		return u, err
	}
	owner, ok, err := s.ByEmail(ctx, s.DB, in.Email)
	if err != nil || !ok {
		return User{}, err
	}
	if s.takeTurn(ctx, s.DB.Clock.Now(), errs.TooMany("sign_up_told"), limit{signUpKeyPrefix + owner.Email, 1}) == nil {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			return notify.Send(ctx, tx, owner.Email, owner.Locale, "sign_up_taken", map[string]any{"name": owner.Name}, "/password-reset")
		})
		if err != nil {
			return User{}, err
		}
	}
	name, _ := validateName(in.Name)
	return User{ID: db.NewID("usr"), Email: owner.Email, Name: name}, nil
}

// signUpKeyPrefix counts the e-mails telling an address's owner that
// someone signed up with it.
const signUpKeyPrefix = "sign-up:"

// CreateOperator registers a platform operator (staff).
func (s *Service) CreateOperator(ctx context.Context, in NewUser) (User, error) {
	return s.create(ctx, in, true, true)
}

// SignUpVerified registers a person whose address is taken as verified
// and sends nothing: the demo marketplace's people, whose addresses are
// made up.
func (s *Service) SignUpVerified(ctx context.Context, in NewUser) (User, error) {
	return s.create(ctx, in, false, true)
}

// create registers a person; a verified one's address is taken as theirs,
// anyone else is sent the link that verifies it.
func (s *Service) create(ctx context.Context, in NewUser, operator, verified bool) (User, error) {
	email, err := NormalizeEmail("email", in.Email)
	if err != nil {
		return User{}, err
	}
	name, err := validateName(in.Name)
	if err != nil {
		return User{}, err
	}
	if err := CheckPassword(in.Password, email, name); err != nil {
		return User{}, err
	}
	hash := hashPassword(in.Password)
	u := User{ID: db.NewID("usr"), Email: email, Name: name, IsOperator: operator}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		// Asked first: after a failed INSERT, PostgreSQL takes nothing
		// more in the transaction (the unique index still decides a race).
		var taken int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, email).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return errs.Invalid("email", "email_taken")
		}
		u.CreatedAt = tx.Now
		// An operator is made by whoever runs the server: their address is
		// taken as verified. Anyone else verifies theirs through the link
		// sent now.
		var at any
		if verified {
			at, u.EmailVerified = db.Micros(tx.Now), true
		}
		_, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, is_operator, email_verified_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Email, u.Name, hash, operator, at, db.Micros(tx.Now))
		if db.IsUniqueViolation(err) {
			return errs.Invalid("email", "email_taken")
		}
		if err != nil || verified {
			return err
		}
		return sendVerification(ctx, tx, u)
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

const userColumns = `u.id, u.email, u.name, u.is_operator, u.locale, u.email_verified_at IS NOT NULL, u.two_factor_at IS NOT NULL, u.created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.IsOperator, &u.Locale, &u.EmailVerified, &u.TwoFactor, &created); err != nil {
		return User{}, db.NoRows(err)
	}
	u.CreatedAt = db.Time(created)
	return u, nil
}

// Get returns a user by id.
func (s *Service) Get(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE id = ?`, id))
	if errors.Is(err, db.ErrNotFound) {
		return User{}, errs.NotFound("user_not_found")
	}
	return u, err
}

// ByEmail returns the user with an e-mail address, if any.
func (s *Service) ByEmail(ctx context.Context, q db.Queryer, email string) (User, bool, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE email = ?`, emailKey(email)))
	if errors.Is(err, db.ErrNotFound) {
		return User{}, false, nil
	}
	return u, err == nil, err
}

// ErrBadCredentials is a sign-in with an unknown e-mail or a wrong password;
// the two are not told apart.
var ErrBadCredentials = &errs.Error{Kind: errs.KindUnauthorized, Code: "invalid_credentials"}

// Credentials are what a person signs in with.
type Credentials struct {
	Email, Password string
	// Code is the six-digit code of their authenticator app, or one of
	// their recovery codes, when they turned two-factor sign-in on.
	Code string
}

// SignIn checks a person's credentials and opens a session. It returns the
// session token, which the caller hands to the client and never stores.
// Failures are counted per e-mail and per client address, and a sign-in is
// refused with ErrSignInRateLimited while either has failed too often
// (ratelimit.go). The sign-in, or the wrong password given for a known
// address, goes to the person's security log. A person who turned
// two-factor sign-in on gives a code too (twofactor.go): none is
// ErrTwoFactorRequired, a wrong one ErrTwoFactorInvalid.
func (s *Service) SignIn(ctx context.Context, cr Credentials, kind SessionKind, c Client) (string, User, error) {
	st, err := s.signIn(ctx, cr, kind, c, false)
	return st.Token, st.User, err
}

// SignInStep is where a sign-in stands once its password was right:
// signed in (Token, User), or waiting for the two-factor code (Challenge,
// for CompleteSignIn).
type SignInStep struct {
	Token     string
	User      User
	Challenge string
}

// BeginSignIn is SignIn for a browser, which asks for the two-factor code
// on a page of its own: when the password is right and the code is still
// to come, it answers a Challenge instead of an error, so the page does not
// ask for the password again.
func (s *Service) BeginSignIn(ctx context.Context, cr Credentials, kind SessionKind, c Client) (SignInStep, error) {
	return s.signIn(ctx, cr, kind, c, true)
}

func (s *Service) signIn(ctx context.Context, cr Credentials, kind SessionKind, c Client, challenge bool) (SignInStep, error) {
	email := emailKey(cr.Email)
	now := s.DB.Clock.Now()
	if err := s.takeSignInTurn(ctx, now, email, c.Addr); err != nil {
		return SignInStep{}, err
	}
	var hash string
	var u User
	var created int64
	err := s.DB.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE email = ?`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.IsOperator, &u.Locale, &u.EmailVerified, &u.TwoFactor, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		checkPassword(dummyHash, cr.Password)
		return SignInStep{}, ErrBadCredentials // the attempt stays counted
	}
	if err != nil {
		return SignInStep{}, err
	}
	u.CreatedAt = db.Time(created)
	if !checkPassword(hash, cr.Password) {
		if err := s.DB.InTx(ctx, func(tx *db.Tx) error { return record(ctx, tx, u.ID, EventSignInFailed, c) }); err != nil {
			return SignInStep{}, err
		}
		return SignInStep{}, ErrBadCredentials
	}
	if err := s.signedIn(ctx, now, email, c.Addr); err != nil {
		return SignInStep{}, err
	}
	open := func(tx *db.Tx) (string, error) {
		token, err := openSession(ctx, tx, u.ID, kind, c)
		if err != nil {
			return "", err
		}
		return token, record(ctx, tx, u.ID, EventSignIn, c)
	}
	if u.TwoFactor {
		if strings.TrimSpace(cr.Code) == "" {
			if !challenge {
				return SignInStep{}, ErrTwoFactorRequired
			}
			token, err := s.issueChallenge(ctx, u.ID)
			return SignInStep{Challenge: token}, err
		}
		var token string
		err := s.spendCode(ctx, u.ID, codeCheck{code: cr.Code, wrong: ErrTwoFactorInvalid, client: c}, func(tx *db.Tx) error {
			var err error
			token, err = open(tx)
			return err
		})
		if err != nil {
			return SignInStep{}, err
		}
		return SignInStep{Token: token, User: u}, nil
	}
	var token string
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		token, err = open(tx)
		return err
	})
	return SignInStep{Token: token, User: u}, err
}

// SetLocale saves the language the user reads Atelier in ("" follows the
// browser). It wins over the browser's Accept-Language on every page,
// e-mail and API message.
func (s *Service) SetLocale(ctx context.Context, actor User, locale string) (User, error) {
	if locale != "" && i18n.Supported(locale) != locale {
		return User{}, errs.Invalid("locale", "locale_unsupported")
	}
	if _, err := s.DB.Exec(ctx, `UPDATE users SET locale = ? WHERE id = ?`, locale, actor.ID); err != nil {
		return User{}, err
	}
	actor.Locale = locale
	return actor, nil
}
