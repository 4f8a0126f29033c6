package dev.backgroundtasks.internal.store.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * H2, the embedded default: no UPDATE … RETURNING, so the claim locks, marks and reads back the
 * rows, and the archive moves them one by one ({@link LockingDialect}). Good for a single node;
 * concurrency is proven on PostgreSQL and MariaDB.
 */
public final class H2Dialect extends LockingDialect {

    /**
     * H2 has no advisory lock: this lock keeps the scripts one at a time within this copy of the
     * library (the embedded database of one application). Two applications migrating one H2
     * database at the same moment may both run a script; every script is safe to run again.
     */
    private static final ReentrantLock SCHEMA_LOCK = new ReentrantLock();

    @Override
    public void lockSchema(Connection connection) {
        SCHEMA_LOCK.lock();
    }

    @Override
    public void unlockSchema(Connection connection) {
        SCHEMA_LOCK.unlock();
    }

    /** The same for pruning: one pruner at a time within this copy of the library. */
    private static final ReentrantLock PRUNE_LOCK = new ReentrantLock();

    @Override
    public boolean tryLockPruning(Connection connection) {
        return PRUNE_LOCK.tryLock();
    }

    @Override
    public void unlockPruning(Connection connection) {
        PRUNE_LOCK.unlock();
    }

    /*
     * The claim of tasks without a cap walks the priorities: the next priority that holds waiting
     * rows, one index descent, then the due rows at that priority in run order, until the claim has
     * its limit. Rows due later sit at the end of their priority's range and are never read.
     */

    /** The next lower priority that holds waiting rows without a cap, in every queue. Parameter: the priority below which to look. */
    static final String NEXT_LEVEL_EVERY_QUEUE = """
            SELECT priority
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND priority < ?
             ORDER BY priority DESC
             FETCH FIRST 1 ROW ONLY""";

    /** The next lower priority that holds waiting rows without a cap, in one queue. Parameters: queue, the priority below which to look. */
    static final String NEXT_LEVEL_ONE_QUEUE = """
            SELECT priority
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND queue = ?
               AND priority < ?
             ORDER BY priority DESC
             FETCH FIRST 1 ROW ONLY""";

    /** The next higher priority that holds waiting rows without a cap, in every queue. Parameter: the priority above which to look. */
    static final String NEXT_LEVEL_EVERY_QUEUE_ASCENDING = """
            SELECT priority
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND priority > ?
             ORDER BY priority ASC
             FETCH FIRST 1 ROW ONLY""";

    /** The next higher priority that holds waiting rows without a cap, in one queue. Parameters: queue, the priority above which to look. */
    static final String NEXT_LEVEL_ONE_QUEUE_ASCENDING = """
            SELECT priority
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND queue = ?
               AND priority > ?
             ORDER BY priority ASC
             FETCH FIRST 1 ROW ONLY""";

    /** Locks the ids of due tasks without a cap at one priority, from every queue but the paused ones. Parameters: priority, now, paused queues (an array, empty for none), task names, limit. */
    static final String LOCK_LEVEL_EVERY_QUEUE = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND priority = ?
               AND run_at <= ?
               AND NOT ARRAY_CONTAINS(CAST(? AS VARCHAR ARRAY), queue)
               AND ARRAY_CONTAINS(CAST(? AS VARCHAR ARRAY), task_name)
             ORDER BY run_at, id
             FETCH FIRST ? ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    /** Locks the ids of due tasks without a cap at one priority, from one queue. Parameters: priority, now, queue, task names, limit. */
    static final String LOCK_LEVEL_ONE_QUEUE = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND priority = ?
               AND run_at <= ?
               AND queue = ?
               AND ARRAY_CONTAINS(CAST(? AS VARCHAR ARRAY), task_name)
             ORDER BY run_at, id
             FETCH FIRST ? ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    /** Priorities of due tasks without a cap at one priority, from every queue but the paused ones, in run order, locking nothing. Parameters as {@link #LOCK_LEVEL_EVERY_QUEUE}. */
    static final String DUE_AT_LEVEL_EVERY_QUEUE = """
            SELECT priority
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND priority = ?
               AND run_at <= ?
               AND NOT ARRAY_CONTAINS(CAST(? AS VARCHAR ARRAY), queue)
               AND ARRAY_CONTAINS(CAST(? AS VARCHAR ARRAY), task_name)
             ORDER BY run_at, id
             FETCH FIRST ? ROWS ONLY""";

