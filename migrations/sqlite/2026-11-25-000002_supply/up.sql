-- The supply side: divisions, the service catalogue with its qualification
-- requirements, agencies and their qualifications, practitioners,
-- attachments, offerings, and in-site messages. Times are UTC.

CREATE TABLE divisions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_code TEXT,
    level TEXT NOT NULL CHECK (level IN ('province', 'prefecture', 'prefecture_virtual', 'county'))
);

CREATE TABLE qualification_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('certificate', 'filing')),
    -- Highest first, separated by ';'; empty when the type has no levels.
    levels TEXT NOT NULL,
    issuer TEXT NOT NULL
);

CREATE TABLE service_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    approval_items TEXT NOT NULL,
    department TEXT NOT NULL,
    requirement_kind TEXT NOT NULL CHECK (requirement_kind IN ('certificate', 'filing', 'none')),
    qualification_note TEXT NOT NULL,
    abbreviations TEXT NOT NULL,
    time_limit_days INTEGER NOT NULL,
    fee_basis TEXT NOT NULL CHECK (fee_basis IN ('government', 'market')),
    purpose TEXT NOT NULL,
    materials TEXT NOT NULL,
    provider TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Any one row of an item suffices ("符合其一"); an item without rows needs
-- only the agency's commitment (承诺即可).
CREATE TABLE service_item_requirements (
    service_item_id BIGINT NOT NULL REFERENCES service_items(id) ON DELETE CASCADE,
    qualification_type_id BIGINT NOT NULL REFERENCES qualification_types(id),
    min_level TEXT,
    PRIMARY KEY (service_item_id, qualification_type_id)
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_uploaded_by ON attachments(uploaded_by);

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
    name TEXT NOT NULL,
    uscc TEXT NOT NULL UNIQUE,
    legal_representative TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES divisions(code),
    address TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    business_scope TEXT NOT NULL,
    commitment_accepted BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'admitted', 'suspended', 'expelled')),
    status_reason TEXT,
    status_until TIMESTAMP,
    submitted_at TIMESTAMP,
    admitted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agencies_status ON agencies(status);

-- The regions an agency declares it serves; '360000' is the whole province.
CREATE TABLE agency_regions (
    agency_id BIGINT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    PRIMARY KEY (agency_id, division_code)
);

CREATE TABLE agency_attachments (
    agency_id BIGINT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id),
    label TEXT NOT NULL,
    PRIMARY KEY (agency_id, attachment_id)
);

CREATE TABLE qualifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    qualification_type_id BIGINT NOT NULL REFERENCES qualification_types(id),
    level TEXT,
    certificate_no TEXT NOT NULL,
    issuer TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE NOT NULL,
    scan_attachment_id BIGINT REFERENCES attachments(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'rejected', 'revoked')),
    status_reason TEXT,
    verified_at TIMESTAMP,
    expiry_warned_at TIMESTAMP,
    expiry_published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX qualifications_agency ON qualifications(agency_id);
CREATE INDEX qualifications_valid_until ON qualifications(valid_until);

CREATE TABLE practitioners (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    certificate_type TEXT NOT NULL,
    certificate_no TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX practitioners_agency ON practitioners(agency_id);

CREATE TABLE offerings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    service_item_id BIGINT NOT NULL REFERENCES service_items(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    whole_province BOOLEAN NOT NULL,
    price_basis TEXT NOT NULL CHECK (price_basis IN ('range', 'discount')),
    price_min_fen BIGINT,
    price_max_fen BIGINT,
    discount_min_permille INTEGER,
    discount_max_permille INTEGER,
    promised_days INTEGER NOT NULL,
    example_projects TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, service_item_id)
);
CREATE INDEX offerings_item ON offerings(service_item_id);
CREATE INDEX offerings_status ON offerings(status);

CREATE TABLE offering_regions (
    offering_id BIGINT NOT NULL REFERENCES offerings(id) ON DELETE CASCADE,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    PRIMARY KEY (offering_id, division_code)
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX messages_user ON messages(user_id);
