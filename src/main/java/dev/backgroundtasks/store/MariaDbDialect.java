package dev.backgroundtasks.store;

import java.sql.Connection;

/**
 * MariaDB 10.6 and later: {@code FOR UPDATE SKIP LOCKED} and sequences exist,
 * {@code UPDATE … RETURNING} and partial indexes do not, and there are no notifications,
 * so workers on other nodes find new tasks by polling. The claim and archive run under read
 * committed so that a locking read does not also lock the gaps where new tasks are inserted.
 */
public final class MariaDbDialect extends LockingDialect {

    /**
     * Reads {@code background_task_ready} (locked_by, priority DESC, run_at, id): the unclaimed rows
     * are its NULL prefix, already in claim order. Parameters: now, limit.
     */
    static final String LOCK_READY = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?
             ORDER BY priority DESC, run_at, id
             LIMIT ?
               FOR UPDATE SKIP LOCKED""";

    static final String MARK = """
            UPDATE background_task
               SET locked_by = ?,
                   locked_until = TIMESTAMPADD(MICROSECOND, (timeout_millis + ?) * 1000, CAST(? AS DATETIME(6))),
                   attempts = attempts + 1
             WHERE id IN (%s)""";

    static final String LOCK_EXPIRED = """
            SELECT *
              FROM background_task
             WHERE locked_by IS NOT NULL
               AND locked_until < ?1
             ORDER BY locked_until
             LIMIT ?2
               FOR UPDATE SKIP LOCKED""";

    public MariaDbDialect() {
        super("mariadb", LOCK_READY, MARK, LOCK_EXPIRED);
    }

    /**
     * Read committed keeps a locking read from also locking the gaps between index entries, where
     * it would hold up concurrent enqueues.
     */
    @Override
    public Integer isolation() {
        return Connection.TRANSACTION_READ_COMMITTED;
    }
}
