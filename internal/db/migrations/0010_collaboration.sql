-- Team collaboration (PRODUCT.md §7): an order shared with other members
-- of its account, internal comments on orders, lists of freelancers and
-- services shared read-only with other accounts, and the freelancer
-- network's saved candidates and internal reviews. Everything here belongs
-- to one business account and is never shown to a freelancer.

-- A member of the order's account who may see an order they did not place.
CREATE TABLE order_shares (
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    shared_by  TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, user_id)
);
CREATE INDEX order_shares_user ON order_shares (user_id, order_id);

-- Internal comments: the client side's notes on an order, in threads of
-- one level (a reply's parent is a comment without a parent).
CREATE TABLE order_comments (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    author_id  TEXT NOT NULL REFERENCES users (id),
    parent_id  TEXT REFERENCES order_comments (id) ON DELETE CASCADE,
    body       TEXT NOT NULL CHECK (body <> ''),
    created_at BIGINT NOT NULL
);
CREATE INDEX order_comments_order ON order_comments (order_id, id);

-- Lists of freelancers and services, edited by the account's members.
CREATE TABLE lists (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name       TEXT NOT NULL CHECK (name <> ''),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX lists_account ON lists (account_id, id);

-- One item is a freelancer or a service, once per list.
CREATE TABLE list_items (
    id            TEXT PRIMARY KEY,
    list_id       TEXT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    freelancer_id TEXT REFERENCES freelancers (id),
    service_id    TEXT REFERENCES services (id),
    note          TEXT NOT NULL DEFAULT '',
    added_by      TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    CHECK ((freelancer_id IS NULL) <> (service_id IS NULL))
);
CREATE UNIQUE INDEX list_items_freelancer ON list_items (list_id, freelancer_id) WHERE freelancer_id IS NOT NULL;
CREATE UNIQUE INDEX list_items_service ON list_items (list_id, service_id) WHERE service_id IS NOT NULL;

-- A list shared read-only with another account; deleting the row revokes it.
CREATE TABLE list_shares (
    list_id    TEXT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    shared_by  TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (list_id, account_id)
);
CREATE INDEX list_shares_account ON list_shares (account_id, list_id);

-- The freelancer network: candidates an account saved (the freelancers it
-- hired come from its orders).
CREATE TABLE network_saved (
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id),
    saved_by      TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, freelancer_id)
);

-- Internal reviews: one private rating and text per member and freelancer.
CREATE TABLE internal_reviews (
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id),
    author_id     TEXT NOT NULL REFERENCES users (id),
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body          TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, freelancer_id, author_id)
);
