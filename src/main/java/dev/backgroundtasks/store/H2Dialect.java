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
               AND %1$s
             ORDER BY priority %2$s, run_at, id
             FETCH FIRST ? ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    static final String MARK = """
            UPDATE background_task
               SET locked_by = ?,
                   locked_until = DATEADD(MILLISECOND, timeout_millis + ?, CAST(? AS TIMESTAMP)),
                   attempts = attempts + 1,
                   dedupe_key = CASE WHEN schedule IS NULL THEN NULL ELSE dedupe_key END
             WHERE id IN (%s)""";

    static final String LOCK_EXPIRED = """
            SELECT *
              FROM background_task
             WHERE locked_by IS NOT NULL
               AND locked_until < ?1
             ORDER BY locked_until
             FETCH FIRST ?2 ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    /** MERGE on the key: inserts when no task holds it; {@code %s} takes the clause for a holder. */
    static final String DEDUPED_MERGE = """
            MERGE INTO background_task t
            USING (SELECT CAST(?10 AS VARCHAR(255)) AS k) s ON t.dedupe_key = s.k
            %s
            WHEN NOT MATCHED THEN INSERT """ + INSERT_COLUMNS + "\nVALUES " + INSERT_VALUES;

    static final String RESCHEDULE_HOLDER =
            "WHEN MATCHED AND t.locked_by IS NULL THEN UPDATE SET run_at = ?6, params = ?3, priority = ?5";

    @Override
    public String nextIdSql() {
        return "SELECT NEXT VALUE FOR background_task_seq";
    }

    @Override
    public String dedupedInsertSql(boolean reschedule) {
        return DEDUPED_MERGE.formatted(reschedule ? RESCHEDULE_HOLDER : "");
    }

    public H2Dialect() {
        super("h2", LOCK_READY, MARK, LOCK_EXPIRED);
    }
}
