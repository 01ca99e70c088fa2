package users

// Two-factor sign-in. A person who turns it on signs in with their password
// and a code from an authenticator app: TOTP (RFC 6238) with SHA-1, six
// digits and 30-second steps, as every app reads them from a QR code
// (github.com/pquerna/otp computes the codes and draws the QR code). A
// code is accepted one step either side of the server's clock (a phone's
// clock drifts) and only if its step comes after the last code accepted, so
// a code overheard or typed twice is refused. Ten single-use recovery codes
// stand in for a lost phone; only their SHA-256 is kept.
//
// Every check of a code — at sign-in, and to turn two-factor off or get new
// recovery codes — is counted under the person's key in sign_in_failures
// (ratelimit.go): five wrong codes in the window and codes are refused
// until it passes. Turning it off takes the password and a code, so a
// session left open somewhere is not enough.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"image/png"
	"strings"
	"time"

	"atelier/internal/db"
	"atelier/internal/errs"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The shape of codes.
const (
	totpIssuer = "Atelier"
	totpPeriod = 30 // seconds per step
	totpSkew   = 1  // steps accepted either side of now
	// RecoveryCodeCount is how many recovery codes a person holds.
	RecoveryCodeCount = 10
	// ChallengeLifetime is how long the code page of a browser sign-in
	// waits for the code after the password.
	ChallengeLifetime = 5 * time.Minute
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: totpSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var (
	// ErrTwoFactorRequired is a sign-in with the right password and no
	// code, from a person who turned two-factor sign-in on.
	ErrTwoFactorRequired = &errs.Error{Kind: errs.KindUnauthorized, Code: "two_factor_required", Field: "code"}
	// ErrTwoFactorInvalid is a sign-in with a wrong, used or old code.
	ErrTwoFactorInvalid = &errs.Error{Kind: errs.KindUnauthorized, Code: "two_factor_invalid", Field: "code"}

	errCodeInvalid      = errs.Invalid("code", "two_factor_code_invalid")
	errCodeRequired     = errs.Invalid("code", "two_factor_code_required")
	errPasswordWrong    = errs.Invalid("password", "password_wrong")
	errTwoFactorOn      = errs.Conflict("two_factor_already_on")
	errTwoFactorOff     = errs.Conflict("two_factor_not_on")
	errNotEnrolling     = errs.Conflict("two_factor_not_started")
	errChallengeInvalid = &errs.Error{Kind: errs.KindUnauthorized, Code: "two_factor_challenge_invalid"}
)

// Enrolment is what a person's authenticator app needs: the secret (to
// type), the otpauth:// URL it stands for, and that URL as a QR code (a
// data: URL of a PNG image).
type Enrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
	QR     string `json:"qr_code"`
}

// TwoFactor is where a person's two-factor sign-in stands.
type TwoFactor struct {
	Enabled           bool       `json:"enabled"`
	EnabledAt         *time.Time `json:"enabled_at"`
	Pending           bool       `json:"pending"` // enrolment started, not confirmed
	RecoveryCodesLeft int        `json:"recovery_codes_left"`
}

// twoFactorRow is the person's two-factor columns.
type twoFactorRow struct {
	secret   sql.NullString
	on, last db.NullInt
	hash     string
}

func loadTwoFactor(ctx context.Context, q db.Queryer, userID string) (twoFactorRow, error) {
	var r twoFactorRow
	err := q.QueryRow(ctx, `SELECT totp_secret, two_factor_at, totp_last_step, password_hash FROM users WHERE id = ?`, userID).
		Scan(&r.secret, &r.on, &r.last, &r.hash)
	if errors.Is(db.NoRows(err), db.ErrNotFound) {
		return r, errs.NotFound("user_not_found")
	}
	return r, err
}

