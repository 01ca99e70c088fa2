-- Every card charge of an order or a fee (deposits keep their own, with
-- what was given back): money that came back to the balance from what it
-- paid can go back to that card (POST /accounts/{a}/balance/refund), never
-- more than the charge.
CREATE TABLE card_charges (
    charge_ref TEXT PRIMARY KEY,              -- the provider's reference
    account_id TEXT NOT NULL REFERENCES accounts (id),
    ref        TEXT NOT NULL,                 -- what it paid: the order, the project (a fee)
    amount     BIGINT NOT NULL CHECK (amount > 0),
    currency   TEXT NOT NULL,
    returned   BIGINT NOT NULL DEFAULT 0 CHECK (returned >= 0),
    created_at BIGINT NOT NULL,
    CHECK (returned <= amount)
);
CREATE INDEX card_charges_account ON card_charges (account_id, created_at);

-- The charges made before: orders, milestones and hourly weeks paid by
-- card, with what their invoices say they charged.
INSERT INTO card_charges (charge_ref, account_id, ref, amount, currency, created_at)
    SELECT o.charge_ref, o.account_id, o.id, i.total, i.currency, i.issued_at
    FROM orders o JOIN invoices i ON i.id = o.invoice_id WHERE o.charge_ref <> '' AND o.kind <> 'milestones'
    ON CONFLICT DO NOTHING;
INSERT INTO card_charges (charge_ref, account_id, ref, amount, currency, created_at)
    SELECT m.charge_ref, o.account_id, o.id, i.total, i.currency, i.issued_at
    FROM order_milestones m JOIN orders o ON o.id = m.order_id JOIN invoices i ON i.id = m.invoice_id WHERE m.charge_ref <> ''
    ON CONFLICT DO NOTHING;
INSERT INTO card_charges (charge_ref, account_id, ref, amount, currency, created_at)
    SELECT r.charge_ref, o.account_id, o.id, i.total, i.currency, i.issued_at
    FROM hourly_reports r JOIN orders o ON o.id = r.order_id JOIN invoices i ON i.id = r.invoice_id WHERE r.charge_ref <> ''
    ON CONFLICT DO NOTHING;
