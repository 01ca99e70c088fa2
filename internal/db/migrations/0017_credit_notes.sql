-- Credit notes (« factures d'avoir »): the document of every refund to an
-- account, in their own gap-free series (AV-000001), each naming the
-- invoices it corrects. Like invoices, issued once and never changed.
INSERT INTO invoice_counters (issuer, prefix, last) VALUES ('atelier:credit', 'AV', 0);

CREATE TABLE credit_notes (
    id         TEXT PRIMARY KEY,
    seq        BIGINT NOT NULL UNIQUE,
    number     TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    ref        TEXT NOT NULL,   -- what was refunded: the order or the deposit
    total      BIGINT NOT NULL,
    currency   TEXT NOT NULL,
    body       TEXT NOT NULL,   -- the whole credit note as issued (JSON)
    issued_at  BIGINT NOT NULL
);
CREATE INDEX credit_notes_account ON credit_notes (account_id, id);

-- What each credit note takes back from each invoice it corrects: an
-- invoice is never credited past its total.
CREATE TABLE credit_note_lines (
    credit_note_id TEXT NOT NULL REFERENCES credit_notes (id),
    invoice_id     TEXT NOT NULL REFERENCES invoices (id),
    amount         BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (credit_note_id, invoice_id)
);
CREATE INDEX credit_note_lines_invoice ON credit_note_lines (invoice_id);
