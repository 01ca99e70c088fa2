-- Full-text search on SQLite: an FTS5 index over the services table
-- (external content: the text is stored once, in services), kept in step by
-- triggers. Porter stemming so "designs" finds "design"; diacritics folded
-- so "cafe" finds "café". Columns weighted in queries: title, skills,
-- description.
CREATE VIRTUAL TABLE services_fts USING fts5(
    title, skills, description,
    content = 'services', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
)
-- split
CREATE TRIGGER services_fts_insert AFTER INSERT ON services BEGIN
    INSERT INTO services_fts (rowid, title, skills, description) VALUES (new.rowid, new.title, new.skills, new.description);
END
-- split
CREATE TRIGGER services_fts_delete AFTER DELETE ON services BEGIN
    INSERT INTO services_fts (services_fts, rowid, title, skills, description) VALUES ('delete', old.rowid, old.title, old.skills, old.description);
END
-- split
CREATE TRIGGER services_fts_update AFTER UPDATE OF title, skills, description ON services BEGIN
    INSERT INTO services_fts (services_fts, rowid, title, skills, description) VALUES ('delete', old.rowid, old.title, old.skills, old.description);
    INSERT INTO services_fts (rowid, title, skills, description) VALUES (new.rowid, new.title, new.skills, new.description);
END
