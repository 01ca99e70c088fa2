-- Verified addresses. A person's e-mail address is verified once they
-- followed the link sent to it, or support marked it (`atelier user
-- verify`); people who signed up before this migration are taken as
-- verified, as they were trusted until now.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
UPDATE users SET email_verified_at = created_at;

-- One-time links sent by e-mail (an address's verification, a password
-- reset). Only the SHA-256 of the token is kept; a link works once, until
-- it expires, and a new link of the same purpose replaces the older ones.
CREATE TABLE user_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);
