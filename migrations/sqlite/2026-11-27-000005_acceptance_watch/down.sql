CREATE TABLE deadline_marks_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    step TEXT NOT NULL CHECK (step IN ('contract', 'delivery', 'evaluation')),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    due_at TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP,
    overdue_at TIMESTAMP,
    UNIQUE (step, project_id)
);
INSERT INTO deadline_marks_old (id, step, project_id, due_at, reminded_at, overdue_at)
    SELECT id, step, project_id, due_at, reminded_at, overdue_at FROM deadline_marks
    WHERE step <> 'acceptance';
DROP TABLE deadline_marks;
ALTER TABLE deadline_marks_old RENAME TO deadline_marks;
