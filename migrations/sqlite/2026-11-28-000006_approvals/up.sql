-- The parallel approval record (并联审批): investment projects (投资项目) keyed
-- by their 投资项目代码, the approval items each needs, the intermediary
-- services each item waits for, and the events the approval system is told
-- of. Machine clients (the approval system) and webhook delivery. Times UTC.

-- The approval items (审批事项) of the catalogue and the intermediary
-- services each one requires; seeded from data/approval_items.csv.
CREATE TABLE approval_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    department TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE approval_item_services (
    approval_item_id BIGINT NOT NULL REFERENCES approval_items(id),
    service_item_id BIGINT NOT NULL REFERENCES service_items(id),
    PRIMARY KEY (approval_item_id, service_item_id)
);

CREATE TABLE investment_projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The 投资项目代码 in its canonical form.
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    -- The owner's 统一社会信用代码: applicants of that organisation see the record.
    owner_uscc TEXT,
    region_code TEXT NOT NULL REFERENCES divisions(code),
    scale TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX investment_projects_owner ON investment_projects(owner_uscc);

-- One approval item of an investment project, in the department's state.
CREATE TABLE investment_approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    investment_project_id BIGINT NOT NULL REFERENCES investment_projects(id),
    approval_item_id BIGINT NOT NULL REFERENCES approval_items(id),
    state TEXT NOT NULL CHECK (state IN ('not_filed', 'accepted', 'processing', 'approved', 'refused')),
    state_note TEXT,
    state_changed_at TIMESTAMP NOT NULL,
    UNIQUE (investment_project_id, approval_item_id)
);

-- One intermediary service an approval item waits for, and the marketplace
-- project that provides it once linked; done when its deliverables were accepted.
CREATE TABLE intermediary_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    investment_approval_id BIGINT NOT NULL REFERENCES investment_approvals(id),
    service_item_id BIGINT NOT NULL REFERENCES service_items(id),
    project_id BIGINT REFERENCES projects(id),
    linked_by TEXT CHECK (linked_by IN ('auto', 'applicant')),
    status TEXT NOT NULL CHECK (status IN ('open', 'linked', 'done')),
    completed_at TIMESTAMP,
    contract_id BIGINT REFERENCES contracts(id),
    agency_id BIGINT REFERENCES agencies(id),
    delivery_id BIGINT REFERENCES deliveries(id),
    -- SHA-256 over the accepted deliverables' own hashes, in attachment order.
    deliverable_sha256 TEXT,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (investment_approval_id, service_item_id)
);
CREATE INDEX intermediary_steps_project ON intermediary_steps(project_id);

-- What the approval system is told: a step completed or reopened. The
-- payload is fixed when the event happens; receivers de-duplicate by id.
CREATE TABLE approval_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    investment_project_id BIGINT NOT NULL REFERENCES investment_projects(id),
    step_id BIGINT NOT NULL REFERENCES intermediary_steps(id),
    kind TEXT NOT NULL CHECK (kind IN ('step.completed', 'step.reopened')),
    payload TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);

-- Machine clients such as the approval system: a name, scopes and a token.
CREATE TABLE api_clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    -- Space-separated, e.g. 'approvals:read approvals:write'.
    scopes TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);

-- One event for one endpoint: retried with backoff until delivered or given up.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id),
    event_id BIGINT NOT NULL REFERENCES approval_events(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
