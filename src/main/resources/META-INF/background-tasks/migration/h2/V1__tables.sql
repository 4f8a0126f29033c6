-- background-tasks schema for H2 2.x (the embedded default database). Schema version 1. Safe to run again.
-- Times are UTC, without a zone.

-- JPA providers allocate ids in blocks of 50 and read each value as the end of a block.
CREATE SEQUENCE IF NOT EXISTS background_task_seq START WITH 50 INCREMENT BY 50;

CREATE TABLE IF NOT EXISTS background_task (
    id             BIGINT            PRIMARY KEY,
    task_name      VARCHAR(255)      NOT NULL,
    params         CHARACTER VARYING NOT NULL,
    queue          VARCHAR(100)      NOT NULL,
    priority       INTEGER           NOT NULL,
    run_at         TIMESTAMP         NOT NULL,
    attempts       INTEGER           NOT NULL,
    max_attempts   INTEGER           NOT NULL,
    timeout_millis BIGINT            NOT NULL,
    locked_by      VARCHAR(100),
    locked_until   TIMESTAMP,
    last_error     CHARACTER VARYING,
    created_at     TIMESTAMP         NOT NULL,
    dedupe_key     VARCHAR(255),
    schedule       VARCHAR(300),
    max_running    INTEGER,
    cancel_requested BOOLEAN         NOT NULL DEFAULT FALSE
);

-- H2 has no partial indexes: unclaimed rows of uncapped tasks lead, in claim order.
CREATE INDEX IF NOT EXISTS background_task_ready
    ON background_task (locked_by, max_running, priority DESC, run_at, id);

CREATE INDEX IF NOT EXISTS background_task_ready_queue
    ON background_task (locked_by, max_running, queue, priority DESC, run_at, id);

CREATE INDEX IF NOT EXISTS background_task_capped
    ON background_task (task_name, locked_by, priority DESC, run_at, id);

-- A claim clears dedupe_key, so only waiting tasks hold one (NULLs never collide).
CREATE UNIQUE INDEX IF NOT EXISTS background_task_dedupe
    ON background_task (dedupe_key);

CREATE TABLE IF NOT EXISTS background_task_completed (
    id             BIGINT            PRIMARY KEY,
    task_name      VARCHAR(255)      NOT NULL,
    params         CHARACTER VARYING NOT NULL,
    queue          VARCHAR(100)      NOT NULL,
    priority       INTEGER           NOT NULL,
    run_at         TIMESTAMP         NOT NULL,
    attempts       INTEGER           NOT NULL,
    max_attempts   INTEGER           NOT NULL,
    timeout_millis BIGINT            NOT NULL,
    node_id        VARCHAR(100),
    created_at     TIMESTAMP         NOT NULL,
    outcome        VARCHAR(20)       NOT NULL,
    result         CHARACTER VARYING,
    error          CHARACTER VARYING,
    started_at     TIMESTAMP,
    finished_at    TIMESTAMP         NOT NULL
);

CREATE INDEX IF NOT EXISTS background_task_completed_finished
    ON background_task_completed (finished_at);

CREATE TABLE IF NOT EXISTS background_task_queue (
    queue          VARCHAR(100)      PRIMARY KEY,
    paused         BOOLEAN           NOT NULL,
    changed_at     TIMESTAMP         NOT NULL
);

CREATE TABLE IF NOT EXISTS background_task_cap (
    task_name      VARCHAR(255)      PRIMARY KEY
);

-- The schema versions applied: each script records its own version last, so a team that applies
-- the scripts with its own Flyway or Liquibase records them here too, and the library sees them.
CREATE TABLE IF NOT EXISTS background_task_schema (
    version        INTEGER      PRIMARY KEY,
    description    VARCHAR(200) NOT NULL,
    installed_at   TIMESTAMP    NOT NULL
);

INSERT INTO background_task_schema (version, description, installed_at)
SELECT 1, 'tables', CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)
 WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = 1);
