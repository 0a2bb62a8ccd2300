-- eligo web app tables (PostgreSQL). Keep in step with ../sqlite/0002_server.sql.
-- Times are RFC 3339 text for people and unix seconds where they are compared.

-- Coordinator accounts. `password_hash` is an argon2id PHC string.
CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);

-- Which trials a coordinator works on (and so whose applications they see).
CREATE TABLE user_trials (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    trial_id  TEXT   NOT NULL,
    PRIMARY KEY (user_id, trial_id)
);
CREATE INDEX user_trials_trial ON user_trials (trial_id);

-- Login sessions. The cookie holds a random token; only its SHA-256 is kept.
CREATE TABLE sessions (
    token_hash     TEXT    PRIMARY KEY,
    user_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- synchroniser token for the session's forms
    csrf_token     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    expires_unix   BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A patient's application to a trial: contact details, the pre-screen
-- answers, the facts made of them and the verdict shown to the patient.
CREATE TABLE applications (
    id             BIGSERIAL PRIMARY KEY,
    trial_id       TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    email          TEXT    NOT NULL,
    phone          TEXT,
    consent        BOOLEAN NOT NULL,
    -- JSON object: question id -> answer fields
    answers_json   TEXT    NOT NULL,
    -- eligo_model::PatientFacts as JSON
    facts_json     TEXT    NOT NULL,
    -- eligible | unknown | ineligible
    verdict        TEXT    NOT NULL,
    as_of          TEXT    NOT NULL,
    -- new | contacted | screening | enrolled | screen_failed
    status         TEXT    NOT NULL,
    status_reason  TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX applications_trial ON applications (trial_id, id);

-- Audit trail: who did what to an application, and when.
CREATE TABLE application_events (
    id              BIGSERIAL PRIMARY KEY,
    application_id  BIGINT  NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    -- NULL for the applicant (the 'submitted' event)
    user_id         BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    -- the actor as shown: a coordinator's email, or 'applicant'
    actor           TEXT    NOT NULL,
    -- submitted | status_changed
    action          TEXT    NOT NULL,
    from_status     TEXT,
    to_status       TEXT,
    reason          TEXT,
    at              TEXT    NOT NULL
);
CREATE INDEX application_events_app ON application_events (application_id, id);
