-- background-tasks schema version 5 for PostgreSQL: the trace context of the span that enqueued a task.
-- The W3C traceparent and tracestate of the span active at enqueue, when there was one; each attempt's
-- span links to it (or is its child, by configuration). Safe to run again.

ALTER TABLE background_task ADD COLUMN IF NOT EXISTS trace_parent VARCHAR(55);
ALTER TABLE background_task ADD COLUMN IF NOT EXISTS trace_state VARCHAR(512);

INSERT INTO background_task_schema (version, description, installed_at)
SELECT 5, 'trace context', CAST(NOW() AT TIME ZONE 'UTC' AS TIMESTAMP)
 WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = 5);
