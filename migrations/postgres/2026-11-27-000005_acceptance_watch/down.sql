DROP INDEX deadline_marks_delivery;
DROP INDEX deadline_marks_step_project;
DELETE FROM deadline_marks WHERE step = 'acceptance';
ALTER TABLE deadline_marks DROP CONSTRAINT deadline_marks_delivery_check;
ALTER TABLE deadline_marks DROP COLUMN delivery_id;
ALTER TABLE deadline_marks ADD CONSTRAINT deadline_marks_step_project_id_key UNIQUE (step, project_id);
ALTER TABLE deadline_marks DROP CONSTRAINT deadline_marks_step_check;
ALTER TABLE deadline_marks ADD CONSTRAINT deadline_marks_step_check
    CHECK (step IN ('contract', 'delivery', 'evaluation'));
