-- Full-text search on PostgreSQL: a stored tsvector (English stemming,
-- title weighted A, skills B, description C) with a GIN index over the
-- active services only.
--   - partial (WHERE status = 'active'): searches only ever want active
--     services, and the index then answers that condition itself, so a
--     count can skip the heap on all-visible pages;
--   - fastupdate = off: new services go straight into the index instead of
--     a pending list that every search would scan until the next vacuum.
ALTER TABLE services ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', skills), 'B') ||
    setweight(to_tsvector('english', description), 'C')
) STORED;
CREATE INDEX services_search ON services USING GIN (search) WITH (fastupdate = off) WHERE status = 'active';