// TwoFactorStatus tells the person whether two-factor sign-in is on, and
// how many recovery codes they have left.
func (s *Service) TwoFactorStatus(ctx context.Context, actor User) (TwoFactor, error) {
	r, err := loadTwoFactor(ctx, s.DB, actor.ID)
	if err != nil {
		return TwoFactor{}, err
	}
	st := TwoFactor{Enabled: r.on.Valid, Pending: !r.on.Valid && r.secret.Valid}
	if r.on.Valid {
		at := db.Time(r.on.Int64)
		st.EnabledAt = &at
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, actor.ID).
			Scan(&st.RecoveryCodesLeft); err != nil {
			return TwoFactor{}, err
		}
	}
	return st, nil
}

// StartTwoFactor begins enrolment: a new secret for the person's
// authenticator app, which ConfirmTwoFactor turns on once a code from the
// app proves it was read. Starting again replaces a secret not confirmed;
// with two-factor on it is refused (turn it off first).
func (s *Service) StartTwoFactor(ctx context.Context, actor User) (Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: actor.Email,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		return tx.ExecOne(ctx, errTwoFactorOn, `UPDATE users SET totp_secret = ?, totp_last_step = NULL WHERE id = ? AND two_factor_at IS NULL`,
			key.Secret(), actor.ID)
	})
	if err != nil {
		return Enrolment{}, err
	}
	return enrolment(key)
}

// PendingTwoFactor is the enrolment the person started and has not
// confirmed yet, to show again (ok false: none).
func (s *Service) PendingTwoFactor(ctx context.Context, actor User) (e Enrolment, ok bool, err error) {
	r, err := loadTwoFactor(ctx, s.DB, actor.ID)
	if err != nil || r.on.Valid || !r.secret.Valid {
		return Enrolment{}, false, err
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(r.secret.String)
	if err != nil {
		return Enrolment{}, false, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: actor.Email, Secret: secret,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, false, err
	}
	e, err = enrolment(key)
	return e, err == nil, err
}

func enrolment(key *otp.Key) (Enrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(),
		QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// ConfirmTwoFactor turns two-factor sign-in on with a code from the app
// the person just set up, and answers their ten recovery codes: shown this
// once, never again (only their hashes are kept).
func (s *Service) ConfirmTwoFactor(ctx context.Context, actor User, code string, c Client) ([]string, error) {
	var codes []string
	err := s.spendCode(ctx, actor.ID, codeCheck{code: code, pending: true, wrong: errCodeInvalid, client: c}, func(tx *db.Tx) error {
		if err := tx.ExecOne(ctx, errTwoFactorOn, `UPDATE users SET two_factor_at = ? WHERE id = ? AND two_factor_at IS NULL`,
			db.Micros(tx.Now), actor.ID); err != nil {
			return err
		}
		var err error
		if codes, err = replaceRecoveryCodes(ctx, tx, actor.ID); err != nil {
			return err
		}
		return record(ctx, tx, actor.ID, EventTwoFactorOn, c)
	})
	return codes, err
}

// DisableTwoFactor turns two-factor sign-in off. It takes the person's
// password and a current code (or a recovery code): a session left open
// somewhere is not enough to turn it off.
func (s *Service) DisableTwoFactor(ctx context.Context, actor User, password, code string, c Client) error {
	return s.spendCode(ctx, actor.ID, codeCheck{code: code, password: &password, wrong: errCodeInvalid, client: c}, func(tx *db.Tx) error {
		if err := removeTwoFactor(ctx, tx, actor.ID); err != nil {
			return err
		}
		return record(ctx, tx, actor.ID, EventTwoFactorOff, c)
	})
}

// removeTwoFactor deletes userID's secret, recovery codes and waiting
// sign-ins.
func removeTwoFactor(ctx context.Context, tx *db.Tx, userID string) error {
	if _, err := tx.Exec(ctx, `UPDATE users SET two_factor_at = NULL, totp_secret = NULL, totp_last_step = NULL WHERE id = ?`, userID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM sign_in_challenges WHERE user_id = ?`, userID)
	return err
}

// NewRecoveryCodes replaces the person's recovery codes with ten new ones
// (the old ones stop working), given a current code.
func (s *Service) NewRecoveryCodes(ctx context.Context, actor User, code string, c Client) ([]string, error) {
	var codes []string
	err := s.spendCode(ctx, actor.ID, codeCheck{code: code, wrong: errCodeInvalid, client: c}, func(tx *db.Tx) error {
		var err error
		codes, err = replaceRecoveryCodes(ctx, tx, actor.ID)
		return err
	})
	return codes, err
}

// codeCheck is one check of a code (spendCode).
type codeCheck struct {
	code     string
	pending  bool    // of the secret being enrolled (no recovery codes yet)
	password *string // checked too, in the same count of failures
	wrong    error   // the refusal of a wrong code
	client   Client
}

// spendCode checks a code of userID's within the rate limit and spends
// it: a TOTP code's step becomes the last accepted, a recovery code is
// used up. Then it runs then in the same transaction. A wrong code (or
// password) is k.wrong, and goes to the security log unless it was
// during enrolment.
func (s *Service) spendCode(ctx context.Context, userID string, k codeCheck, then func(tx *db.Tx) error) error {
	code := strings.Join(strings.Fields(k.code), "")
	if code == "" {
		return errCodeRequired
	}
	r, err := loadTwoFactor(ctx, s.DB, userID)
	if err != nil {
		return err
	}
	if err := r.state(k.pending); err != nil {
		return err
	}
	if err := s.takeTurn(ctx, s.DB.Clock.Now(), ErrTwoFactorRateLimited, limit{twoFactorKeyPrefix + userID, MaxCodeFailures}); err != nil {
		return err
	}
	badPassword := k.password != nil && !checkPassword(r.hash, *k.password)
	wrong := badPassword
	if !wrong {
		err = s.DB.InTx(ctx, func(tx *db.Tx) error {
			ok, err := useCode(ctx, tx, userID, r.secret.String, code, !k.pending, k.client)
			if err != nil || !ok {
				wrong = !ok
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE subject = ?`, twoFactorKeyPrefix+userID); err != nil {
				return err
			}
			return then(tx)
		})
		if err != nil {
			return err
		}
	}
	if !wrong {
		return nil
	}
	if !k.pending {
		if err := s.DB.InTx(ctx, func(tx *db.Tx) error { return record(ctx, tx, userID, EventTwoFactorFailed, k.client) }); err != nil {
			return err
		}
	}
	if badPassword {
		return errPasswordWrong
	}
	return k.wrong
}

