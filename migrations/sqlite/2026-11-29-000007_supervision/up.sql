-- 电子监察: the time-limit lights' alerts, each raised once per step and
-- deadline (a deadline moved by an amendment is a new alert), and the last
-- verified point of the audit chain, so the public head answer verifies only
-- the events after it. Times UTC.

CREATE TABLE light_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    step_kind TEXT NOT NULL CHECK (step_kind IN ('review', 'signup', 'confirmation', 'objection', 'contract', 'delivery', 'acceptance', 'evaluation')),
    entity_id BIGINT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    raised_at TIMESTAMP NOT NULL,
    UNIQUE (step_kind, entity_id, due_at)
);

CREATE TABLE audit_checkpoints (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    verified_at TIMESTAMP NOT NULL
);
