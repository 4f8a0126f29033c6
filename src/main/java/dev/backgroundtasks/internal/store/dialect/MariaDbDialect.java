package dev.backgroundtasks.internal.store.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;


/**
 * MariaDB 10.8 and later (10.6 and 10.7 work, with a sort per capped claim: see {@link #versionAdvice}):
 * {@code FOR UPDATE SKIP LOCKED}, sequences and descending indexes exist,
 * {@code UPDATE … RETURNING} and partial indexes do not, and there are no notifications,
 * so workers on other nodes find new tasks by polling. The claim and archive run under read
 * committed so that a locking read does not also lock the gaps where new tasks are inserted.
 */
public final class MariaDbDialect extends LockingDialect {

    /** Waits up to ten minutes: a node building the indexes of a big table holds it that long. */
    @Override
    public void lockSchema(Connection connection) throws SQLException {
        if (!named(connection, "GET_LOCK", "background_tasks_schema", 600)) {
            throw new SQLException("the schema lock of background-tasks was not free within ten minutes");
        }
    }

    @Override
    public void unlockSchema(Connection connection) throws SQLException {
        named(connection, "RELEASE_LOCK", "background_tasks_schema", null);
    }

    @Override
    public boolean tryLockPruning(Connection connection) throws SQLException {
        return named(connection, "GET_LOCK", "background_tasks_prune", 0);
    }

    @Override
    public void unlockPruning(Connection connection) throws SQLException {
        named(connection, "RELEASE_LOCK", "background_tasks_prune", null);
    }

    /** MariaDB has no DATE_TRUNC: whole minutes since the epoch, back to a time. */
    @Override
    public String outcomesPerMinuteSql() {
        return """
                SELECT TIMESTAMPADD(MINUTE, TIMESTAMPDIFF(MINUTE, '1970-01-01 00:00:00', finished_at),
                                    CAST('1970-01-01 00:00:00' AS DATETIME)) AS minute_start, outcome, COUNT(*)
                  FROM background_task_completed
                 WHERE finished_at >= ?
                 GROUP BY 1, outcome""";
    }

    /** MariaDB's ORDER BY and LIMIT on DELETE itself: it takes no LIMIT in an IN subquery. */
    @Override
    public String pruneSql() {
        return """
                DELETE FROM background_task_completed
                 WHERE outcome = ? AND finished_at < ?
                 ORDER BY finished_at
                 LIMIT ?""";
    }

    /**
     * Calls a named-lock function on a name of this database (named locks belong to the server);
     * whether it answered 1.
     */
    private static boolean named(Connection connection, String function, String name, Integer timeoutSeconds)
            throws SQLException {
        String sql = "SELECT " + function + "(CONCAT('" + name + ".', DATABASE())" + (timeoutSeconds == null ? ")" : ", ?)");
        try (PreparedStatement call = connection.prepareStatement(sql)) {
            if (timeoutSeconds != null) {
                call.setInt(1, timeoutSeconds);
            }
            try (ResultSet answer = call.executeQuery()) {
                return answer.next() && answer.getInt(1) == 1;
            }
        }
    }

