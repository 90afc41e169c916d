-- Collusion signals (围标串标): the address each sign-up came from, and the
-- administrators' reviews of the signals computed from the closed rounds.

ALTER TABLE signups ADD COLUMN ip_address TEXT;

CREATE TABLE signal_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The signal's stable key, e.g. 'quote_sequence:12:1'.
    signal_key TEXT NOT NULL UNIQUE,
    note TEXT NOT NULL,
    reviewed_by BIGINT NOT NULL REFERENCES users(id),
    reviewed_at TIMESTAMP NOT NULL
);
