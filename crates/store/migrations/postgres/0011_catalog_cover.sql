-- The matcher's catalog (issue 16) reads every trial's id, status,
-- generation and content hash by generation order: with them all in the
-- index the read can be an index-only scan instead of a visit to every
-- row. Keep in step with ../sqlite/0011_catalog_cover.sql.
DROP INDEX trials_generation;
CREATE INDEX trials_generation ON trials (generation, id) INCLUDE (status, content_hash);
