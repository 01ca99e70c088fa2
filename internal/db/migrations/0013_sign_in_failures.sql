-- Failed sign-ins, one row per failure and per key ("email:…" and "ip:…"),
-- kept in the database so that every node counts the same attempts
-- (users.SignIn). Rows older than the window are swept away.
CREATE TABLE sign_in_failures (
    subject     TEXT NOT NULL,
    failed_at   BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (subject, failed_at);
CREATE INDEX sign_in_failures_at ON sign_in_failures (failed_at);
