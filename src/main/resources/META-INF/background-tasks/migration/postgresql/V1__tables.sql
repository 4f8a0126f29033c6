-- background-tasks schema for PostgreSQL 12 and later. Schema version 1. Safe to run again: every statement checks first.
-- Times are UTC, without a zone.

-- JPA providers allocate ids in blocks of 50 and read each value as the end of a block.
CREATE SEQUENCE IF NOT EXISTS background_task_seq START WITH 50 INCREMENT BY 50;

-- Pending and running tasks only: finished work moves to background_task_completed at once,
-- so the table the workers poll stays small.
CREATE TABLE IF NOT EXISTS background_task (
    id             BIGINT       PRIMARY KEY,
    task_name      VARCHAR(255) NOT NULL,
    params         TEXT         NOT NULL,
    queue          VARCHAR(100) NOT NULL,
    priority       INTEGER      NOT NULL,
    run_at         TIMESTAMP    NOT NULL,
    attempts       INTEGER      NOT NULL,
    max_attempts   INTEGER      NOT NULL,
    timeout_millis BIGINT       NOT NULL,
    locked_by      VARCHAR(100),
    locked_until   TIMESTAMP,
    last_error     TEXT,
    created_at     TIMESTAMP    NOT NULL,
    dedupe_key     VARCHAR(255),
    schedule       VARCHAR(300),
    max_running    INTEGER,
    cancel_requested BOOLEAN    NOT NULL DEFAULT FALSE
);

-- The claim reads the ready set in exactly this order and stops after LIMIT rows;
-- the index holds only unclaimed rows of tasks without a concurrency cap.
CREATE INDEX IF NOT EXISTS background_task_ready
    ON background_task (priority DESC, run_at, id)
    WHERE locked_by IS NULL AND max_running IS NULL;

-- The same, one queue at a time, for nodes that serve chosen queues.
CREATE INDEX IF NOT EXISTS background_task_ready_queue
    ON background_task (queue, priority DESC, run_at, id)
    WHERE locked_by IS NULL AND max_running IS NULL;

-- Tasks with a concurrency cap: claimed one task name at a time, and counted while running.
CREATE INDEX IF NOT EXISTS background_task_capped
    ON background_task (task_name, priority DESC, run_at, id)
    WHERE max_running IS NOT NULL;

-- One pending task per dedupe key; a claim clears the key, so only waiting tasks hold one.
CREATE UNIQUE INDEX IF NOT EXISTS background_task_dedupe
    ON background_task (dedupe_key)
    WHERE dedupe_key IS NOT NULL;

-- Finds claimed rows whose lease has run out.
CREATE INDEX IF NOT EXISTS background_task_lease
    ON background_task (locked_until)
    WHERE locked_by IS NOT NULL;

CREATE TABLE IF NOT EXISTS background_task_completed (
    id             BIGINT       PRIMARY KEY,
    task_name      VARCHAR(255) NOT NULL,
    params         TEXT         NOT NULL,
    queue          VARCHAR(100) NOT NULL,
    priority       INTEGER      NOT NULL,
    run_at         TIMESTAMP    NOT NULL,
    attempts       INTEGER      NOT NULL,
    max_attempts   INTEGER      NOT NULL,
    timeout_millis BIGINT       NOT NULL,
    node_id        VARCHAR(100),
    created_at     TIMESTAMP    NOT NULL,
    outcome        VARCHAR(20)  NOT NULL,
    result         TEXT,
    error          TEXT,
    started_at     TIMESTAMP,
    finished_at    TIMESTAMP    NOT NULL
);

CREATE INDEX IF NOT EXISTS background_task_completed_finished
    ON background_task_completed (finished_at);

-- Queues paused at run time, for every node; a queue without a row is running.
CREATE TABLE IF NOT EXISTS background_task_queue (
    queue          VARCHAR(100) PRIMARY KEY,
    paused         BOOLEAN      NOT NULL,
    changed_at     TIMESTAMP    NOT NULL
);

-- One row per task name with a concurrency cap: claims of that task lock it, one node at a time.
CREATE TABLE IF NOT EXISTS background_task_cap (
    task_name      VARCHAR(255) PRIMARY KEY
);

-- The schema versions applied: each script records its own version last, so a team that applies
-- the scripts with its own Flyway or Liquibase records them here too, and the library sees them.
CREATE TABLE IF NOT EXISTS background_task_schema (
    version        INTEGER      PRIMARY KEY,
    description    VARCHAR(200) NOT NULL,
    installed_at   TIMESTAMP    NOT NULL
);

INSERT INTO background_task_schema (version, description, installed_at)
SELECT 1, 'tables', CAST(NOW() AT TIME ZONE 'UTC' AS TIMESTAMP)
 WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = 1);
