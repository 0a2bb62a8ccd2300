-- Scale (issue 16). Keep in step with ../sqlite/0004_scale.sql, which says why.

ALTER TABLE trials ALTER COLUMN trial_json DROP NOT NULL;
ALTER TABLE trials ALTER COLUMN raw_json DROP NOT NULL;
ALTER TABLE trials ADD COLUMN trial_z BYTEA;
ALTER TABLE trials ADD COLUMN raw_z BYTEA;
ALTER TABLE trials ADD CONSTRAINT trials_record CHECK (trial_json IS NOT NULL OR trial_z IS NOT NULL);
ALTER TABLE trials ADD CONSTRAINT trials_raw CHECK (raw_json IS NOT NULL OR raw_z IS NOT NULL);
-- Already compressed: TOAST need not try again.
ALTER TABLE trials ALTER COLUMN trial_z SET STORAGE EXTERNAL;
ALTER TABLE trials ALTER COLUMN raw_z SET STORAGE EXTERNAL;

DROP TABLE criteria_cache;

CREATE TABLE match_index (
    trial_id      TEXT    PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
    content_hash  TEXT    NOT NULL,
    compiler      TEXT    NOT NULL,
    partial       BOOLEAN NOT NULL,
    targets       TEXT    NOT NULL
);

CREATE TABLE compiled_criteria (
    trial_id      TEXT    PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
    content_hash  TEXT    NOT NULL,
    compiler      TEXT    NOT NULL,
    data          BYTEA   NOT NULL
);
ALTER TABLE compiled_criteria ALTER COLUMN data SET STORAGE EXTERNAL;

ALTER TABLE store_meta ADD COLUMN rules_compiler TEXT;
ALTER TABLE store_meta ADD COLUMN rules_generation BIGINT;
