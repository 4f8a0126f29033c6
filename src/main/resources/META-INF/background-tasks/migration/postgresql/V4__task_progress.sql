-- background-tasks schema version 4 for PostgreSQL: a running task's progress.
-- The last fraction and message a run reported (TaskContext.progress), and when it was stored;
-- written by the worker at most once per refresh interval. Safe to run again.

ALTER TABLE background_task ADD COLUMN IF NOT EXISTS progress DOUBLE PRECISION;
ALTER TABLE background_task ADD COLUMN IF NOT EXISTS progress_message VARCHAR(200);
ALTER TABLE background_task ADD COLUMN IF NOT EXISTS progress_at TIMESTAMP;

INSERT INTO background_task_schema (version, description, installed_at)
SELECT 4, 'task progress', CAST(NOW() AT TIME ZONE 'UTC' AS TIMESTAMP)
 WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = 4);
