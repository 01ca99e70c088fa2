-- Full-text search on SQLite: a contentless FTS5 index holding only the
-- active services, kept in step by triggers.
--
-- Tokens: Porter stemming so "designs" finds "design"; diacritics folded so
-- "cafe" finds "café". The facets column holds one token per filter the
-- index can answer alone — the category ("catgraphicsdesign") and the Pro
-- badge ("ispro") — so common searches and their total counts never touch
-- the services table until the page's 20 rows are read.
--
-- Order: an FTS5 query walks its matches in rowid order and can stop after
-- LIMIT rows, while ranking by bm25 must score and sort every match (34 ms
-- for 7,000 matches at 100k services, against 0.5 ms for the first 20 in
-- rowid order). So the index's rowid is a quality key: the service's rating
-- and review count in the high bits, its services.rowid in the low 32 bits
-- (rowid & 4294967295 gives it back). Walking rowid DESC lists the best
-- rated matches first; search ranks title matches before the rest, each
-- tier in that order (see catalog.searchFTS5).
CREATE VIRTUAL TABLE services_fts USING fts5(
    title, skills, description, facets,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
)
-- split
CREATE TRIGGER services_fts_insert AFTER INSERT ON services WHEN new.status = 'active' BEGIN
    INSERT INTO services_fts (rowid, title, skills, description, facets) VALUES (
        (new.rating * 1024 + min(new.reviews_count, 1023)) * 4294967296 + new.rowid,
        new.title, new.skills, new.description,
        'cat' || replace(new.category, '-', '') || CASE WHEN new.pro THEN ' ispro' ELSE '' END);
END
-- split
CREATE TRIGGER services_fts_delete AFTER DELETE ON services BEGIN
    DELETE FROM services_fts WHERE rowid = (old.rating * 1024 + min(old.reviews_count, 1023)) * 4294967296 + old.rowid;
END
-- split
CREATE TRIGGER services_fts_update AFTER UPDATE OF title, skills, description, category, pro, status, rating, reviews_count ON services BEGIN
    DELETE FROM services_fts WHERE rowid = (old.rating * 1024 + min(old.reviews_count, 1023)) * 4294967296 + old.rowid;
    INSERT INTO services_fts (rowid, title, skills, description, facets)
        SELECT (new.rating * 1024 + min(new.reviews_count, 1023)) * 4294967296 + new.rowid,
            new.title, new.skills, new.description,
            'cat' || replace(new.category, '-', '') || CASE WHEN new.pro THEN ' ispro' ELSE '' END
        WHERE new.status = 'active';
END
