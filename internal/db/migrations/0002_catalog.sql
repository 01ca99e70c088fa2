-- The catalog: freelancer profiles (individuals and agencies), agency team
-- members, Pro vetting, services with their packages, reviews, and the
-- recently viewed profiles of each user.

CREATE TABLE freelancers (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id),
    display_name  TEXT NOT NULL,
    headline      TEXT NOT NULL DEFAULT '',
    bio           TEXT NOT NULL DEFAULT '',
    skills        TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    languages     TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    country       TEXT NOT NULL DEFAULT '',    -- ISO 3166-1 alpha-2
    hourly_rate   BIGINT NOT NULL CHECK (hourly_rate > 0),
    currency      TEXT NOT NULL,
    agency        BOOLEAN NOT NULL DEFAULT FALSE,
    pro           BOOLEAN NOT NULL DEFAULT FALSE,
    pro_since     BIGINT,
    rating_sum    BIGINT NOT NULL DEFAULT 0,   -- sum of public review ratings (1–5)
    reviews_count BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
-- One seller profile per owner (GET /me answers one freelancer_id).
CREATE UNIQUE INDEX freelancers_owner ON freelancers (owner_id);

CREATE TABLE agency_members (
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id),
    title         TEXT NOT NULL DEFAULT '',
    joined_at     BIGINT NOT NULL,
    PRIMARY KEY (freelancer_id, user_id)
);

CREATE TABLE pro_applications (
    id            TEXT PRIMARY KEY,
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    message       TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    decided_by    TEXT REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    decided_at    BIGINT,
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK (status <> 'rejected' OR reason <> '')
);
CREATE UNIQUE INDEX pro_applications_open ON pro_applications (freelancer_id) WHERE status = 'pending';
CREATE INDEX pro_applications_queue ON pro_applications (status, id);

-- A service's search and filter columns are kept on the row itself
-- (denormalised from its packages and its freelancer) so that a search is
-- one indexed scan: min_price and min_delivery_days from the packages, pro
-- and skills from the freelancer.
CREATE TABLE services (
    -- On SQLite, seq is the rowid the full-text index points at; declared
    -- INTEGER PRIMARY KEY it survives VACUUM (a bare rowid may not).
--sqlite     seq               INTEGER PRIMARY KEY,
--sqlite     id                TEXT NOT NULL UNIQUE,
--postgres   id                TEXT PRIMARY KEY,
    freelancer_id     TEXT NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    category          TEXT NOT NULL,
    max_quantity      INTEGER NOT NULL CHECK (max_quantity BETWEEN 1 AND 100),
    pro_only          BOOLEAN NOT NULL DEFAULT FALSE,
    status            TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    currency          TEXT NOT NULL,
    min_price         BIGINT NOT NULL CHECK (min_price > 0),
    min_delivery_days INTEGER NOT NULL CHECK (min_delivery_days > 0),
    pro               BOOLEAN NOT NULL DEFAULT FALSE,
    skills            TEXT NOT NULL DEFAULT '',  -- the freelancer's skills, space-separated, for search
    rating            INTEGER NOT NULL DEFAULT 0, -- average × 100 (487 = 4.87), 0 without reviews
    reviews_count     BIGINT NOT NULL DEFAULT 0,
    rating_sum        BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX services_freelancer ON services (freelancer_id, id);
CREATE INDEX services_active_new ON services (status, id);
-- Price filters always name a currency (prices compare within one), so it
-- comes before the price in every price index.
CREATE INDEX services_active_price ON services (status, currency, min_price, id);
CREATE INDEX services_active_rating ON services (status, rating, reviews_count, id);
CREATE INDEX services_category_new ON services (status, category, id);
CREATE INDEX services_category_price ON services (status, category, currency, min_price, id);
CREATE INDEX services_category_rating ON services (status, category, rating, reviews_count, id);

CREATE TABLE service_packages (
    service_id    TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL CHECK (position BETWEEN 1 AND 3),
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    price         BIGINT NOT NULL CHECK (price > 0),
    delivery_days INTEGER NOT NULL CHECK (delivery_days BETWEEN 1 AND 365),
    revisions     INTEGER NOT NULL CHECK (revisions BETWEEN 0 AND 100),
    PRIMARY KEY (service_id, position)
);

-- Public reviews of a freelancer's work on a service. Orders (a later
-- migration) link a review to the order it rates.
CREATE TABLE reviews (
    id            TEXT PRIMARY KEY,
    service_id    TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    author_name   TEXT NOT NULL,
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body          TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE INDEX reviews_service ON reviews (service_id, id);
CREATE INDEX reviews_freelancer ON reviews (freelancer_id, id);

CREATE TABLE recently_viewed (
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id) ON DELETE CASCADE,
    viewed_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, freelancer_id)
);
CREATE INDEX recently_viewed_user ON recently_viewed (user_id, viewed_at);
CREATE INDEX services_pro_price ON services (status, pro, currency, min_price, id);
CREATE INDEX services_pro_rating ON services (status, pro, rating, reviews_count, id);
