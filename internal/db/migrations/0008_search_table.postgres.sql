-- PostgreSQL search moves to a narrow table of its own (SQLite keeps its
-- FTS5 index, which is already one).
--
-- Why: a search's total is counted by visiting every match's heap row (a
-- GIN index cannot say alone whether a row is visible), so the cost of a
-- count is the number of pages its matches sit on. The services rows carry
-- their texts and, until now, two weighted tsvectors (~1 KB a row); words
-- searched with weights (:ABC) also made PostgreSQL re-read every match's
-- vector to check them. service_search holds one row per ACTIVE service
-- with only what search filters and sorts on, and two unweighted vectors
-- without positions (strip), so no match needs a recheck and a count
-- reads about a third of the pages: "design" at 100k services (19k
-- matches) went from 27 ms to 9 ms warm.
--
--   words: title, skills and description, English stemming, plus one token
--          per facet the index answers alone: 'cat:<category>' and 'pro:'
--          for the Pro badge. A searched word is letters and digits only
--          (catalog.terms), so it can never be a facet token.
--   title: the title alone, for the first relevance tier.
--
-- A trigger keeps it in step with services, in the same transaction.
DROP INDEX services_search;
-- split
DROP INDEX services_title_search;
-- split
ALTER TABLE services DROP COLUMN search, DROP COLUMN title_search;
-- split
CREATE TABLE service_search (
    id                TEXT PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    rating            INTEGER NOT NULL,
    reviews_count     BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    min_price         BIGINT NOT NULL,
    min_delivery_days INTEGER NOT NULL,
    words             tsvector NOT NULL,
    title             tsvector NOT NULL
)
-- split
CREATE FUNCTION service_search_words(s services) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT strip(to_tsvector('english', s.title || ' ' || s.skills || ' ' || s.description)) ||
        array_to_tsvector(CASE WHEN s.pro THEN ARRAY['cat:' || s.category, 'pro:'] ELSE ARRAY['cat:' || s.category] END)
$$
-- split
CREATE FUNCTION service_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'active' THEN
        DELETE FROM service_search WHERE id = NEW.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'active' AND OLD.title = NEW.title AND OLD.skills = NEW.skills
        AND OLD.description = NEW.description AND OLD.category = NEW.category AND OLD.pro = NEW.pro THEN
        -- A review or a new price: the texts are unchanged.
        UPDATE service_search SET rating = NEW.rating, reviews_count = NEW.reviews_count, currency = NEW.currency,
            min_price = NEW.min_price, min_delivery_days = NEW.min_delivery_days
        WHERE id = NEW.id;
        RETURN NULL;
    END IF;
    INSERT INTO service_search (id, rating, reviews_count, currency, min_price, min_delivery_days, words, title)
    VALUES (NEW.id, NEW.rating, NEW.reviews_count, NEW.currency, NEW.min_price, NEW.min_delivery_days,
        service_search_words(NEW), strip(to_tsvector('english', NEW.title)))
    ON CONFLICT (id) DO UPDATE SET rating = EXCLUDED.rating, reviews_count = EXCLUDED.reviews_count,
        currency = EXCLUDED.currency, min_price = EXCLUDED.min_price, min_delivery_days = EXCLUDED.min_delivery_days,
        words = EXCLUDED.words, title = EXCLUDED.title;
    RETURN NULL;
END
$$
-- split
CREATE TRIGGER service_search_sync AFTER INSERT OR UPDATE OF title, skills, description, category, pro, status,
    rating, reviews_count, currency, min_price, min_delivery_days ON services
    FOR EACH ROW EXECUTE FUNCTION service_search_sync()
-- split
INSERT INTO service_search (id, rating, reviews_count, currency, min_price, min_delivery_days, words, title)
SELECT s.id, s.rating, s.reviews_count, s.currency, s.min_price, s.min_delivery_days,
    service_search_words(s), strip(to_tsvector('english', s.title))
FROM services s WHERE s.status = 'active'
-- split
-- fastupdate = off: new services go straight into the index instead of a
-- pending list that every search would scan until the next vacuum.
CREATE INDEX service_search_words ON service_search USING GIN (words) WITH (fastupdate = off)
-- split
CREATE INDEX service_search_title ON service_search USING GIN (title) WITH (fastupdate = off)
-- split
-- The sort orders, walked when a word is common (see catalog.searchPG).
-- The rating order (the default, and relevance's order in each tier)
-- carries the vectors and the filters, so its walk tests a search in the
-- index alone (an index-only scan, 0.15 ms instead of 0.8 ms for 760
-- rows): it is as large as the table. The price order reads the table.
CREATE INDEX service_search_rating ON service_search (rating, reviews_count, id)
    INCLUDE (title, words, currency, min_price, min_delivery_days)
-- split
CREATE INDEX service_search_price ON service_search (currency, min_price, id)
