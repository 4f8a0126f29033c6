-- background-tasks schema version 4 for MariaDB: a running task's progress.
-- The last fraction and message a run reported (TaskContext.progress), and when it was stored;
-- written by the worker at most once per refresh interval. Safe to run again.

ALTER TABLE background_task ADD COLUMN IF NOT EXISTS progress DOUBLE;
ALTER TABLE background_task ADD COLUMN IF NOT EXISTS progress_message VARCHAR(200);
ALTER TABLE background_task ADD COLUMN IF NOT EXISTS progress_at DATETIME(6);

INSERT INTO background_task_schema (version, description, installed_at)
SELECT 4, 'task progress', UTC_TIMESTAMP(6) FROM DUAL
 WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = 4);
