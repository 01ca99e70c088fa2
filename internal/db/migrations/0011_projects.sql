-- Projects (PRODUCT.md §7–8): an account's piece of work with a type, a
-- brief, a budget and members, the orders attached to it, and its timeline;
-- the featured projects operators curate for clients to start from; the
-- project management service (a staff project manager, the orders they
-- propose, the management fee billed on the project's spend).

CREATE TABLE featured_projects (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('website', 'branding', 'marketing_campaign', 'video', 'software', 'content', 'other')),
    brief       TEXT NOT NULL,              -- the brief template a started project copies
    budget      BIGINT NOT NULL CHECK (budget >= 0),
    currency    TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL
);

CREATE TABLE projects (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL CHECK (type IN ('website', 'branding', 'marketing_campaign', 'video', 'software', 'content', 'other')),
    brief         TEXT NOT NULL DEFAULT '',
    budget        BIGINT NOT NULL CHECK (budget >= 0),
    currency      TEXT NOT NULL,
    -- account: every member of the account sees it; private: its members,
    -- the account's admin and its project manager only.
    visibility    TEXT NOT NULL DEFAULT 'account' CHECK (visibility IN ('account', 'private')),
    featured_id   TEXT REFERENCES featured_projects (id),
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    -- The project management service: none → requested → assigned.
    manager_status       TEXT NOT NULL DEFAULT 'none' CHECK (manager_status IN ('none', 'requested', 'assigned')),
    manager_id           TEXT REFERENCES users (id),
    manager_requested_by TEXT REFERENCES users (id),
    manager_requested_at BIGINT,
    fee_bp               BIGINT NOT NULL DEFAULT 0 CHECK (fee_bp >= 0 AND fee_bp <= 10000),
    fee_billed_spend     BIGINT NOT NULL DEFAULT 0,  -- the project spend the fee was already invoiced on
    CHECK ((manager_status = 'assigned') = (manager_id IS NOT NULL)),
    CHECK ((manager_status = 'none') = (manager_requested_at IS NULL))
);
CREATE INDEX projects_account ON projects (account_id, id);
CREATE INDEX projects_manager ON projects (manager_id);
CREATE INDEX projects_manager_status ON projects (manager_status, manager_requested_at);

CREATE TABLE project_members (
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id),
    added_by    TEXT REFERENCES users (id),
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members (user_id);

CREATE TABLE project_events (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    actor_id    TEXT REFERENCES users (id),
    kind        TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL
);
CREATE INDEX project_events_project ON project_events (project_id, id);

-- Orders a project manager proposes; a member of the account who may buy
-- confirms one, and it is placed through the account's approval policy.
CREATE TABLE project_proposals (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    service_id    TEXT NOT NULL REFERENCES services (id),
    package_name  TEXT NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    requirements  TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    -- placing: a member's confirmation is placing its order (one at a time).
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'placing', 'confirmed', 'declined')),
    proposed_by   TEXT NOT NULL REFERENCES users (id),
    decided_by    TEXT REFERENCES users (id),
    order_id      TEXT REFERENCES orders (id),
    created_at    BIGINT NOT NULL,
    decided_at    BIGINT,
    CHECK ((status IN ('open', 'placing')) = (decided_at IS NULL)),
    CHECK ((status = 'confirmed') = (order_id IS NOT NULL))
);
CREATE INDEX project_proposals_project ON project_proposals (project_id, id);

CREATE INDEX orders_project ON orders (project_id);
