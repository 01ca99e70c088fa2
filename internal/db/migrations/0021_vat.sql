-- VAT is charged on top of what an order or a fee costs (billing/vat.go).
-- An invoice keeps its VAT in a column, so an order's page adds it up; a
-- credit note's line keeps the VAT it gives back of the invoice it
-- corrects, so the next refund of that invoice knows what is left of its
-- price and of its VAT. Every document before this migration was at 0%.
ALTER TABLE invoices ADD COLUMN vat BIGINT NOT NULL DEFAULT 0;
ALTER TABLE credit_note_lines ADD COLUMN vat BIGINT NOT NULL DEFAULT 0;
