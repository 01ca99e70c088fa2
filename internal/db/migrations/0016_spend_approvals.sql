-- What a member commits of the account's money besides orders, and the
-- admin's answer when it is above the account's policies (the spending
-- gate, orders.gate): a raise of an order's price (a change of scope the
-- member accepts) or of an hourly contract's weekly limit.
--
-- applied: it passed the gate and was carried out at once; it counts in
-- the member's monthly spend like an order.
-- pending: it waits in the admin's approvals queue, nothing charged;
-- approved (carried out by the admin's approval) or rejected; closed: the
-- request it answered ended otherwise, or a newer ask replaced it.
CREATE TABLE spend_approvals (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    order_id     TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('scope_change', 'hourly_limit')),
    request_id   TEXT REFERENCES order_requests (id),  -- scope_change: the request
    limit_hours  INTEGER,                              -- hourly_limit: the weekly limit asked for
    amount       BIGINT NOT NULL,                      -- what it commits (a raise: the charge; a limit: a week at it)
    currency     TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users (id),
    status       TEXT NOT NULL CHECK (status IN ('applied', 'pending', 'approved', 'rejected', 'closed')),
    reason       TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    decided_at   BIGINT,
    decided_by   TEXT REFERENCES users (id)
);
CREATE INDEX spend_approvals_account ON spend_approvals (account_id, status, created_at);
CREATE INDEX spend_approvals_member ON spend_approvals (account_id, requested_by, created_at);
CREATE UNIQUE INDEX spend_approvals_pending ON spend_approvals (order_id, kind) WHERE status = 'pending';
