-- Contracts (合同) of awarded projects and their amendments (延期, amount
-- changes), each recorded by one party and confirmed by the other. Times UTC.

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL UNIQUE REFERENCES projects(id),
    signup_id BIGINT NOT NULL REFERENCES signups(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    -- Who recorded the current version: 'applicant' or 'agency'.
    recorded_by_party TEXT NOT NULL CHECK (recorded_by_party IN ('applicant', 'agency')),
    recorded_by BIGINT NOT NULL REFERENCES users(id),
    amount_fen BIGINT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    key_terms TEXT NOT NULL,
    file_attachment_id BIGINT NOT NULL REFERENCES attachments(id),
    status TEXT NOT NULL CHECK (status IN ('recorded', 'confirmed', 'returned', 'suspended', 'terminated')),
    status_reason TEXT,
    recorded_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    -- The deliverables were accepted (验收): the intermediary step is done.
    completed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contracts_agency ON contracts(agency_id);

CREATE TABLE contract_amendments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    kind TEXT NOT NULL CHECK (kind IN ('extension', 'amount')),
    new_end_date DATE,
    new_amount_fen BIGINT,
    reason TEXT NOT NULL,
    proposed_by_party TEXT NOT NULL CHECK (proposed_by_party IN ('applicant', 'agency')),
    proposed_by BIGINT NOT NULL REFERENCES users(id),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'returned')),
    status_reason TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contract_amendments_contract ON contract_amendments(contract_id);

-- Deliverables (服务成果): each submission of the agency, accepted (验收) or
-- returned by the applicant; a returned one is followed by the next.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    sequence INTEGER NOT NULL,
    summary TEXT NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users(id),
    -- Submitted after the contract's end date (China time).
    late BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'returned')),
    status_reason TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (contract_id, sequence)
);

CREATE TABLE delivery_files (
    delivery_id BIGINT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (delivery_id, attachment_id)
);

-- The applicant's evaluation (评价) after acceptance, or the neutral default
-- recorded when the window passed; the agency may reply once.
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id BIGINT NOT NULL UNIQUE REFERENCES contracts(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    quality INTEGER NOT NULL CHECK (quality BETWEEN 1 AND 5),
    timeliness INTEGER NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    fees INTEGER NOT NULL CHECK (fees BETWEEN 1 AND 5),
    attitude INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    comment TEXT NOT NULL,
    by_default BOOLEAN NOT NULL,
    -- Ratings are public from the end of the evaluation window.
    public_from TIMESTAMP NOT NULL,
    reply TEXT,
    replied_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX evaluations_agency ON evaluations(agency_id);

-- Administrators' penalties and rewards in the credit record, with reasons and evidence.
CREATE TABLE credit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    points INTEGER NOT NULL CHECK (points BETWEEN -30 AND 10),
    reason TEXT NOT NULL,
    evidence_attachment_id BIGINT REFERENCES attachments(id),
    recorded_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX credit_events_agency ON credit_events(agency_id);

-- Complaints (投诉) of the applicant about the agency's performance, handled by an administrator.
CREATE TABLE complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    filed_by BIGINT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'upheld', 'dismissed')),
    answer TEXT,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX complaints_agency ON complaints(agency_id);

-- The deadline watch of the steps after the award: one row per step and
-- project, marking the reminder sent before the deadline and the overdue
-- mark after it (the supervision pages read these).
CREATE TABLE deadline_marks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    step TEXT NOT NULL CHECK (step IN ('contract', 'delivery', 'evaluation')),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    due_at TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP,
    overdue_at TIMESTAMP,
    UNIQUE (step, project_id)
);

-- 服务中止 and termination: proposed by one party and confirmed by the other,
-- or decided by an administrator at once.
CREATE TABLE contract_stoppages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    action TEXT NOT NULL CHECK (action IN ('suspend', 'resume', 'terminate')),
    reason TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES users(id),
    proposed_by_party TEXT NOT NULL CHECK (proposed_by_party IN ('applicant', 'agency', 'admin')),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'returned')),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
