-- The acceptance step (验收) joins the deadline watch. Every submission of
-- deliverables has its own deadline, so an acceptance mark names its
-- delivery; the other steps keep one mark per project. SQLite cannot change
-- a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE deadline_marks_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    step TEXT NOT NULL CHECK (step IN ('contract', 'delivery', 'acceptance', 'evaluation')),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    due_at TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP,
    overdue_at TIMESTAMP,
    delivery_id BIGINT REFERENCES deliveries(id),
    CHECK ((step = 'acceptance') = (delivery_id IS NOT NULL))
);
INSERT INTO deadline_marks_new (id, step, project_id, due_at, reminded_at, overdue_at)
    SELECT id, step, project_id, due_at, reminded_at, overdue_at FROM deadline_marks;
DROP TABLE deadline_marks;
ALTER TABLE deadline_marks_new RENAME TO deadline_marks;
CREATE UNIQUE INDEX deadline_marks_step_project ON deadline_marks (step, project_id)
    WHERE delivery_id IS NULL;
CREATE UNIQUE INDEX deadline_marks_delivery ON deadline_marks (delivery_id)
    WHERE delivery_id IS NOT NULL;
