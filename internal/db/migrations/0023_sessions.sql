-- Sessions people can see and end, and their security log.
--
-- A session has a public id (the list on /settings/sessions and
-- DELETE /me/sessions/{id} name it; the token's hash never leaves the
-- server), the device it was opened from (the browser's User-Agent) and
-- when and from which address it was last used. Sessions opened before
-- this migration take an id made from their hash.
ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN addr TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
UPDATE sessions SET id = 'ses_' || substr(token_hash, 1, 24), last_seen_at = created_at;
CREATE UNIQUE INDEX sessions_id ON sessions (id);

-- What happened to a person's sign-in, password, two-factor and sessions,
-- for them to read (users.Events): one row per event, with the address
-- and device it came from.
CREATE TABLE security_events (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    addr        TEXT NOT NULL DEFAULT '',
    user_agent  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX security_events_user ON security_events (user_id, id);
