-- The resolution center (PRODUCT.md §6): requests one side of a running
-- order makes to the other — mutual cancellation, a longer delivery time, a
-- change of scope and price, a partial refund — and escalations to the
-- platform, which an operator decides. And the satisfaction guarantee's
-- claims. Timers are data: a request's deadline is written with it.

CREATE TABLE order_requests (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('cancel', 'extend_delivery', 'change_scope', 'partial_refund', 'escalate')),
    side         TEXT NOT NULL CHECK (side IN ('client', 'freelancer')),  -- the requester's side
    requested_by TEXT NOT NULL REFERENCES users (id),
    message      TEXT NOT NULL DEFAULT '',
    days         INTEGER,          -- extend_delivery: days added to the due date
    amount       BIGINT,           -- change_scope: the new price, partial_refund: what the client gets back
    currency     TEXT,
    -- open: waiting for the other side (or, escalated, for an operator),
    -- accepted (by the other side, or by the timer of a cancellation),
    -- declined, withdrawn (by the requester, or by the timer of an
    -- extension), closed (the order ended otherwise), decided (an
    -- operator's decision on an escalation).
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'withdrawn', 'closed', 'decided')),
    deadline     BIGINT,           -- cancel: accepted automatically, extend_delivery: withdrawn automatically
    created_at   BIGINT NOT NULL,
    decided_at   BIGINT,
    decided_by   TEXT REFERENCES users (id),   -- NULL: a timer
    outcome      TEXT NOT NULL DEFAULT '',     -- an escalation's decision: complete, cancel_full, cancel_partial, extend
    note         TEXT NOT NULL DEFAULT '',     -- the operator's words on a decision
    CHECK ((status = 'open') = (decided_at IS NULL)),
    CHECK (kind NOT IN ('cancel', 'extend_delivery') OR deadline IS NOT NULL),
    CHECK (kind <> 'extend_delivery' OR (days IS NOT NULL AND days BETWEEN 1 AND 30)),
    CHECK (kind NOT IN ('change_scope', 'partial_refund') OR (amount IS NOT NULL AND amount > 0 AND currency IS NOT NULL))
);
CREATE INDEX order_requests_order ON order_requests (order_id, id);
-- One open request between the sides of an order at a time, and one open
-- escalation: a double request is refused even under concurrent posts.
CREATE UNIQUE INDEX order_requests_one_open ON order_requests (order_id) WHERE status = 'open' AND kind <> 'escalate';
CREATE UNIQUE INDEX order_requests_one_escalation ON order_requests (order_id) WHERE status = 'open' AND kind = 'escalate';
CREATE INDEX order_requests_due ON order_requests (deadline) WHERE status = 'open';
CREATE INDEX order_requests_escalations ON order_requests (kind, status, id);

-- Satisfaction-guarantee claims: one per order, ever.
CREATE TABLE guarantee_claims (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    claimed_by  TEXT NOT NULL REFERENCES users (id),
    reason      TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),  -- what the client paid, net of refunds: refunded when granted
    currency    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'rejected')),
    created_at  BIGINT NOT NULL,
    decided_at  BIGINT,
    decided_by  TEXT REFERENCES users (id),
    note        TEXT NOT NULL DEFAULT '',
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX guarantee_claims_queue ON guarantee_claims (status, id);
