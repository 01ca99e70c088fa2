-- Money: the double-entry ledger, payment methods, billing info, deposits,
-- invoices with their gap-free counters, freelancer earnings and
-- withdrawals, and the idempotency keys of money-moving API requests.

-- Every balance in Atelier is a ledger account: a business account's
-- balance and credits, an order's escrow, a freelancer's pending and
-- available earnings, the platform's fee revenue, and the accounts where
-- money enters and leaves (cards, payouts) or is spent by the platform
-- (rewards, the guarantee). Only those last may go below zero.
CREATE TABLE ledger_accounts (
    id              TEXT PRIMARY KEY,          -- kind:owner:currency
    kind            TEXT NOT NULL,
    owner           TEXT NOT NULL,             -- business account, freelancer, order, or "platform"
    currency        TEXT NOT NULL,
    balance         BIGINT NOT NULL DEFAULT 0, -- the sum of its entries, kept with them
    may_go_negative BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK (may_go_negative OR balance >= 0)
);
CREATE INDEX ledger_accounts_owner ON ledger_accounts (owner, kind);

-- One transaction per movement; its entries sum to zero.
CREATE TABLE ledger_transactions (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,               -- deposit, order_charge, release, refund, reward, clearance, withdrawal…
    ref        TEXT NOT NULL DEFAULT '',    -- the deposit, order… that caused it
    currency   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_transactions_ref ON ledger_transactions (ref);

CREATE TABLE ledger_entries (
    id             TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    account_id     TEXT NOT NULL REFERENCES ledger_accounts (id),
    amount         BIGINT NOT NULL CHECK (amount <> 0), -- + into the account, - out of it
    created_at     BIGINT NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

CREATE TABLE payment_methods (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    type         TEXT NOT NULL CHECK (type IN ('card')),
    provider     TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    brand        TEXT NOT NULL,
    last4        TEXT NOT NULL,
    exp_month    INTEGER NOT NULL,
    exp_year     INTEGER NOT NULL,
    is_default   BOOLEAN NOT NULL DEFAULT FALSE,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    removed_at   BIGINT
);
CREATE INDEX payment_methods_account ON payment_methods (account_id, id);
CREATE UNIQUE INDEX payment_methods_one_default ON payment_methods (account_id) WHERE is_default AND removed_at IS NULL;

CREATE TABLE billing_info (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    company    TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    country    TEXT NOT NULL DEFAULT '',
    vat_id     TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

CREATE TABLE deposits (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    amount            BIGINT NOT NULL CHECK (amount > 0),
    currency          TEXT NOT NULL,
    payment_method_id TEXT NOT NULL REFERENCES payment_methods (id),
    charge_ref        TEXT NOT NULL,
    reward            BIGINT NOT NULL DEFAULT 0,
    refunded          BIGINT NOT NULL DEFAULT 0 CHECK (refunded >= 0), -- given back to the card so far
    invoice_id        TEXT NOT NULL,
    idempotency_key   TEXT,               -- the caller's key: the same key deposits once
    created_by        TEXT NOT NULL REFERENCES users (id),
    created_at        BIGINT NOT NULL,
    CHECK (refunded <= amount)
);
CREATE INDEX deposits_account ON deposits (account_id, id);
CREATE UNIQUE INDEX deposits_key ON deposits (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Invoice numbers: one counter row per issuer, taken with an UPDATE in the
-- transaction of the charge. A rolled-back charge gives its number back, so
-- numbers never skip; the row lock makes concurrent charges take turns, so
-- they never repeat (and the unique index below would refuse it anyway).
CREATE TABLE invoice_counters (
    issuer TEXT PRIMARY KEY,
    prefix TEXT NOT NULL,
    last   BIGINT NOT NULL DEFAULT 0
);
INSERT INTO invoice_counters (issuer, prefix, last) VALUES ('atelier', 'ATL', 0);

CREATE TABLE invoices (
    id         TEXT PRIMARY KEY,
    issuer     TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    number     TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    total      BIGINT NOT NULL,
    currency   TEXT NOT NULL,
    body       TEXT NOT NULL,   -- the whole invoice as issued (JSON)
    issued_at  BIGINT NOT NULL,
    UNIQUE (issuer, seq)
);
CREATE INDEX invoices_account ON invoices (account_id, id);

-- A freelancer's earnings from a release, pending until they clear.
CREATE TABLE earnings (
    id            TEXT PRIMARY KEY,
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id),
    ref           TEXT NOT NULL,            -- the order (or milestone, week) released
    amount        BIGINT NOT NULL CHECK (amount > 0),
    currency      TEXT NOT NULL,
    clears_at     BIGINT NOT NULL,          -- the clearance timer
    cleared_at    BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX earnings_due ON earnings (clears_at) WHERE cleared_at IS NULL;
CREATE INDEX earnings_freelancer ON earnings (freelancer_id, id);

CREATE TABLE withdrawals (
    id            TEXT PRIMARY KEY,
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id),
    amount        BIGINT NOT NULL CHECK (amount > 0),
    currency      TEXT NOT NULL,
    payout_ref    TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL
);
CREATE INDEX withdrawals_freelancer ON withdrawals (freelancer_id, id);

-- What an account paid for orders, net of refunds, for the rewards level.
CREATE TABLE spend (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    amount     BIGINT NOT NULL,             -- negative for a refund
    currency   TEXT NOT NULL,
    ref        TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX spend_account ON spend (account_id, at);

-- The answers to money-moving API requests, by the caller's Idempotency-Key.
CREATE TABLE idempotency_keys (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    request    TEXT NOT NULL,              -- method, path and a hash of the body
    status     INTEGER NOT NULL DEFAULT 0, -- 0 while the first request runs
    response   TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Periodic jobs (the daily rewards recompute): when each runs next. A node
-- takes a run by moving next_run_at forward with a conditional UPDATE, so
-- each period runs once across nodes.
CREATE TABLE job_schedules (
    name        TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL
);
