-- An operator's decision on a disputed hourly week: how much of the week's
-- charge went back to the client and how much was released to the
-- freelancer. The week itself becomes 'released' (its dispute time moves
-- here, as hourly_reports ties disputed_at to the 'disputed' status).
CREATE TABLE hourly_dispute_decisions (
    report_id   TEXT PRIMARY KEY REFERENCES hourly_reports (id) ON DELETE CASCADE,
    disputed_at BIGINT NOT NULL,
    refund      BIGINT NOT NULL CHECK (refund >= 0),
    released    BIGINT NOT NULL CHECK (released >= 0),
    currency    TEXT NOT NULL,
    note        TEXT NOT NULL,
    decided_by  TEXT NOT NULL REFERENCES users (id),
    decided_at  BIGINT NOT NULL
);
