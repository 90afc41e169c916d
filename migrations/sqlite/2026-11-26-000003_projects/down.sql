DROP TABLE idempotency_keys;
DROP TABLE objection_attachments;
DROP TABLE objections;
DROP TABLE signups;
DROP TABLE project_avoidances;
DROP TABLE project_requirements;
DROP TABLE project_states;
DROP TABLE projects;
