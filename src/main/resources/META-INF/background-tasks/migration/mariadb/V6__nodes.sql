-- background-tasks schema version 6 for MariaDB: the nodes that work, for operators.
-- Each node whose worker runs writes its row every ten seconds (what it serves, its slots and how
-- many are busy) and removes it when it stops; the console lists the rows seen lately. Safe to run again.

CREATE TABLE IF NOT EXISTS background_task_node (
    node_id    VARCHAR(100)  PRIMARY KEY,
    started_at DATETIME(6) NOT NULL,
    seen_at    DATETIME(6) NOT NULL,
    queues     VARCHAR(2000) NOT NULL,
    slots      INTEGER       NOT NULL,
    busy       INTEGER       NOT NULL
);

INSERT INTO background_task_schema (version, description, installed_at)
SELECT 6, 'nodes', UTC_TIMESTAMP(6) FROM DUAL
 WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = 6);
