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
               AND %1$s
             ORDER BY priority %2$s, run_at, id
             LIMIT ?
               FOR UPDATE SKIP LOCKED""";

    static final String MARK = """
            UPDATE background_task
               SET locked_by = ?,
                   locked_until = TIMESTAMPADD(MICROSECOND, (timeout_millis + ?) * 1000, CAST(? AS DATETIME(6))),
                   attempts = attempts + 1,
                   dedupe_key = CASE WHEN schedule IS NULL THEN NULL ELSE dedupe_key END
             WHERE id IN (%s)""";

    static final String LOCK_EXPIRED = """
            SELECT *
              FROM background_task
             WHERE locked_by IS NOT NULL
               AND locked_until < ?1
             ORDER BY locked_until
             LIMIT ?2
               FOR UPDATE SKIP LOCKED""";

    /** Inserts unless a task holds the key; the no-op update also locks the holder until commit. */
    static final String DEDUPED_INSERT = "INSERT INTO background_task " + INSERT_COLUMNS + "\nVALUES " + INSERT_VALUES
            + "\nON DUPLICATE KEY UPDATE dedupe_key = dedupe_key";

    /** Inserts, or moves the waiting task that holds the key (a running one keeps its own). */
    static final String DEDUPED_UPSERT = "INSERT INTO background_task " + INSERT_COLUMNS + "\nVALUES " + INSERT_VALUES + """

            ON DUPLICATE KEY UPDATE
                run_at = IF(locked_by IS NULL, VALUES(run_at), run_at),
                params = IF(locked_by IS NULL, VALUES(params), params),
                priority = IF(locked_by IS NULL, VALUES(priority), priority)""";

    @Override
    public String nextIdSql() {
        return "SELECT NEXT VALUE FOR background_task_seq";
    }

    @Override
    public String dedupedInsertSql(boolean reschedule) {
        return reschedule ? DEDUPED_UPSERT : DEDUPED_INSERT;
    }

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
