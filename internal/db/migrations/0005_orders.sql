-- Orders: a business account buys a package of a service, with a quantity,
-- or accepts a freelancer's custom offer (fixed price or milestones; hourly
-- contracts later).
-- Money is held in the order's escrow ledger account from the start until
-- completion (released to the freelancer) or cancellation (refunded).

CREATE TABLE orders (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    buyer_id          TEXT NOT NULL REFERENCES users (id),      -- the member who placed it
    freelancer_id     TEXT NOT NULL REFERENCES freelancers (id),
    kind              TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('service', 'fixed', 'milestones', 'hourly')),
    service_id        TEXT REFERENCES services (id),            -- a service order; NULL for an offer's order
    offer_id          TEXT,                                     -- the accepted offer (offers, 0006)
    title             TEXT NOT NULL,
    package_name      TEXT NOT NULL,
    quantity          INTEGER NOT NULL CHECK (quantity >= 1),
    unit_price        BIGINT NOT NULL CHECK (unit_price > 0),
    subtotal          BIGINT NOT NULL CHECK (subtotal > 0),
    fees              BIGINT NOT NULL CHECK (fees >= 0),         -- service fee + small-order fee
    total             BIGINT NOT NULL CHECK (total = subtotal + fees),
    currency          TEXT NOT NULL,
    delivery_days     INTEGER NOT NULL CHECK (delivery_days > 0),
    revisions_allowed INTEGER NOT NULL CHECK (revisions_allowed >= 0),
    revisions_used    INTEGER NOT NULL DEFAULT 0,
    requirements      TEXT NOT NULL DEFAULT '',
    project_id        TEXT,
    -- awaiting_payment: a milestone order between an approved milestone and
    -- the next one, whose charge failed; the client pays (retries) or stops.
    status            TEXT NOT NULL CHECK (status IN ('pending_approval', 'active', 'delivered', 'awaiting_payment', 'completed', 'cancelled', 'rejected')),
    paid_with         TEXT NOT NULL DEFAULT '',                   -- "balance", or the card's label
    charge_ref        TEXT NOT NULL DEFAULT '',
    invoice_id        TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',                   -- of a rejection or cancellation
    created_at        BIGINT NOT NULL,
    decided_by        TEXT REFERENCES users (id),                 -- the admin who approved or rejected
    started_at        BIGINT,
    due_at            BIGINT,
    delivered_at      BIGINT,
    auto_complete_at  BIGINT,          -- the auto-completion timer, while delivered
    review_extension  INTEGER NOT NULL DEFAULT 0,                 -- days the client added to this delivery's review window
    completed_at      BIGINT,
    reviews_public_at BIGINT,          -- when reviews show: both written, or 10 days after completion
    closed_at         BIGINT,
    CHECK (revisions_used <= revisions_allowed),
    CHECK ((kind = 'service') = (service_id IS NOT NULL)),
    CHECK (kind = 'service' OR offer_id IS NOT NULL),
    CHECK ((status = 'delivered') = (auto_complete_at IS NOT NULL)),
    CHECK (status IN ('pending_approval', 'rejected') OR started_at IS NOT NULL OR status = 'cancelled'),
    CHECK (review_extension BETWEEN 0 AND 5)
);
CREATE INDEX orders_account ON orders (account_id, id);
CREATE INDEX orders_buyer ON orders (buyer_id, created_at);
CREATE INDEX orders_freelancer ON orders (freelancer_id, id);
CREATE UNIQUE INDEX orders_offer ON orders (offer_id) WHERE offer_id IS NOT NULL;  -- an offer becomes one order
CREATE INDEX orders_pending ON orders (account_id, id) WHERE status = 'pending_approval';
CREATE INDEX orders_auto_complete ON orders (auto_complete_at) WHERE status = 'delivered';
CREATE INDEX orders_reviews_due ON orders (completed_at) WHERE status = 'completed' AND reviews_public_at IS NULL;

-- The timeline of an order: every event, message and delivery, in order.
CREATE TABLE order_events (
    id       TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES users (id),  -- NULL: Atelier (a timer)
    kind     TEXT NOT NULL,               -- placed, approved, rejected, started, message, delivery, revision, extended, completed, cancelled, review
    body     TEXT NOT NULL DEFAULT '',
    at       BIGINT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- Files attached to deliveries (and messages), kept in the database so every
-- node serves them.
CREATE TABLE order_files (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL REFERENCES order_events (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
--sqlite     data         BLOB NOT NULL,
--postgres   data         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX order_files_event ON order_files (event_id);

-- One review per side of a completed order.
CREATE TABLE order_reviews (
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    side       TEXT NOT NULL CHECK (side IN ('client', 'freelancer')),
    author_id  TEXT NOT NULL REFERENCES users (id),
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, side)
);

-- A catalog review now comes from an order.
ALTER TABLE reviews ADD COLUMN order_id TEXT;
