-- What each account spent, per UTC day and currency: the sums of spend's
-- rows, kept in the transaction that writes them (billing.RecordSpend).
--
-- Why: an account's rewards level is its spend over the last 12 months,
-- recomputed on every payment, and its dashboard draws a chart of the same
-- 12 months. Both summed every spend row of the period, so each order cost
-- more than the one before (a quarter of placing an order, in the endpoint
-- benchmark, for an account with a few thousand orders). With days they
-- read at most 366 rows; the window's first day, which counts only from
-- the same time of day a year ago, is still summed from spend's own rows.
CREATE TABLE spend_days (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    currency   TEXT NOT NULL,
    day        BIGINT NOT NULL,            -- days since 1970-01-01 (UTC)
    amount     BIGINT NOT NULL,            -- net of refunds
    PRIMARY KEY (account_id, currency, day)
);
INSERT INTO spend_days (account_id, currency, day, amount)
SELECT account_id, currency, at / 86400000000, SUM(amount) FROM spend
GROUP BY account_id, currency, at / 86400000000;
