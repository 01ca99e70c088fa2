-- Two-factor sign-in (users/twofactor.go). A person's TOTP secret is kept
-- from the moment they start enrolling (pending while two_factor_at is
-- NULL, active once a code confirmed it); totp_last_step is the time step
-- of the last code accepted, so a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN two_factor_at BIGINT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Ten single-use recovery codes per person, for a lost phone: only their
-- SHA-256 is kept (they are random and long, so a fast hash is enough).
CREATE TABLE recovery_codes (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A browser sign-in whose password was right, waiting for the code: the
-- page that asks for it carries the challenge's token (only its SHA-256 is
-- kept), which works once, for a few minutes, for that person.
CREATE TABLE sign_in_challenges (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at);

-- An account's policy: its members must sign in with two-factor to reach it.
ALTER TABLE accounts ADD COLUMN require_two_factor BOOLEAN NOT NULL DEFAULT FALSE;
