-- Custom offers: a freelancer proposes to a business account a fixed-price
-- job, a job in milestones, or (later) an hourly contract. An offer waits 14
-- days for an answer; accepted, it becomes an order (orders.offer_id).

CREATE TABLE offers (
    id                 TEXT PRIMARY KEY,
    freelancer_id      TEXT NOT NULL REFERENCES freelancers (id),
    account_id         TEXT NOT NULL REFERENCES accounts (id),
    created_by         TEXT NOT NULL REFERENCES users (id),   -- the owner or an agency team member
    kind               TEXT NOT NULL CHECK (kind IN ('fixed', 'milestones', 'hourly')),
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    price              BIGINT,             -- fixed: the price; milestones: their sum; hourly: NULL
    delivery_days      INTEGER,            -- fixed: the delivery time; milestones: their sum; hourly: NULL
    revisions          INTEGER NOT NULL DEFAULT 0 CHECK (revisions BETWEEN 0 AND 100),  -- fixed: of the order; milestones: of each milestone
    hourly_rate        BIGINT,             -- hourly only
    weekly_limit_hours INTEGER,            -- hourly only
    currency           TEXT NOT NULL,      -- the freelancer's
    status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
    expires_at         BIGINT NOT NULL,    -- the expiry timer, while pending
    order_id           TEXT REFERENCES orders (id),
    created_at         BIGINT NOT NULL,
    decided_at         BIGINT,
    decided_by         TEXT REFERENCES users (id),            -- NULL for an expiry
    CHECK (kind = 'hourly' OR (price IS NOT NULL AND price > 0 AND delivery_days IS NOT NULL AND delivery_days > 0
        AND hourly_rate IS NULL AND weekly_limit_hours IS NULL)),
    CHECK (kind <> 'hourly' OR (price IS NULL AND delivery_days IS NULL AND hourly_rate IS NOT NULL AND hourly_rate > 0
        AND weekly_limit_hours IS NOT NULL AND weekly_limit_hours BETWEEN 1 AND 168)),
    CHECK ((status = 'accepted') = (order_id IS NOT NULL)),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX offers_account ON offers (account_id, id);
CREATE INDEX offers_freelancer ON offers (freelancer_id, id);
CREATE INDEX offers_expiry ON offers (expires_at) WHERE status = 'pending';

-- The stages of a milestones offer, in order.
CREATE TABLE offer_milestones (
    offer_id      TEXT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL CHECK (position >= 1),
    title         TEXT NOT NULL,
    amount        BIGINT NOT NULL CHECK (amount > 0),
    delivery_days INTEGER NOT NULL CHECK (delivery_days > 0),
    PRIMARY KEY (offer_id, position)
);

-- The milestones of a milestones order. Each is charged into the order's
-- escrow when it starts (its amount + its buyer fees, with its own invoice),
-- delivered, sent back or approved on its own; approval releases it.
-- pending: not charged yet; active: charged, in progress; delivered: waiting
-- for the client (approved automatically at auto_approve_at); approved:
-- released; stopped: will never run (the client stopped, or the order ended).
CREATE TABLE order_milestones (
    id                TEXT PRIMARY KEY,
    order_id          TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL CHECK (position >= 1),
    title             TEXT NOT NULL,
    amount            BIGINT NOT NULL CHECK (amount > 0),
    fees              BIGINT NOT NULL CHECK (fees >= 0),       -- the buyer's fees on this milestone
    currency          TEXT NOT NULL,
    delivery_days     INTEGER NOT NULL CHECK (delivery_days > 0),
    revisions_allowed INTEGER NOT NULL DEFAULT 0 CHECK (revisions_allowed >= 0),
    revisions_used    INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'delivered', 'approved', 'stopped')),
    paid_with         TEXT NOT NULL DEFAULT '',
    charge_ref        TEXT NOT NULL DEFAULT '',
    invoice_id        TEXT NOT NULL DEFAULT '',
    started_at        BIGINT,
    due_at            BIGINT,
    delivered_at      BIGINT,
    auto_approve_at   BIGINT,              -- the auto-approval timer, while delivered
    approved_at       BIGINT,
    approved_by       TEXT REFERENCES users (id),  -- NULL: approved automatically
    UNIQUE (order_id, position),
    CHECK (revisions_used <= revisions_allowed),
    CHECK ((status = 'delivered') = (auto_approve_at IS NOT NULL)),
    CHECK (status IN ('pending', 'stopped') OR started_at IS NOT NULL)
);
-- At most one milestone of an order runs at a time.
CREATE UNIQUE INDEX order_milestones_current ON order_milestones (order_id) WHERE status IN ('active', 'delivered');
CREATE INDEX order_milestones_auto ON order_milestones (auto_approve_at) WHERE status = 'delivered';
