-- Users, sessions, business accounts, memberships, invitations, audit log,
-- in-app notifications and the outbox. Times are BIGINT microseconds (UTC).

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,            -- stored lower-cased
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,            -- argon2id, PHC string
    is_operator   BOOLEAN NOT NULL DEFAULT FALSE,
    locale        TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

-- One row per signed-in browser or API token; the token itself is never
-- stored, only its SHA-256.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE accounts (
    id                       TEXT PRIMARY KEY,
    name                     TEXT NOT NULL,
    currency                 TEXT NOT NULL,
    rewards_level            TEXT NOT NULL DEFAULT 'silver' CHECK (rewards_level IN ('silver', 'gold', 'platinum')),
    invitation_approval      BOOLEAN NOT NULL DEFAULT FALSE,
    order_approval_threshold BIGINT CHECK (order_approval_threshold >= 0),
    member_monthly_limit     BIGINT CHECK (member_monthly_limit >= 0),
    created_by               TEXT NOT NULL REFERENCES users (id),
    created_at               BIGINT NOT NULL
);

CREATE TABLE memberships (
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'billing_manager', 'member')),
    monthly_limit BIGINT CHECK (monthly_limit >= 0), -- this member's own purchase limit
    joined_at     BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
-- At most one admin per account, whatever the code does; the domain makes
-- sure there is never less than one.
CREATE UNIQUE INDEX memberships_one_admin ON memberships (account_id) WHERE role = 'admin';
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('billing_manager', 'member')),
    status      TEXT NOT NULL CHECK (status IN ('pending_approval', 'sent', 'accepted', 'declined', 'rejected', 'revoked', 'expired')),
    invited_by  TEXT NOT NULL REFERENCES users (id),
    decided_by  TEXT REFERENCES users (id),
    reason      TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT,
    expires_at  BIGINT,                      -- the expiry timer, set when sent
    closed_at   BIGINT,
    CHECK (status <> 'sent' OR (sent_at IS NOT NULL AND expires_at IS NOT NULL)),
    CHECK ((status IN ('pending_approval', 'sent')) = (closed_at IS NULL))
);
-- One open invitation per address and account.
CREATE UNIQUE INDEX invitations_open ON invitations (account_id, email) WHERE status IN ('pending_approval', 'sent');
CREATE INDEX invitations_email ON invitations (email);
CREATE INDEX invitations_account ON invitations (account_id, id);
CREATE INDEX invitations_due ON invitations (expires_at) WHERE status = 'sent';

CREATE TABLE audit_log (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor_id   TEXT REFERENCES users (id), -- NULL: the platform (a timer)
    action     TEXT NOT NULL,
    target     TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT '{}', -- JSON: before/after and context
    at         BIGINT NOT NULL
);
CREATE INDEX audit_log_account ON audit_log (account_id, id);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    params     TEXT NOT NULL DEFAULT '{}', -- JSON values for the message
    link       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Side effects (e-mail, webhooks) written in the same transaction as the
-- state change that causes them, and delivered afterwards by the
-- dispatcher, with retries.
CREATE TABLE outbox (
    id            TEXT PRIMARY KEY,
    topic         TEXT NOT NULL,
    payload       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    available_at  BIGINT NOT NULL,            -- not before
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until BIGINT,                     -- a node is working on it until then
    done_at       BIGINT,
    last_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE done_at IS NULL;
