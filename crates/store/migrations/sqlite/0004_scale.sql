-- Scale (issue 16). Keep in step with ../postgres/0004_scale.sql.
--
-- 1. Records are stored compressed: rows written from schema 4 on keep the
--    model and source JSON in trial_z / raw_z (see eligo_store::codec) and
--    leave trial_json / raw_json NULL; older rows keep their JSON until
--    they are next written. Readers accept either.
-- 2. Compiled criteria are stored with the trial, compiled once at import
--    (compiled_criteria), with the small entry the matcher chooses trials by
--    (match_index), both keyed by the trial's content hash and the
--    compiler's version. They replace criteria_cache.

CREATE TABLE trials_v4 (
    id            TEXT   PRIMARY KEY,
    nct_id        TEXT,
    status        TEXT   NOT NULL,
    study_type    TEXT,
    phases        TEXT   NOT NULL,
    -- eligo_model::Trial as JSON text (rows written before schema 4)
    trial_json    TEXT,
    -- the source record as JSON text (rows written before schema 4)
    raw_json      TEXT,
    -- eligo_model::Trial as compressed JSON (rows written from schema 4)
    trial_z       BLOB,
    -- the source record exactly as imported, compressed JSON
    raw_z         BLOB,
    -- FNV-1a 128 of the model JSON and the source JSON, hex
    content_hash  TEXT   NOT NULL,
    generation    BIGINT NOT NULL,
    imported_at   TEXT   NOT NULL,
    updated_at    TEXT   NOT NULL,
    CHECK (trial_json IS NOT NULL OR trial_z IS NOT NULL),
    CHECK (raw_json IS NOT NULL OR raw_z IS NOT NULL)
);
INSERT INTO trials_v4 (id, nct_id, status, study_type, phases, trial_json, raw_json,
                       content_hash, generation, imported_at, updated_at)
    SELECT id, nct_id, status, study_type, phases, trial_json, raw_json,
           content_hash, generation, imported_at, updated_at FROM trials;
DROP TABLE criteria_cache;
DROP TABLE trials;
ALTER TABLE trials_v4 RENAME TO trials;
CREATE INDEX trials_nct_id ON trials (nct_id);
CREATE INDEX trials_status ON trials (status);
CREATE INDEX trials_generation ON trials (generation, id);

-- One small row per trial: what the matcher needs to choose the trials to
-- evaluate without reading them (read whole at start by the server).
CREATE TABLE match_index (
    trial_id      TEXT    PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
    -- the trial's content hash and the compiler version this was made from
    content_hash  TEXT    NOT NULL,
    compiler      TEXT    NOT NULL,
    -- the record is known only in part (never matched as if complete)
    partial       BOOLEAN NOT NULL,
    -- vocabulary condition keys the trial is about, space-separated
    targets       TEXT    NOT NULL
);

-- The compiled rule set of each trial (eligo_matcher::RuleSet as
-- compressed JSON), read on demand.
CREATE TABLE compiled_criteria (
    trial_id      TEXT    PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
    content_hash  TEXT    NOT NULL,
    compiler      TEXT    NOT NULL,
    data          BLOB    NOT NULL
);

-- Which compiler's rules are known complete up to which store generation
-- (lets `eligo match` skip looking for trials left to compile).
ALTER TABLE store_meta ADD COLUMN rules_compiler TEXT;
ALTER TABLE store_meta ADD COLUMN rules_generation BIGINT;
