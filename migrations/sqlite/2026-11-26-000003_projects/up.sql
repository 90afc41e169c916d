-- Projects (采购项目), their sealed sign-ups (报名), objections (异议) and the
-- idempotency keys that make a retried sign-up harmless. Times are UTC.

CREATE TABLE projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The platform's project number, assigned on creation.
    number TEXT UNIQUE,
    applicant_user_id BIGINT NOT NULL REFERENCES users(id),
    service_item_id BIGINT NOT NULL REFERENCES service_items(id),
    title TEXT NOT NULL,
    investment_code TEXT,
    region_code TEXT NOT NULL REFERENCES divisions(code),
    scale_kind TEXT NOT NULL CHECK (scale_kind IN ('amount', 'area')),
    -- Fen for an amount; hundredths of `scale_unit` for an area.
    scale_value BIGINT NOT NULL,
    scale_unit TEXT NOT NULL,
    fiscal_share_percent INTEGER NOT NULL CHECK (fiscal_share_percent BETWEEN 0 AND 100),
    service_content TEXT NOT NULL,
    service_days INTEGER NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('direct', 'random', 'bidding', 'scoring')),
    price_mode TEXT NOT NULL CHECK (price_mode IN ('fixed', 'amount', 'rate')),
    amount_fen BIGINT,
    floor_fen BIGINT,
    ceiling_fen BIGINT,
    rate_min_bp INTEGER,
    rate_max_bp INTEGER,
    weight_price INTEGER,
    weight_credit INTEGER,
    weight_time INTEGER,
    qualification_mode TEXT NOT NULL CHECK (qualification_mode IN ('any', 'all', 'promise')),
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    complaint_phone TEXT NOT NULL,
    signup_deadline TIMESTAMP NOT NULL,
    selection_at TIMESTAMP NOT NULL,
    direct_agency_id BIGINT REFERENCES agencies(id),
    direct_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX projects_applicant ON projects(applicant_user_id);

-- Where a project stands, one row per project; kept apart from the terms
-- the applicant publishes.
CREATE TABLE project_states (
    project_id BIGINT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending_review', 'returned', 'signing_up', 'selecting',
        'confirming', 'publicity', 'awarded', 'failed', 'cancelled')),
    status_reason TEXT,
    round INTEGER NOT NULL,
    failed_rounds INTEGER NOT NULL,
    min_signups INTEGER NOT NULL,
    -- Sealed until the selection: only its SHA-256 (the commitment) is public before.
    draw_secret TEXT,
    draw_commitment TEXT,
    winner_signup_id BIGINT,
    submitted_at TIMESTAMP,
    published_at TIMESTAMP,
    signups_closed_at TIMESTAMP,
    selected_at TIMESTAMP,
    confirmation_deadline TIMESTAMP,
    confirmation_reminded_at TIMESTAMP,
    publicity_ends_at TIMESTAMP,
    awarded_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX project_states_status ON project_states(status);

CREATE TABLE project_requirements (
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    qualification_type_id BIGINT NOT NULL REFERENCES qualification_types(id),
    min_level TEXT,
    PRIMARY KEY (project_id, qualification_type_id)
);

-- 回避: agencies that may not take part, each with its reason.
CREATE TABLE project_avoidances (
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    reason TEXT NOT NULL,
    PRIMARY KEY (project_id, agency_id)
);

-- One row per agency and round; a withdrawn sign-up may be renewed.
CREATE TABLE signups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    round INTEGER NOT NULL,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    quote_fen BIGINT,
    quote_rate_bp INTEGER,
    promised_days INTEGER NOT NULL,
    -- The sign-up's own random value for the draw, hex.
    draw_value TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn', 'selected', 'confirmed', 'abandoned', 'disqualified')),
    status_reason TEXT,
    rank INTEGER,
    ticket TEXT,
    score BIGINT,
    -- The credit score the selection used, kept so the result can be recomputed.
    credit_score INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (project_id, round, agency_id)
);
CREATE INDEX signups_agency ON signups(agency_id);

CREATE TABLE objections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    round INTEGER NOT NULL,
    filed_by BIGINT NOT NULL REFERENCES users(id),
    agency_id BIGINT REFERENCES agencies(id),
    -- The selection it contests: the winning sign-up when it was filed.
    signup_id BIGINT REFERENCES signups(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'upheld', 'dismissed', 'superseded')),
    outcome TEXT CHECK (outcome IN ('redo', 'cancel')),
    answer TEXT,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX objections_project ON objections(project_id);

CREATE TABLE objection_attachments (
    objection_id BIGINT NOT NULL REFERENCES objections(id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (objection_id, attachment_id)
);

-- A retried request with the same key gets the first answer again.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users(id),
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
