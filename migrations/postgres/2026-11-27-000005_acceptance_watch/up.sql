-- The acceptance step (验收) joins the deadline watch. Every submission of
-- deliverables has its own deadline, so an acceptance mark names its
-- delivery; the other steps keep one mark per project.
ALTER TABLE deadline_marks DROP CONSTRAINT deadline_marks_step_check;
ALTER TABLE deadline_marks ADD CONSTRAINT deadline_marks_step_check
    CHECK (step IN ('contract', 'delivery', 'acceptance', 'evaluation'));
ALTER TABLE deadline_marks ADD COLUMN delivery_id BIGINT REFERENCES deliveries(id);
ALTER TABLE deadline_marks ADD CONSTRAINT deadline_marks_delivery_check
    CHECK ((step = 'acceptance') = (delivery_id IS NOT NULL));
ALTER TABLE deadline_marks DROP CONSTRAINT deadline_marks_step_project_id_key;
CREATE UNIQUE INDEX deadline_marks_step_project ON deadline_marks (step, project_id)
    WHERE delivery_id IS NULL;
CREATE UNIQUE INDEX deadline_marks_delivery ON deadline_marks (delivery_id)
    WHERE delivery_id IS NOT NULL;
