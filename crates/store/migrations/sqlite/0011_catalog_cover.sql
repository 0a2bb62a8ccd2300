-- The matcher's catalog (issue 16) reads every trial's id, status,
-- generation and content hash by generation order. With records stored in
-- the same rows, reading those four columns from the table touches every
-- row's page: about 4 kB a trial, most of the time of `eligo match` cold
-- and of the server's first request. This index holds them all, so the
-- read is an index-only scan. Keep in step with ../postgres/0011_catalog_cover.sql.
DROP INDEX trials_generation;
CREATE INDEX trials_generation ON trials (generation, id, status, content_hash);
