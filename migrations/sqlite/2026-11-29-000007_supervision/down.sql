DROP TABLE audit_checkpoints;
DROP TABLE light_alerts;
