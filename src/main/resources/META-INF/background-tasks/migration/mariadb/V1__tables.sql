-- background-tasks schema for MariaDB 10.8 and later (InnoDB). Schema version 1. Safe to run again: every statement
-- checks first. Times are UTC, in DATETIME(6) columns (no time zone conversion, no 2038 limit).
-- MariaDB 10.6 and 10.7 ignore DESC in an index definition: there a capped task's claims sort its due runs.

-- JPA providers allocate ids in blocks of 50 and read each value as the end of a block.
CREATE SEQUENCE IF NOT EXISTS background_task_seq START WITH 50 INCREMENT BY 50;

-- Pending and running tasks only: finished work moves to background_task_completed at once,
-- so the table the workers poll stays small.
-- MariaDB has no partial indexes: in background_task_ready the unclaimed rows of uncapped tasks
-- (locked_by and max_running NULL) come first, in claim order, and the claim reads just that
-- prefix; background_task_ready_queue does the same per queue. A claim clears dedupe_key, so the
-- unique index holds the keys of waiting tasks only (NULLs never collide).
CREATE TABLE IF NOT EXISTS background_task (
    id             BIGINT       NOT NULL PRIMARY KEY,
    task_name      VARCHAR(255) NOT NULL,
    params         LONGTEXT     NOT NULL,
    queue          VARCHAR(100) NOT NULL,
    priority       INT          NOT NULL,
    run_at         DATETIME(6)  NOT NULL,
    attempts       INT          NOT NULL,
    max_attempts   INT          NOT NULL,
    timeout_millis BIGINT       NOT NULL,
    locked_by      VARCHAR(100),
    locked_until   DATETIME(6),
    last_error     LONGTEXT,
    created_at     DATETIME(6)  NOT NULL,
    dedupe_key     VARCHAR(255),
    schedule       VARCHAR(300),
    max_running    INT,
    cancel_requested BOOLEAN    NOT NULL DEFAULT FALSE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Indexes in statements of their own, so that running the script again restores a missing one.
CREATE INDEX IF NOT EXISTS background_task_ready
    ON background_task (locked_by, max_running, priority DESC, run_at, id);
CREATE INDEX IF NOT EXISTS background_task_ready_queue
    ON background_task (locked_by, max_running, queue, priority DESC, run_at, id);
CREATE INDEX IF NOT EXISTS background_task_capped
    ON background_task (task_name, locked_by, priority DESC, run_at, id);
CREATE INDEX IF NOT EXISTS background_task_lease
    ON background_task (locked_until);
CREATE UNIQUE INDEX IF NOT EXISTS background_task_dedupe
    ON background_task (dedupe_key);

CREATE TABLE IF NOT EXISTS background_task_completed (
    id             BIGINT       NOT NULL PRIMARY KEY,
    task_name      VARCHAR(255) NOT NULL,
    params         LONGTEXT     NOT NULL,
    queue          VARCHAR(100) NOT NULL,
    priority       INT          NOT NULL,
    run_at         DATETIME(6)  NOT NULL,
    attempts       INT          NOT NULL,
    max_attempts   INT          NOT NULL,
    timeout_millis BIGINT       NOT NULL,
    node_id        VARCHAR(100),
    created_at     DATETIME(6)  NOT NULL,
    outcome        VARCHAR(20)  NOT NULL,
    result         LONGTEXT,
    error          LONGTEXT,
    started_at     DATETIME(6),
    finished_at    DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE INDEX IF NOT EXISTS background_task_completed_finished
    ON background_task_completed (finished_at);

-- Queues paused at run time, for every node; a queue without a row is running.
CREATE TABLE IF NOT EXISTS background_task_queue (
    queue          VARCHAR(100) NOT NULL PRIMARY KEY,
    paused         BOOLEAN      NOT NULL,
    changed_at     DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per task name with a concurrency cap: claims of that task lock it, one node at a time.
CREATE TABLE IF NOT EXISTS background_task_cap (
    task_name      VARCHAR(255) NOT NULL PRIMARY KEY
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The schema versions applied: each script records its own version last, so a team that applies
-- the scripts with its own Flyway or Liquibase records them here too, and the library sees them.
CREATE TABLE IF NOT EXISTS background_task_schema (
    version        INTEGER      PRIMARY KEY,
    description    VARCHAR(200) NOT NULL,
    installed_at   DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT INTO background_task_schema (version, description, installed_at)
SELECT 1, 'tables', UTC_TIMESTAMP(6) FROM DUAL
 WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = 1);
