-- Trial conduct (postgres). Keep in step with ../sqlite/0010_conduct.sql.
-- Records are JSON documents read by eligo-conduct; nothing is ever
-- deleted: a record entered in error keeps its row with the reason.
-- Times are RFC 3339 text.

-- A trial's conduct settings (visit windows, DLT window, BOIN target).
CREATE TABLE conduct_settings (
    trial_id       TEXT PRIMARY KEY,
    settings_json  TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- Participants: a study id that carries no name, and the participant JSON
-- (infusion date, dose level, status). The application they came from, if
-- any, keeps the contact details.
CREATE TABLE participants (
    id              BIGSERIAL PRIMARY KEY,
    trial_id        TEXT   NOT NULL,
    study_id        TEXT   NOT NULL,
    application_id  BIGINT REFERENCES applications (id),
    data_json       TEXT   NOT NULL,
    -- set when entered in error: the reason
    error_reason    TEXT,
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL
);
CREATE UNIQUE INDEX participants_study_id ON participants (trial_id, study_id)
    WHERE error_reason IS NULL;
CREATE INDEX participants_trial ON participants (trial_id, id);

-- Visits, adverse events and medications of a participant.
CREATE TABLE conduct_records (
    id              BIGSERIAL PRIMARY KEY,
    participant_id  BIGINT NOT NULL REFERENCES participants (id),
    -- visit | adverse_event | medication
    kind            TEXT   NOT NULL,
    -- the visit's code (BL, M1, U1...), or the visit an event was reported at
    visit_code      TEXT,
    data_json       TEXT   NOT NULL,
    error_reason    TEXT,
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL
);
CREATE UNIQUE INDEX conduct_records_visit ON conduct_records (participant_id, visit_code)
    WHERE kind = 'visit' AND error_reason IS NULL;
CREATE INDEX conduct_records_participant ON conduct_records (participant_id, id);

-- The audit trail: who changed what, when, from what to what, and why.
CREATE TABLE conduct_audit (
    id              BIGSERIAL PRIMARY KEY,
    trial_id        TEXT   NOT NULL,
    participant_id  BIGINT,
    -- participant | visit | adverse_event | medication | settings | escalation
    record_kind     TEXT   NOT NULL,
    record_id       BIGINT,
    -- created | changed | entered_in_error | accepted
    action          TEXT   NOT NULL,
    field           TEXT,
    old_value       TEXT,
    new_value       TEXT,
    reason          TEXT,
    user_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor           TEXT   NOT NULL,
    at              TEXT   NOT NULL
);
CREATE INDEX conduct_audit_trial ON conduct_audit (trial_id, id);
CREATE INDEX conduct_audit_participant ON conduct_audit (participant_id, id);

-- Dose-escalation advice accepted by an investigator, with the counts and
-- rules it was based on.
CREATE TABLE escalation_decisions (
    id           BIGSERIAL PRIMARY KEY,
    trial_id     TEXT   NOT NULL,
    design       TEXT   NOT NULL,
    advice_json  TEXT   NOT NULL,
    note         TEXT,
    user_id      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor        TEXT   NOT NULL,
    at           TEXT   NOT NULL
);
CREATE INDEX escalation_decisions_trial ON escalation_decisions (trial_id, id);
