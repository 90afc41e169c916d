DROP TABLE settings;
DROP TABLE calendar_days;
DROP TABLE changes;
DROP TABLE audit_events;
DROP TABLE log_heads;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
