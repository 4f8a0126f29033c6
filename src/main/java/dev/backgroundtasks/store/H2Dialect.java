package dev.backgroundtasks.store;

/**
 * H2, the embedded default: no UPDATE … RETURNING, so the claim locks, marks and reads back the
 * rows, and the archive moves them one by one ({@link LockingDialect}). Good for a single node;
 * concurrency is proven on PostgreSQL and MariaDB.
 */
public final class H2Dialect extends LockingDialect {

    static final String LOCK_READY = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?
             ORDER BY priority DESC, run_at, id
             FETCH FIRST ? ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    static final String MARK = """
            UPDATE background_task
               SET locked_by = ?,
                   locked_until = DATEADD(MILLISECOND, timeout_millis + ?, CAST(? AS TIMESTAMP)),
                   attempts = attempts + 1
             WHERE id IN (%s)""";

    static final String LOCK_EXPIRED = """
            SELECT *
              FROM background_task
             WHERE locked_by IS NOT NULL
               AND locked_until < ?1
             ORDER BY locked_until
             FETCH FIRST ?2 ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    public H2Dialect() {
        super("h2", LOCK_READY, MARK, LOCK_EXPIRED);
    }
}
