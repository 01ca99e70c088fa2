-- Documents and charges are found by what they are for (an order, a
-- deposit, a project): a refund's credit note reads the ref's invoices, an
-- order's page its credit notes, a balance refund its charges.
CREATE INDEX invoices_ref ON invoices (ref);
CREATE INDEX credit_notes_ref ON credit_notes (ref);
CREATE INDEX card_charges_ref ON card_charges (ref);
