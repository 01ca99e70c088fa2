-- Hourly contracts (PRODUCT.md §6): an accepted hourly offer is an order of
-- kind 'hourly' whose row keeps the offer's quote (one week at the weekly
-- limit, what approval and purchase limits count) and whose contract lives
-- here. Weeks run Monday 00:00 to Sunday 23:59:59 UTC; times are
-- microseconds like everywhere else.

CREATE TABLE hourly_contracts (
    order_id     TEXT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    rate         BIGINT NOT NULL CHECK (rate > 0),      -- per hour, minor units
    currency     TEXT NOT NULL,
    -- active: reports are filed and charged; paused: no hours after the
    -- pause's day; ended: no hours after the end's day (the last week is
    -- still charged and released).
    state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'ended')),
    paused_at    BIGINT,
    ended_at     BIGINT,
    -- A failed weekly charge suspends the contract until the client retries
    -- it successfully: nothing else is charged, no report is filed.
    suspended_at BIGINT,
    CHECK ((state = 'paused') = (paused_at IS NOT NULL)),
    CHECK ((state = 'ended') = (ended_at IS NOT NULL))
);
CREATE INDEX hourly_contracts_suspended ON hourly_contracts (order_id) WHERE suspended_at IS NOT NULL;

-- The weekly limit in effect from a week on: the limit of week W is the row
-- with the latest from_week <= W. A raise rewrites the current week's row, a
-- cut adds next week's.
CREATE TABLE hourly_limits (
    order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_week   BIGINT NOT NULL,                          -- a Monday 00:00 UTC
    limit_hours INTEGER NOT NULL CHECK (limit_hours BETWEEN 1 AND 168),
    PRIMARY KEY (order_id, from_week)
);

-- One weekly report per contract and week: filed (and replaced) by the
-- freelancer until charge_at (Monday 12:00 UTC after the week), then
-- charged once into the order's escrow with its own invoice; released to
-- the freelancer after dispute_until unless the client disputes it.
-- draft: filed, not charged yet; charged: paid into escrow; disputed: held
-- in escrow for the resolution center; released: paid to the freelancer;
-- failed: its charge failed (the contract is suspended until a retry).
CREATE TABLE hourly_reports (
    id             TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    week_start     BIGINT NOT NULL,
    minutes        INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 168 * 60),
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'charged', 'disputed', 'released', 'failed')),
    amount         BIGINT NOT NULL DEFAULT 0 CHECK (amount >= 0),  -- minutes × rate, set when charged
    fees           BIGINT NOT NULL DEFAULT 0 CHECK (fees >= 0),
    currency       TEXT NOT NULL,
    charge_at      BIGINT NOT NULL,           -- the charge timer, while draft
    claimed_until  BIGINT,                    -- a node charging it now
    paid_with      TEXT NOT NULL DEFAULT '',
    charge_ref     TEXT NOT NULL DEFAULT '',
    invoice_id     TEXT NOT NULL DEFAULT '',
    charged_at     BIGINT,
    dispute_until  BIGINT,                    -- the release timer, while charged
    disputed_at    BIGINT,
    disputed_by    TEXT REFERENCES users (id),
    dispute_reason TEXT NOT NULL DEFAULT '',
    released_at    BIGINT,
    failure        TEXT NOT NULL DEFAULT '',  -- the error code of a failed charge
    filed_by       TEXT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (order_id, week_start),
    CHECK ((status IN ('charged', 'disputed', 'released')) = (charged_at IS NOT NULL AND dispute_until IS NOT NULL AND invoice_id <> '')),
    CHECK ((status = 'disputed') = (disputed_at IS NOT NULL)),
    CHECK ((status = 'released') = (released_at IS NOT NULL))
);
-- A week is charged once: one invoice per report, one report per invoice.
CREATE UNIQUE INDEX hourly_reports_invoice ON hourly_reports (invoice_id) WHERE invoice_id <> '';
CREATE INDEX hourly_reports_charge ON hourly_reports (charge_at) WHERE status = 'draft';
CREATE INDEX hourly_reports_release ON hourly_reports (dispute_until) WHERE status = 'charged';

-- The days of a report: hours stored exactly, in whole minutes (quarter
-- hours), with what was done.
CREATE TABLE hourly_report_days (
    report_id TEXT NOT NULL REFERENCES hourly_reports (id) ON DELETE CASCADE,
    day       TEXT NOT NULL,                  -- YYYY-MM-DD, inside the report's week
    minutes   INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    note      TEXT NOT NULL,
    PRIMARY KEY (report_id, day)
);