// state refuses a check of a code the person's two-factor is not in the
// state for: enrolling (pending) or on.
func (r twoFactorRow) state(pending bool) error {
	switch {
	case pending && r.on.Valid:
		return errTwoFactorOn
	case pending && !r.secret.Valid:
		return errNotEnrolling
	case !pending && !r.on.Valid:
		return errTwoFactorOff
	}
	return nil
}

// useCode spends code in tx: a TOTP code of secret whose step is after the
// last one accepted, or else (recovery) an unused recovery code. It
// answers whether the code was good. The updates are conditional, so two
// requests with the same code cannot both pass.
func useCode(ctx context.Context, tx *db.Tx, userID, secret, code string, recovery bool, c Client) (bool, error) {
	if step, ok := matchTOTP(secret, code, tx.Now); ok {
		res, err := tx.Exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_secret = ? AND (totp_last_step IS NULL OR totp_last_step < ?)`,
			step, userID, secret, step)
		if err != nil {
			return false, err
		}
		n, _ := res.RowsAffected()
		return n == 1, nil
	}
	if !recovery {
		return false, nil
	}
	res, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		db.Micros(tx.Now), userID, hashRecoveryCode(userID, code))
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, record(ctx, tx, userID, EventRecoveryCodeUsed, c)
}

// matchTOTP finds the step, within the skew of now, whose code is code.
// totp.ValidateCustom answers only yes or no; the step is what makes a
// replayed code refusable, so each step's code is computed and compared.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	if len(code) != int(otp.DigitsSix) {
		return 0, false
	}
	for d := -totpSkew; d <= totpSkew; d++ {
		at := now.Add(time.Duration(d*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return at.Unix() / totpPeriod, true
		}
	}
	return 0, false
}

// recoveryAlphabet is lower-case base32: no 0/o, 1/l or 8/b to confuse.
var recoveryAlphabet = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newRecoveryCode is 60 random bits written xxxx-xxxx-xxxx.
func newRecoveryCode() string {
	var raw [8]byte
	rand.Read(raw[:])
	s := recoveryAlphabet.EncodeToString(raw[:])[:12]
	return s[:4] + "-" + s[4:8] + "-" + s[8:]
}

// hashRecoveryCode is the stored form of a recovery code: the SHA-256 of
// the person's id and the code, read without case, dashes or spaces. The
// codes are random and long, so a fast hash is enough; the id makes one
// guess worth one person only.
func hashRecoveryCode(userID, code string) string {
	code = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	sum := sha256.Sum256([]byte(userID + ":" + code))
	return hex.EncodeToString(sum[:])
}

// replaceRecoveryCodes gives userID ten new recovery codes in place of the
// old ones, and answers them.
func replaceRecoveryCodes(ctx context.Context, tx *db.Tx, userID string) ([]string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (id, user_id, code_hash) VALUES (?, ?, ?)`,
			db.NewID("rcv"), userID, hashRecoveryCode(userID, codes[i])); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// issueChallenge is the token of a browser sign-in waiting for its code
// (only its hash is kept).
func (s *Service) issueChallenge(ctx context.Context, userID string) (string, error) {
	token := newToken()
	now := s.DB.Clock.Now()
	_, err := s.DB.Exec(ctx, `INSERT INTO sign_in_challenges (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hashToken(token), userID, db.Micros(now), db.Micros(now.Add(ChallengeLifetime)))
	return token, err
}

// CompleteSignIn ends a browser sign-in that BeginSignIn left waiting for
// its code: the challenge is the one it answered, and works once, for
// ChallengeLifetime. A wrong code leaves it waiting (within the rate
// limit); an unknown, used or expired one means signing in again.
func (s *Service) CompleteSignIn(ctx context.Context, challenge, code string, kind SessionKind, c Client) (string, User, error) {
	var userID string
	var expires int64
	var used db.NullInt
	err := s.DB.QueryRow(ctx, `SELECT user_id, expires_at, used_at FROM sign_in_challenges WHERE token_hash = ?`, hashToken(challenge)).
		Scan(&userID, &expires, &used)
	if errors.Is(db.NoRows(err), db.ErrNotFound) || (err == nil && (used.Valid || !s.DB.Clock.Now().Before(db.Time(expires)))) {
		return "", User{}, errChallengeInvalid
	}
	if err != nil {
		return "", User{}, err
	}
	var token string
	err = s.spendCode(ctx, userID, codeCheck{code: code, wrong: ErrTwoFactorInvalid, client: c}, func(tx *db.Tx) error {
		if err := tx.ExecOne(ctx, errChallengeInvalid, `UPDATE sign_in_challenges SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`,
			db.Micros(tx.Now), hashToken(challenge)); err != nil {
			return err
		}
		var err error
		if token, err = openSession(ctx, tx, userID, kind, c); err != nil {
			return err
		}
		return record(ctx, tx, userID, EventSignIn, c)
	})
	if err != nil {
		return "", User{}, err
	}
	u, err := s.Get(ctx, userID)
	return token, u, err
}

// DeleteOldChallenges removes sign-in challenges past their expiry; a
// periodic job.
func (s *Service) DeleteOldChallenges(ctx context.Context, now time.Time) (int, error) {
	res, err := s.DB.Exec(ctx, `DELETE FROM sign_in_challenges WHERE expires_at <= ?`, db.Micros(now))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