    /** Priorities of due tasks without a cap at one priority, from one queue, in run order, locking nothing. Parameters as {@link #LOCK_LEVEL_ONE_QUEUE}. */
    static final String DUE_AT_LEVEL_ONE_QUEUE = """
            SELECT priority
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND priority = ?
               AND run_at <= ?
               AND queue = ?
               AND ARRAY_CONTAINS(CAST(? AS VARCHAR ARRAY), task_name)
             ORDER BY run_at, id
             FETCH FIRST ? ROWS ONLY""";

    /** Locks the ids of due runs of one capped task, from every queue but the paused ones. Parameters: now, task name, paused queues (an array, empty for none), the lowest priority to claim, limit. */
    static final String LOCK_READY_CAPPED_EVERY_QUEUE = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?
               AND task_name = ?
               AND max_running IS NOT NULL
               AND NOT ARRAY_CONTAINS(CAST(? AS VARCHAR ARRAY), queue)
               AND priority >= ?
             ORDER BY priority DESC, run_at, id
             FETCH FIRST ? ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    /** Locks the ids of due runs of one capped task, from one queue. Parameters: now, task name, queue, the lowest priority to claim, limit. */
    static final String LOCK_READY_CAPPED_ONE_QUEUE = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?
               AND task_name = ?
               AND max_running IS NOT NULL
               AND queue = ?
               AND priority >= ?
             ORDER BY priority DESC, run_at, id
             FETCH FIRST ? ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    /** Locks the ids of due runs of one capped task, from every queue but the paused ones, lower priorities first. Parameters: now, task name, paused queues (an array, empty for none), the highest priority to claim, limit. */
    static final String LOCK_READY_CAPPED_EVERY_QUEUE_ASCENDING = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?
               AND task_name = ?
               AND max_running IS NOT NULL
               AND NOT ARRAY_CONTAINS(CAST(? AS VARCHAR ARRAY), queue)
               AND priority <= ?
             ORDER BY priority ASC, run_at, id
             FETCH FIRST ? ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    /** Locks the ids of due runs of one capped task, from one queue, lower priorities first. Parameters: now, task name, queue, the highest priority to claim, limit. */
    static final String LOCK_READY_CAPPED_ONE_QUEUE_ASCENDING = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?
               AND task_name = ?
               AND max_running IS NOT NULL
               AND queue = ?
               AND priority <= ?
             ORDER BY priority ASC, run_at, id
             FETCH FIRST ? ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    static final String MARK = """
            UPDATE background_task
               SET locked_by = ?,
                   locked_until = DATEADD(MILLISECOND, LEAST(timeout_millis, 604800000) + ?, CAST(? AS TIMESTAMP)),
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
    public String setPausedSql() {
        return "MERGE INTO background_task_queue (queue, paused, changed_at) KEY (queue) VALUES (?1, ?2, ?3)";
    }

    @Override
    public String databaseTimeSql() {
        return "SELECT FLOOR(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP(6)) * 1000000)";
    }

    @Override
    public String nextIdSql() {
        return "SELECT NEXT VALUE FOR background_task_seq";
    }

    @Override
    public String dedupedInsertSql(boolean reschedule) {
        return DEDUPED_MERGE.formatted(reschedule ? RESCHEDULE_HOLDER : "");
    }

    public H2Dialect() {
        super("h2", MARK, LOCK_EXPIRED);
    }

    @Override
    String nextLevelSql(ClaimRequest.Shape shape) {
        if (shape.ascending()) {
            return shape.oneQueue() ? NEXT_LEVEL_ONE_QUEUE_ASCENDING : NEXT_LEVEL_EVERY_QUEUE_ASCENDING;
        }
        return shape.oneQueue() ? NEXT_LEVEL_ONE_QUEUE : NEXT_LEVEL_EVERY_QUEUE;
    }

    @Override
    String atLevelSql(ClaimRequest.Shape shape, boolean lock) {
        if (lock) {
            return shape.oneQueue() ? LOCK_LEVEL_ONE_QUEUE : LOCK_LEVEL_EVERY_QUEUE;
        }
        return shape.oneQueue() ? DUE_AT_LEVEL_ONE_QUEUE : DUE_AT_LEVEL_EVERY_QUEUE;
    }

    @Override
    String lockCappedSql(ClaimRequest.Shape shape) {
        if (shape.ascending()) {
            return shape.oneQueue() ? LOCK_READY_CAPPED_ONE_QUEUE_ASCENDING : LOCK_READY_CAPPED_EVERY_QUEUE_ASCENDING;
        }
        return shape.oneQueue() ? LOCK_READY_CAPPED_ONE_QUEUE : LOCK_READY_CAPPED_EVERY_QUEUE;
    }

    @Override
    void bindNames(Connection connection, PreparedStatement statement, int index, List<String> names)
            throws SQLException {
        statement.setArray(index, connection.createArrayOf("VARCHAR", names.toArray()));
    }
}
