-- eligo registry schema (SQLite). Keep in step with ../postgres/0001_init.sql.

-- One row: the store's identity and its change counter. `generation` grows
-- by one for every committed transaction that changed a trial, so a search
-- index can tell cheaply whether it is stale.
CREATE TABLE store_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    store_id    TEXT    NOT NULL,
    generation  BIGINT  NOT NULL
);

CREATE TABLE trials (
    id            TEXT   PRIMARY KEY,
    nct_id        TEXT,
    status        TEXT   NOT NULL,
    study_type    TEXT,
    -- registry phase codes separated by single spaces ('' when none)
    phases        TEXT   NOT NULL,
    -- eligo_model::Trial as JSON
    trial_json    TEXT   NOT NULL,
    -- the source record exactly as imported
    raw_json      TEXT   NOT NULL,
    -- FNV-1a 128 of trial_json and raw_json, hex
    content_hash  TEXT   NOT NULL,
    -- store generation of the last change to this row
    generation    BIGINT NOT NULL,
    imported_at   TEXT   NOT NULL,
    updated_at    TEXT   NOT NULL
);
CREATE INDEX trials_nct_id ON trials (nct_id);
CREATE INDEX trials_status ON trials (status);
CREATE INDEX trials_generation ON trials (generation, id);

CREATE TABLE import_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at   TEXT    NOT NULL,
    finished_at  TEXT    NOT NULL,
    -- JSON array of the source paths
    sources      TEXT    NOT NULL,
    strict       BOOLEAN NOT NULL,
    -- 'committed' or 'rolled_back'
    outcome      TEXT    NOT NULL,
    read_count   BIGINT  NOT NULL,
    inserted     BIGINT  NOT NULL,
    updated      BIGINT  NOT NULL,
    unchanged    BIGINT  NOT NULL,
    failed       BIGINT  NOT NULL
);