    /**
     * MariaDB reads {@code DESC} in an index definition from 10.8 on; before, its indexes are built
     * ascending. Claims of tasks without a cap do not mind (they read one priority at a time, in run
     * order), but claims of a capped task read its runs in priority order from {@code
     * background_task_capped} and sort them there instead.
     */
    @Override
    public Optional<String> versionAdvice(int major, int minor) {
        if (major > 10 || major == 10 && minor >= 8) {
            return Optional.empty();
        }
        return Optional.of("MariaDB " + major + "." + minor + " ignores DESC in index definitions (10.8 and later read it): "
                + "each claim of a task with a concurrency cap sorts all its due runs instead of reading the first ones "
                + "from background_task_capped; use MariaDB 10.8 or later, and after the upgrade drop that index so that "
                + "background-tasks creates it again, descending");
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
             LIMIT 1""";

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
             LIMIT 1""";

    /** The next higher priority that holds waiting rows without a cap, in every queue. Parameter: the priority above which to look. */
    static final String NEXT_LEVEL_EVERY_QUEUE_ASCENDING = """
            SELECT priority
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND priority > ?
             ORDER BY priority ASC
             LIMIT 1""";

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
             LIMIT 1""";

    /** Locks the ids of due tasks without a cap at one priority, from every queue but the paused ones. Parameters: priority, now, paused queues (a JSON array of names, [] for none), task names, limit. */
    static final String LOCK_LEVEL_EVERY_QUEUE = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND max_running IS NULL
               AND paused = FALSE
               AND priority = ?
               AND run_at <= ?
               AND NOT JSON_CONTAINS(?, JSON_QUOTE(queue))
               AND JSON_CONTAINS(?, JSON_QUOTE(task_name))
             ORDER BY run_at, id
             LIMIT ?
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
               AND JSON_CONTAINS(?, JSON_QUOTE(task_name))
             ORDER BY run_at, id
             LIMIT ?
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
               AND NOT JSON_CONTAINS(?, JSON_QUOTE(queue))
               AND JSON_CONTAINS(?, JSON_QUOTE(task_name))
             ORDER BY run_at, id
             LIMIT ?""";

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
               AND JSON_CONTAINS(?, JSON_QUOTE(task_name))
             ORDER BY run_at, id
             LIMIT ?""";

    /** Locks the ids of due runs of one capped task, from every queue but the paused ones. Parameters: now, task name, paused queues (a JSON array of names, [] for none), the lowest priority to claim, limit. */
    static final String LOCK_READY_CAPPED_EVERY_QUEUE = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?
               AND task_name = ?
               AND max_running IS NOT NULL
               AND NOT JSON_CONTAINS(?, JSON_QUOTE(queue))
               AND priority >= ?
             ORDER BY priority DESC, run_at, id
             LIMIT ?
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
             LIMIT ?
               FOR UPDATE SKIP LOCKED""";

    /** Locks the ids of due runs of one capped task, from every queue but the paused ones, lower priorities first. Parameters: now, task name, paused queues (a JSON array of names, [] for none), the highest priority to claim, limit. */
    static final String LOCK_READY_CAPPED_EVERY_QUEUE_ASCENDING = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?
               AND task_name = ?
               AND max_running IS NOT NULL
               AND NOT JSON_CONTAINS(?, JSON_QUOTE(queue))
               AND priority <= ?
             ORDER BY priority ASC, run_at, id
             LIMIT ?
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
             LIMIT ?
               FOR UPDATE SKIP LOCKED""";

    static final String MARK = """
            UPDATE background_task
               SET locked_by = ?,
                   locked_until = TIMESTAMPADD(MICROSECOND, (LEAST(timeout_millis, 604800000) + ?) * 1000, CAST(? AS DATETIME(6))),
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
    public String setPausedSql() {
        return "INSERT INTO background_task_queue (queue, paused, changed_at) VALUES (?1, ?2, ?3) "
                + "ON DUPLICATE KEY UPDATE paused = VALUES(paused), changed_at = VALUES(changed_at)";
    }

    @Override
    public String databaseTimeSql() {
        // Arithmetic on UTC values: no session time zone (nor its daylight-saving hour) takes part.
        return "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))";
    }

    @Override
    public String nextIdSql() {
        return "SELECT NEXT VALUE FOR background_task_seq";
    }

    @Override
    public String dedupedInsertSql(boolean reschedule) {
        return reschedule ? DEDUPED_UPSERT : DEDUPED_INSERT;
    }

    public MariaDbDialect() {
        super("mariadb", MARK, LOCK_EXPIRED);
    }

    /**
     * Read committed keeps a locking read from also locking the gaps between index entries, where
     * it would hold up concurrent enqueues.
     */
    @Override
    public Integer isolation() {
        return Connection.TRANSACTION_READ_COMMITTED;
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

    /** MariaDB has no array parameters: the names go as a JSON array of strings. */
    @Override
    void bindNames(Connection connection, PreparedStatement statement, int index, List<String> names)
            throws SQLException {
        StringBuilder json = new StringBuilder("[");
        for (String name : names) {
            json.append(json.length() > 1 ? "," : "").append('"');
            for (char c : name.toCharArray()) {
                if (c == '"' || c == '\\') {
                    json.append('\\').append(c);
                } else if (c < 0x20) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            json.append('"');
        }
        statement.setString(index, json.append(']').toString());
    }
}
