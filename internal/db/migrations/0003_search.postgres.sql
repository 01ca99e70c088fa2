-- Full-text search on PostgreSQL: a stored tsvector (English stemming,
-- title weighted A, skills B, description C) with a GIN index over the
-- active services only.
--   - partial (WHERE status = 'active'): searches only ever want active
--     services, and the index then answers that condition itself, so a
--     count can skip the heap on all-visible pages;
--   - fastupdate = off: new services go straight into the index instead of
--     a pending list that every search would scan until the next vacuum.
--   - facets: the category ("catgraphicsdesign") and the Pro badge ("ispro")
--     are tokens of weight D, so the GIN index answers those filters with
--     the words (searched as weights A–C only), as on SQLite.
ALTER TABLE services ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', skills), 'B') ||
    setweight(to_tsvector('english', description), 'C') ||
    setweight(to_tsvector('simple', 'cat' || replace(category, '-', '') || CASE WHEN pro THEN ' ispro' ELSE '' END), 'D')
) STORED;
CREATE INDEX services_search ON services USING GIN (search) WITH (fastupdate = off) WHERE status = 'active';
-- The title alone, for the first relevance tier: its matches are found
-- directly instead of by testing every match of the whole text.
ALTER TABLE services ADD COLUMN title_search tsvector GENERATED ALWAYS AS (to_tsvector('english', title)) STORED;
CREATE INDEX services_title_search ON services USING GIN (title_search) WITH (fastupdate = off) WHERE status = 'active';
