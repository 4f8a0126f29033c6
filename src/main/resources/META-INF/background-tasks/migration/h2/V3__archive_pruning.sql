-- background-tasks schema version 3 for H2: the archive is pruned by outcome and age.
-- The pruner deletes the oldest rows of one outcome that finished before its retention, a batch
-- at a time; this index hands them over in that order without reading the rows kept longer
-- (failed tasks are kept 30 days by default, succeeded ones 7). Safe to run again.

CREATE INDEX IF NOT EXISTS background_task_completed_outcome
    ON background_task_completed (outcome, finished_at);

INSERT INTO background_task_schema (version, description, installed_at)
SELECT 3, 'archive pruning', CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)
 WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = 3);
