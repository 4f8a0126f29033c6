-- background-tasks schema for PostgreSQL 12 and later. Safe to run again: every statement is IF NOT EXISTS.
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
    created_at     TIMESTAMP    NOT NULL
);

-- The claim reads the ready set in exactly this order and stops after LIMIT rows;
-- the index holds only unclaimed rows.
CREATE INDEX IF NOT EXISTS background_task_ready
    ON background_task (priority DESC, run_at, id)
    WHERE locked_by IS NULL;

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
