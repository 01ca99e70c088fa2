-- Full-text search on PostgreSQL: a stored tsvector (English stemming,
-- title weighted A, skills B, description C) with a GIN index.
ALTER TABLE services ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', skills), 'B') ||
    setweight(to_tsvector('english', description), 'C')
) STORED;
CREATE INDEX services_search ON services USING GIN (search);
