DROP TABLE deadline_marks;
