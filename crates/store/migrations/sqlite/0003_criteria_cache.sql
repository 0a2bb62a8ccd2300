-- Compiled eligibility criteria, cached per trial: compiling is the slow part
-- of matching, and a trial's criteria only change when its record does.
-- An entry is valid while `content_hash` equals the trial's and `compiler`
-- names the running compiler; anything else is recompiled and replaced.
CREATE TABLE criteria_cache (
    trial_id       TEXT PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
    content_hash   TEXT NOT NULL,
    compiler       TEXT NOT NULL,
    compiled_json  TEXT NOT NULL
);
