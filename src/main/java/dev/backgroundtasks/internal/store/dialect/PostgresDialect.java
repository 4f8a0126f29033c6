package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** PostgreSQL: the claim and the archive of a whole batch are one statement each. */
public final class PostgresDialect implements Dialect {

    /*
     * The claim, one statement per shape of request, each written out whole. Each picks due rows
     * through the partial index whose order is the claim order, skips rows another worker is
     * claiming, and marks them in the same statement. The LIMIT sits in an ARRAY subquery, which the
     * planner runs once before the update and can never flatten: rows are limited before they are
     * locked, and the update finds the claimed rows through the primary key. (With IN (subquery) the
     * cached generic plan expects a tenth of the table and hash-joins it with a full scan: 22 ms
     * instead of 0.4 ms at 100,000 pending rows.) A claimed one-off task gives up its dedupe key, so
     * a new task with the same key may wait while it runs; a repeating task keeps it, and its next
     * run takes it over when the run is archived. A row's timeout counts at most seven days
     * (TaskOptions.MAX_TIMEOUT, 604800000 ms) in its lease, so no row, however it was written, makes
     * the lease overflow and fail the claim of every row behind it.
     *
     * A claim without a cap walks the priorities the index holds, one index descent each (a
     * recursive query: each step finds the next lower priority), and at each one reads only the
     * rows already due, in run order, until it has its limit; the walk is lazy, so it goes no
     * further than the priorities it takes rows from. Rows due later sit at the end of their
     * priority's range and are never read: reading the index in one pass from the top, a claim that
     * found fewer due rows than its limit read every row scheduled for later (17 ms with a million
     * rows due tomorrow, also when nothing was due), and now costs the same as next to an empty
     * table. Lower priorities first walks the same index the other way, without a sort.
     */

    /** Claims tasks without a cap, from every queue but the paused ones, through {@code background_task_claimable}, one priority at a time from the highest. Parameters: node, now, lease grace (ms), now, paused queues (an array, empty for none), task names (an array), limit, limit. */
    public static final String CLAIM_EVERY_QUEUE = """
            UPDATE background_task t
               SET locked_by = ?,
                   locked_until = CAST(? AS TIMESTAMP) + (LEAST(t.timeout_millis, 604800000) + ?) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1,
                   dedupe_key = CASE WHEN t.schedule IS NULL THEN NULL ELSE t.dedupe_key END
             WHERE t.id = ANY (ARRAY(WITH RECURSIVE levels (priority) AS (
                            SELECT (SELECT r.priority
                                      FROM background_task r
                                     WHERE r.locked_by IS NULL
                                       AND r.max_running IS NULL
                                       AND NOT r.paused
                                     ORDER BY r.priority DESC
                                     LIMIT 1)
                             UNION ALL
                            SELECT (SELECT r.priority
                                      FROM background_task r
                                     WHERE r.locked_by IS NULL
                                       AND r.max_running IS NULL
                                       AND NOT r.paused
                                       AND r.priority < l.priority
                                     ORDER BY r.priority DESC
                                     LIMIT 1)
                              FROM levels l
                             WHERE l.priority IS NOT NULL)
                        SELECT d.id
                          FROM levels l
                         CROSS JOIN LATERAL (SELECT r.id
                                                 FROM background_task r
                                                WHERE r.locked_by IS NULL
                                                  AND r.max_running IS NULL
                                                  AND NOT r.paused
                                                  AND r.priority = l.priority
                                                  AND r.run_at <= CAST(? AS TIMESTAMP)
                                                  AND r.queue <> ALL (CAST(? AS VARCHAR[]))
                                                  AND r.task_name = ANY (CAST(? AS VARCHAR[]))
                                                ORDER BY r.run_at, r.id
                                                LIMIT ?
                                                  FOR UPDATE SKIP LOCKED) d
                         WHERE l.priority IS NOT NULL
                         LIMIT ?))
            RETURNING t.*""";

    /** Claims tasks without a cap, from one queue, through {@code background_task_claimable_queue}, one priority at a time from the highest. Parameters: node, now, lease grace (ms), queue, queue, now, queue, task names (an array), limit, limit. */
    public static final String CLAIM_ONE_QUEUE = """
            UPDATE background_task t
               SET locked_by = ?,
                   locked_until = CAST(? AS TIMESTAMP) + (LEAST(t.timeout_millis, 604800000) + ?) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1,
                   dedupe_key = CASE WHEN t.schedule IS NULL THEN NULL ELSE t.dedupe_key END
             WHERE t.id = ANY (ARRAY(WITH RECURSIVE levels (priority) AS (
                            SELECT (SELECT r.priority
                                      FROM background_task r
                                     WHERE r.locked_by IS NULL
                                       AND r.max_running IS NULL
                                       AND NOT r.paused
                                       AND r.queue = ?
                                     ORDER BY r.priority DESC
                                     LIMIT 1)
                             UNION ALL
                            SELECT (SELECT r.priority
                                      FROM background_task r
                                     WHERE r.locked_by IS NULL
                                       AND r.max_running IS NULL
                                       AND NOT r.paused
                                       AND r.queue = ?
                                       AND r.priority < l.priority
                                     ORDER BY r.priority DESC
                                     LIMIT 1)
                              FROM levels l
                             WHERE l.priority IS NOT NULL)
                        SELECT d.id
                          FROM levels l
                         CROSS JOIN LATERAL (SELECT r.id
                                                 FROM background_task r
                                                WHERE r.locked_by IS NULL
                                                  AND r.max_running IS NULL
                                                  AND NOT r.paused
                                                  AND r.priority = l.priority
                                                  AND r.run_at <= CAST(? AS TIMESTAMP)
                                                  AND r.queue = ?
                                                  AND r.task_name = ANY (CAST(? AS VARCHAR[]))
                                                ORDER BY r.run_at, r.id
                                                LIMIT ?
                                                  FOR UPDATE SKIP LOCKED) d
                         WHERE l.priority IS NOT NULL
                         LIMIT ?))
            RETURNING t.*""";

    /** Claims runs of one capped task, from every queue but the paused ones, through {@code background_task_capped}. Parameters: node, now, lease grace (ms), now, task name, paused queues (an array, empty for none), the lowest priority to claim, limit. */
    public static final String CLAIM_CAPPED_EVERY_QUEUE = """
            UPDATE background_task t
               SET locked_by = ?,
                   locked_until = CAST(? AS TIMESTAMP) + (LEAST(t.timeout_millis, 604800000) + ?) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1,
                   dedupe_key = CASE WHEN t.schedule IS NULL THEN NULL ELSE t.dedupe_key END
             WHERE t.id = ANY (ARRAY(SELECT r.id
                                       FROM background_task r
                                      WHERE r.locked_by IS NULL
                                        AND r.run_at <= CAST(? AS TIMESTAMP)
                                        AND r.task_name = ?
                                        AND r.max_running IS NOT NULL
                                        AND r.queue <> ALL (CAST(? AS VARCHAR[]))
                                        AND r.priority >= ?
                                      ORDER BY r.priority DESC, r.run_at, r.id
                                      LIMIT ?
                                        FOR UPDATE SKIP LOCKED))
            RETURNING t.*""";

    /** Claims runs of one capped task, from one queue, through {@code background_task_capped}. Parameters: node, now, lease grace (ms), now, task name, queue, the lowest priority to claim, limit. */
    public static final String CLAIM_CAPPED_ONE_QUEUE = """
            UPDATE background_task t
               SET locked_by = ?,
                   locked_until = CAST(? AS TIMESTAMP) + (LEAST(t.timeout_millis, 604800000) + ?) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1,
                   dedupe_key = CASE WHEN t.schedule IS NULL THEN NULL ELSE t.dedupe_key END
             WHERE t.id = ANY (ARRAY(SELECT r.id
                                       FROM background_task r
                                      WHERE r.locked_by IS NULL
                                        AND r.run_at <= CAST(? AS TIMESTAMP)
                                        AND r.task_name = ?
                                        AND r.max_running IS NOT NULL
                                        AND r.queue = ?
                                        AND r.priority >= ?
                                      ORDER BY r.priority DESC, r.run_at, r.id
                                      LIMIT ?
                                        FOR UPDATE SKIP LOCKED))
            RETURNING t.*""";

    /** Claims tasks without a cap, from every queue but the paused ones, through {@code background_task_claimable}, one priority at a time from the lowest. Parameters: node, now, lease grace (ms), now, paused queues (an array, empty for none), task names (an array), limit, limit. */
    public static final String CLAIM_EVERY_QUEUE_ASCENDING = """
            UPDATE background_task t
               SET locked_by = ?,
                   locked_until = CAST(? AS TIMESTAMP) + (LEAST(t.timeout_millis, 604800000) + ?) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1,
                   dedupe_key = CASE WHEN t.schedule IS NULL THEN NULL ELSE t.dedupe_key END
             WHERE t.id = ANY (ARRAY(WITH RECURSIVE levels (priority) AS (
                            SELECT (SELECT r.priority
                                      FROM background_task r
                                     WHERE r.locked_by IS NULL
                                       AND r.max_running IS NULL
                                       AND NOT r.paused
                                     ORDER BY r.priority ASC
                                     LIMIT 1)
                             UNION ALL
                            SELECT (SELECT r.priority
                                      FROM background_task r
                                     WHERE r.locked_by IS NULL
                                       AND r.max_running IS NULL
                                       AND NOT r.paused
                                       AND r.priority > l.priority
                                     ORDER BY r.priority ASC
                                     LIMIT 1)
                              FROM levels l
                             WHERE l.priority IS NOT NULL)
                        SELECT d.id
                          FROM levels l
                         CROSS JOIN LATERAL (SELECT r.id
                                                 FROM background_task r
                                                WHERE r.locked_by IS NULL
                                                  AND r.max_running IS NULL
                                                  AND NOT r.paused
                                                  AND r.priority = l.priority
                                                  AND r.run_at <= CAST(? AS TIMESTAMP)
                                                  AND r.queue <> ALL (CAST(? AS VARCHAR[]))
                                                  AND r.task_name = ANY (CAST(? AS VARCHAR[]))
                                                ORDER BY r.run_at, r.id
                                                LIMIT ?
                                                  FOR UPDATE SKIP LOCKED) d
                         WHERE l.priority IS NOT NULL
                         LIMIT ?))
            RETURNING t.*""";

    /** Claims tasks without a cap, from one queue, through {@code background_task_claimable_queue}, one priority at a time from the lowest. Parameters: node, now, lease grace (ms), queue, queue, now, queue, task names (an array), limit, limit. */
    public static final String CLAIM_ONE_QUEUE_ASCENDING = """
            UPDATE background_task t
               SET locked_by = ?,
                   locked_until = CAST(? AS TIMESTAMP) + (LEAST(t.timeout_millis, 604800000) + ?) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1,
                   dedupe_key = CASE WHEN t.schedule IS NULL THEN NULL ELSE t.dedupe_key END
             WHERE t.id = ANY (ARRAY(WITH RECURSIVE levels (priority) AS (
                            SELECT (SELECT r.priority
                                      FROM background_task r
                                     WHERE r.locked_by IS NULL
                                       AND r.max_running IS NULL
                                       AND NOT r.paused
                                       AND r.queue = ?
                                     ORDER BY r.priority ASC
                                     LIMIT 1)
                             UNION ALL
                            SELECT (SELECT r.priority
                                      FROM background_task r
                                     WHERE r.locked_by IS NULL
                                       AND r.max_running IS NULL
                                       AND NOT r.paused
                                       AND r.queue = ?
                                       AND r.priority > l.priority
                                     ORDER BY r.priority ASC
                                     LIMIT 1)
                              FROM levels l
                             WHERE l.priority IS NOT NULL)
                        SELECT d.id
                          FROM levels l
                         CROSS JOIN LATERAL (SELECT r.id
                                                 FROM background_task r
                                                WHERE r.locked_by IS NULL
                                                  AND r.max_running IS NULL
                                                  AND NOT r.paused
                                                  AND r.priority = l.priority
                                                  AND r.run_at <= CAST(? AS TIMESTAMP)
                                                  AND r.queue = ?
                                                  AND r.task_name = ANY (CAST(? AS VARCHAR[]))
                                                ORDER BY r.run_at, r.id
                                                LIMIT ?
                                                  FOR UPDATE SKIP LOCKED) d
                         WHERE l.priority IS NOT NULL
                         LIMIT ?))
            RETURNING t.*""";

    /** Claims runs of one capped task, from every queue but the paused ones, lower priorities first, sorting the due rows (no index is in this order). Parameters: node, now, lease grace (ms), now, task name, paused queues (an array, empty for none), the highest priority to claim, limit. */
    public static final String CLAIM_CAPPED_EVERY_QUEUE_ASCENDING = """
            UPDATE background_task t
               SET locked_by = ?,
                   locked_until = CAST(? AS TIMESTAMP) + (LEAST(t.timeout_millis, 604800000) + ?) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1,
                   dedupe_key = CASE WHEN t.schedule IS NULL THEN NULL ELSE t.dedupe_key END
             WHERE t.id = ANY (ARRAY(SELECT r.id
                                       FROM background_task r
                                      WHERE r.locked_by IS NULL
                                        AND r.run_at <= CAST(? AS TIMESTAMP)
                                        AND r.task_name = ?
                                        AND r.max_running IS NOT NULL
                                        AND r.queue <> ALL (CAST(? AS VARCHAR[]))
                                        AND r.priority <= ?
                                      ORDER BY r.priority ASC, r.run_at, r.id
                                      LIMIT ?
                                        FOR UPDATE SKIP LOCKED))
            RETURNING t.*""";

    /** Claims runs of one capped task, from one queue, lower priorities first, sorting the due rows (no index is in this order). Parameters: node, now, lease grace (ms), now, task name, queue, the highest priority to claim, limit. */
    public static final String CLAIM_CAPPED_ONE_QUEUE_ASCENDING = """
            UPDATE background_task t
               SET locked_by = ?,
                   locked_until = CAST(? AS TIMESTAMP) + (LEAST(t.timeout_millis, 604800000) + ?) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1,
                   dedupe_key = CASE WHEN t.schedule IS NULL THEN NULL ELSE t.dedupe_key END
             WHERE t.id = ANY (ARRAY(SELECT r.id
                                       FROM background_task r
                                      WHERE r.locked_by IS NULL
                                        AND r.run_at <= CAST(? AS TIMESTAMP)
                                        AND r.task_name = ?
                                        AND r.max_running IS NOT NULL
                                        AND r.queue = ?
                                        AND r.priority <= ?
                                      ORDER BY r.priority ASC, r.run_at, r.id
                                      LIMIT ?
                                        FOR UPDATE SKIP LOCKED))
            RETURNING t.*""";

    /*
     * The priorities of the due rows an uncapped claim would take next, read without a lock (nothing
     * is written), through the same index as that claim. Where capped tasks are claimed apart, these
     * tell a capped claim how low it may go. Parameters: now, paused queues (an array, empty for
     * none) or the queue, task names (an array), limit.
     */

    /** Due priorities without a cap, every queue but the paused ones, through {@code background_task_claimable}. */
    public static final String DUE_PRIORITIES_EVERY_QUEUE = """
            WITH RECURSIVE levels (priority) AS (
                SELECT (SELECT r.priority
                          FROM background_task r
                         WHERE r.locked_by IS NULL
                           AND r.max_running IS NULL
                           AND NOT r.paused
                         ORDER BY r.priority DESC
                         LIMIT 1)
                 UNION ALL
                SELECT (SELECT r.priority
                          FROM background_task r
                         WHERE r.locked_by IS NULL
                           AND r.max_running IS NULL
                           AND NOT r.paused
                           AND r.priority < l.priority
                         ORDER BY r.priority DESC
                         LIMIT 1)
                  FROM levels l
                 WHERE l.priority IS NOT NULL)
            SELECT d.priority
              FROM levels l
             CROSS JOIN LATERAL (SELECT r.priority, r.run_at, r.id
                                     FROM background_task r
                                    WHERE r.locked_by IS NULL
                                      AND r.max_running IS NULL
                                      AND NOT r.paused
                                      AND r.priority = l.priority
                                      AND r.run_at <= CAST(? AS TIMESTAMP)
                                      AND r.queue <> ALL (CAST(? AS VARCHAR[]))
                                      AND r.task_name = ANY (CAST(? AS VARCHAR[]))
                                    ORDER BY r.run_at, r.id
                                    LIMIT ?) d
             WHERE l.priority IS NOT NULL
             LIMIT ?""";

    /** Due priorities without a cap, one queue, through {@code background_task_claimable_queue}. */
    public static final String DUE_PRIORITIES_ONE_QUEUE = """
            WITH RECURSIVE levels (priority) AS (
                SELECT (SELECT r.priority
                          FROM background_task r
                         WHERE r.locked_by IS NULL
                           AND r.max_running IS NULL
                           AND NOT r.paused
                           AND r.queue = ?
                         ORDER BY r.priority DESC
                         LIMIT 1)
                 UNION ALL
                SELECT (SELECT r.priority
                          FROM background_task r
                         WHERE r.locked_by IS NULL
                           AND r.max_running IS NULL
                           AND NOT r.paused
                           AND r.queue = ?
                           AND r.priority < l.priority
                         ORDER BY r.priority DESC
                         LIMIT 1)
                  FROM levels l
                 WHERE l.priority IS NOT NULL)
            SELECT d.priority
              FROM levels l
             CROSS JOIN LATERAL (SELECT r.priority, r.run_at, r.id
                                     FROM background_task r
                                    WHERE r.locked_by IS NULL
                                      AND r.max_running IS NULL
                                      AND NOT r.paused
                                      AND r.priority = l.priority
                                      AND r.run_at <= CAST(? AS TIMESTAMP)
                                      AND r.queue = ?
                                      AND r.task_name = ANY (CAST(? AS VARCHAR[]))
                                    ORDER BY r.run_at, r.id
                                    LIMIT ?) d
             WHERE l.priority IS NOT NULL
             LIMIT ?""";

    /** Due priorities without a cap, every queue but the paused ones, lower priorities first. */
    public static final String DUE_PRIORITIES_EVERY_QUEUE_ASCENDING = """
            WITH RECURSIVE levels (priority) AS (
                SELECT (SELECT r.priority
                          FROM background_task r
                         WHERE r.locked_by IS NULL
                           AND r.max_running IS NULL
                           AND NOT r.paused
                         ORDER BY r.priority ASC
                         LIMIT 1)
                 UNION ALL
                SELECT (SELECT r.priority
                          FROM background_task r
                         WHERE r.locked_by IS NULL
                           AND r.max_running IS NULL
                           AND NOT r.paused
                           AND r.priority > l.priority
                         ORDER BY r.priority ASC
                         LIMIT 1)
                  FROM levels l
                 WHERE l.priority IS NOT NULL)
            SELECT d.priority
              FROM levels l
             CROSS JOIN LATERAL (SELECT r.priority, r.run_at, r.id
                                     FROM background_task r
                                    WHERE r.locked_by IS NULL
                                      AND r.max_running IS NULL
                                      AND NOT r.paused
                                      AND r.priority = l.priority
                                      AND r.run_at <= CAST(? AS TIMESTAMP)
                                      AND r.queue <> ALL (CAST(? AS VARCHAR[]))
                                      AND r.task_name = ANY (CAST(? AS VARCHAR[]))
                                    ORDER BY r.run_at, r.id
                                    LIMIT ?) d
             WHERE l.priority IS NOT NULL
             LIMIT ?""";

    /** Due priorities without a cap, one queue, lower priorities first. */
    public static final String DUE_PRIORITIES_ONE_QUEUE_ASCENDING = """
            WITH RECURSIVE levels (priority) AS (
                SELECT (SELECT r.priority
                          FROM background_task r
                         WHERE r.locked_by IS NULL
                           AND r.max_running IS NULL
                           AND NOT r.paused
                           AND r.queue = ?
                         ORDER BY r.priority ASC
                         LIMIT 1)
                 UNION ALL
                SELECT (SELECT r.priority
                          FROM background_task r
                         WHERE r.locked_by IS NULL
                           AND r.max_running IS NULL
                           AND NOT r.paused
                           AND r.queue = ?
                           AND r.priority > l.priority
                         ORDER BY r.priority ASC
                         LIMIT 1)
                  FROM levels l
                 WHERE l.priority IS NOT NULL)
            SELECT d.priority
              FROM levels l
             CROSS JOIN LATERAL (SELECT r.priority, r.run_at, r.id
                                     FROM background_task r
                                    WHERE r.locked_by IS NULL
                                      AND r.max_running IS NULL
                                      AND NOT r.paused
                                      AND r.priority = l.priority
                                      AND r.run_at <= CAST(? AS TIMESTAMP)
                                      AND r.queue = ?
                                      AND r.task_name = ANY (CAST(? AS VARCHAR[]))
                                    ORDER BY r.run_at, r.id
                                    LIMIT ?) d
             WHERE l.priority IS NOT NULL
             LIMIT ?""";

    /** The claim statement for one shape of request. */
    public static String claimSql(ClaimRequest.Shape shape) {
        if (shape.ascending()) {
            return shape.capped()
                    ? (shape.oneQueue() ? CLAIM_CAPPED_ONE_QUEUE_ASCENDING : CLAIM_CAPPED_EVERY_QUEUE_ASCENDING)
                    : (shape.oneQueue() ? CLAIM_ONE_QUEUE_ASCENDING : CLAIM_EVERY_QUEUE_ASCENDING);
        }
        return shape.capped()
                ? (shape.oneQueue() ? CLAIM_CAPPED_ONE_QUEUE : CLAIM_CAPPED_EVERY_QUEUE)
                : (shape.oneQueue() ? CLAIM_ONE_QUEUE : CLAIM_EVERY_QUEUE);
    }

    /** The due-priorities statement for one shape of request (its capped flag aside). */
    public static String duePrioritiesSql(ClaimRequest.Shape shape) {
        if (shape.ascending()) {
            return shape.oneQueue() ? DUE_PRIORITIES_ONE_QUEUE_ASCENDING : DUE_PRIORITIES_EVERY_QUEUE_ASCENDING;
        }
        return shape.oneQueue() ? DUE_PRIORITIES_ONE_QUEUE : DUE_PRIORITIES_EVERY_QUEUE;
    }

    /**
     * Deletes the finished rows this node still holds at the same attempt and archives exactly those,
     * with their results and times, in one statement. The rows are found through the primary key
     * ({@code id = ANY}); a join with the unnest would let the cached generic plan scan the whole
     * table for every batch, and a plain {@code locked_by = ?} would let it walk the lease index over
     * every claimed row (the COALESCE keeps that index out). Parameters: ids, attempts, results, notes, started and finished (epoch
     * microseconds), ids again, node.
     */
    public static final String ARCHIVE_SUCCEEDED = """
            WITH done (id, attempts, result, note, started_micros, finished_micros) AS (
                   SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS INT[]), CAST(? AS TEXT[]),
                                        CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]))),
                 d AS (
                   DELETE FROM background_task t
                    WHERE t.id = ANY (CAST(? AS BIGINT[]))
                      AND COALESCE(t.locked_by, '') = ?
                      AND EXISTS (SELECT 1 FROM done WHERE done.id = t.id AND done.attempts = t.attempts)
                   RETURNING t.*)
            INSERT INTO background_task_completed (id, task_name, params, queue, priority, run_at, attempts,
                   max_attempts, timeout_millis, node_id, created_at, outcome, result, error, started_at, finished_at)
            SELECT d.id, d.task_name, d.params, d.queue, d.priority, d.run_at, d.attempts,
                   d.max_attempts, d.timeout_millis, d.locked_by, d.created_at, 'SUCCEEDED', done.result, done.note,
                   to_timestamp(done.started_micros / 1e6) AT TIME ZONE 'UTC',
                   to_timestamp(done.finished_micros / 1e6) AT TIME ZONE 'UTC'
              FROM d JOIN done ON done.id = d.id AND done.attempts = d.attempts
            RETURNING id""";

    /** Expired claims, through the partial index on claimed rows. */
    static final String LOCK_EXPIRED = """
            SELECT *
              FROM background_task
             WHERE locked_by IS NOT NULL
               AND locked_until < CAST(?1 AS TIMESTAMP)
             ORDER BY locked_until
             LIMIT ?2
               FOR UPDATE SKIP LOCKED""";

    /** The channel enqueuing transactions notify and every node's worker listens on. */
    public static final String CHANNEL = "background_tasks";

    /** The advisory lock key under which schema scripts run ("btschema" in ASCII). */
    static final long SCHEMA_LOCK = 0x6274_7363_6865_6d61L;

    /** The advisory lock key under which the archive is pruned ("btprune" in ASCII). */
    static final long PRUNE_LOCK = 0x0062_7470_7275_6e65L;

    @Override
    public void lockSchema(Connection connection) throws SQLException {
        advisory(connection, "pg_advisory_lock", SCHEMA_LOCK);
    }

    @Override
    public void unlockSchema(Connection connection) throws SQLException {
        advisory(connection, "pg_advisory_unlock", SCHEMA_LOCK);
    }

    @Override
    public boolean tryLockPruning(Connection connection) throws SQLException {
        return advisory(connection, "pg_try_advisory_lock", PRUNE_LOCK);
    }

    @Override
    public void unlockPruning(Connection connection) throws SQLException {
        advisory(connection, "pg_advisory_unlock", PRUNE_LOCK);
    }

    /** Calls one of PostgreSQL's session advisory lock functions; what it answered (void reads as false). */
    private static boolean advisory(Connection connection, String function, long key) throws SQLException {
        try (PreparedStatement call = connection.prepareStatement("SELECT " + function + "(?)")) {
            call.setLong(1, key);
            try (ResultSet answer = call.executeQuery()) {
                return answer.next() && answer.getObject(1) instanceof Boolean taken && taken;
            }
        }
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String notifySql() {
        return "SELECT pg_notify('" + CHANNEL + "', '')";
    }

    @Override
    public String controlNotifySql() {
        return "SELECT pg_notify('" + CHANNEL + "', '" + CONTROL + "')";
    }

    @Override
    public String setPausedSql() {
        return "INSERT INTO background_task_queue (queue, paused, changed_at) VALUES (?1, ?2, ?3) "
                + "ON CONFLICT (queue) DO UPDATE SET paused = EXCLUDED.paused, changed_at = EXCLUDED.changed_at";
    }

    @Override
    public String databaseTimeSql() {
        return "SELECT FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)";
    }

    @Override
    public String nextIdSql() {
        return "SELECT nextval('background_task_seq')";
    }

    /** As many values of the id sequence as the parameter says, each the last id of a block, in one round trip. */
    static final String NEXT_ID_BLOCKS = "SELECT nextval('background_task_seq') FROM generate_series(1, ?)";

    /**
     * Many tasks of one name and option set in one statement: their ids and arguments come as two
     * arrays, everything else once. Parameters: task name, queue, priority, run at, max attempts,
     * timeout (ms), created at, schedule, max running, trace parent, trace state, ids (an array),
     * arguments (an array).
     */
    static final String INSERT_MANY = "INSERT INTO background_task " + INSERT_COLUMNS + """

            SELECT n.id, CAST(? AS VARCHAR), n.params, CAST(? AS VARCHAR), CAST(? AS INTEGER), CAST(? AS TIMESTAMP), 0,
                   CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS TIMESTAMP), NULL, CAST(? AS VARCHAR),
                   CAST(? AS INTEGER), FALSE, CAST(? AS VARCHAR), CAST(? AS VARCHAR)
              FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[])) AS n(id, params)""";

    /** One statement per thousand tasks, ids read in one round trip: about a tenth of the round trips of a JDBC batch. */
    @Override
    public long[] insertAll(Connection connection, TaskEntity template, List<String> params) throws SQLException {
        int count = params.size();
        long[] ids;
        try (PreparedStatement next = connection.prepareStatement(NEXT_ID_BLOCKS)) {
            next.setInt(1, (count + TaskInserts.ID_BLOCK - 1) / TaskInserts.ID_BLOCK);
            try (ResultSet values = next.executeQuery()) {
                List<Long> lasts = new ArrayList<>();
                while (values.next()) {
                    lasts.add(values.getLong(1));
                }
                ids = TaskInserts.ids(lasts, count);
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_MANY)) {
            for (int from = 0; from < count; from += TaskInserts.ROWS_PER_STATEMENT) {
                int to = Math.min(count, from + TaskInserts.ROWS_PER_STATEMENT);
                int i = TaskInserts.bindShared(insert, 1, template, true);
                Long[] chunkIds = new Long[to - from];
                for (int k = from; k < to; k++) {
                    chunkIds[k - from] = ids[k];
                }
                insert.setArray(i++, connection.createArrayOf("bigint", chunkIds));
                insert.setArray(i, connection.createArrayOf("text", params.subList(from, to).toArray()));
                insert.executeUpdate();
            }
        }
        return ids;
    }

    /** Inserts unless a task holds the key; the conflict target names the partial unique index's predicate. */
    static final String DEDUPED_INSERT = "INSERT INTO background_task " + INSERT_COLUMNS + "\nVALUES " + INSERT_VALUES
            + "\nON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING";

    /** Inserts, or moves the waiting task that holds the key (a running one keeps its own). */
    static final String DEDUPED_UPSERT = "INSERT INTO background_task " + INSERT_COLUMNS + "\nVALUES " + INSERT_VALUES + """

            ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE
               SET run_at = EXCLUDED.run_at, params = EXCLUDED.params, priority = EXCLUDED.priority
             WHERE background_task.locked_by IS NULL""";

    @Override
    public String dedupedInsertSql(boolean reschedule) {
        return reschedule ? DEDUPED_UPSERT : DEDUPED_INSERT;
    }

    @Override
    public void listen(Connection connection) throws SQLException {
        try (Statement listen = connection.createStatement()) {
            listen.execute("LISTEN " + CHANNEL);
        }
    }

    @Override
    public void unlisten(Connection connection) throws SQLException {
        try (Statement unlisten = connection.createStatement()) {
            unlisten.execute("UNLISTEN *");
        }
        awaitNotification(connection, 1); // what arrived before the UNLISTEN, kept by the driver until read
    }

    /** The driver's {@code PGConnection} and its {@code getNotifications(int)}, found on first use. */
    private volatile NotificationApi notificationApi;

    private record NotificationApi(Class<?> type, Method getNotifications, Method getParameter) {
    }

    /**
     * Blocks in the driver's {@code PGConnection.getNotifications(int)}, reached by reflection so that
     * the library does not need the driver to compile or deploy on other databases.
     */
    @Override
    public List<String> awaitNotification(Connection connection, int millis) throws SQLException {
        NotificationApi api = notificationApi(connection);
        try {
            Object pg = connection.unwrap(api.type());
            Object[] notifications = (Object[]) api.getNotifications().invoke(pg, millis);
            if (notifications == null || notifications.length == 0) {
                return List.of();
            }
            List<String> payloads = new ArrayList<>(notifications.length);
            for (Object notification : notifications) {
                payloads.add(String.valueOf(api.getParameter().invoke(notification)));
            }
            return payloads;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException("Waiting for notifications failed: " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new SQLException("The PostgreSQL driver's notification API is not reachable: " + e, e);
        }
    }

    private NotificationApi notificationApi(Connection connection) throws SQLException {
        NotificationApi api = notificationApi;
        if (api == null) {
            Class<?> type = driverInterface(connection);
            try {
                Class<?> notification = Class.forName("org.postgresql.PGNotification", true, type.getClassLoader());
                api = new NotificationApi(type, type.getMethod("getNotifications", int.class),
                        notification.getMethod("getParameter"));
            } catch (NoSuchMethodException | ClassNotFoundException e) {
                throw new SQLFeatureNotSupportedException("The PostgreSQL driver's notification API is incomplete: " + e, e);
            }
            notificationApi = api;
        }
        return api;
    }

    /**
     * {@code org.postgresql.PGConnection} from wherever the driver was loaded: the application's
     * class loader when the driver is in the application, on the server's class path (Payara) or in a
     * library the application shares (Open Liberty's {@code commonLibraryRef}), else the driver's own
     * (a WildFly module, which neither the application nor the pool's wrapper sees), found through the
     * driver's metadata object.
     *
     * @throws SQLFeatureNotSupportedException when no class loader reaches it: a lasting condition of
     *                                         the server's configuration, not a failed connection
     */
    private static Class<?> driverInterface(Connection connection) throws SQLException {
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(Thread.currentThread().getContextClassLoader());
        loaders.add(PostgresDialect.class.getClassLoader());
        loaders.add(connection.getMetaData().getClass().getClassLoader());
        loaders.add(connection.getMetaData().getConnection().getClass().getClassLoader());
        loaders.add(connection.unwrap(Connection.class).getClass().getClassLoader());
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName("org.postgresql.PGConnection", true, loader);
            } catch (ClassNotFoundException e) {
                // Try the next one.
            }
        }
        throw new SQLFeatureNotSupportedException("The PostgreSQL driver's notification API (org.postgresql.PGConnection) "
                + "is not reachable from the application, the driver's metadata or the pooled connection");
    }

    /**
     * Keeps the claim on {@code background_task_claimable} whatever the statistics say. After a quiet
     * spell they claim almost no row is due, and the planner would rather scan the table and sort
     * it, which a burst of due rows turns into tens of milliseconds per claim. With sorting priced
     * out, only the index can deliver the claim order.
     *
     * <p>The claim commits durably, waiting for its WAL flush like any commit: a claim lost in a
     * crash or a failover while its task already runs would let the task be claimed and run again
     * beside the first run.
     *
     * <p>JIT compilation is off for the same statements: the recursive walk over the priorities makes
     * the planner's estimate large enough to compile each claim, which took 6 ms of a claim that runs
     * in a tenth of a millisecond.
     *
     * <p>The settings are local to the claim's transaction ({@code set_config(…, true)}), so they
     * never outlive it on a pooled connection.
     */
    public static final String PIN_CLAIM_PLAN = "SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)";

    @Override
    public List<TaskEntity> claim(Connection connection, ClaimRequest request) throws SQLException {
        // The settings travel with the claim: the driver sends both statements in one round trip,
        // and in auto-commit mode the database runs them as one transaction that commits after the
        // claim. One round trip per claim instead of three (begin with the settings, the claim, the commit).
        String sql = PIN_CLAIM_PLAN + ";\n" + claimSql(request.shape());
        try (PreparedStatement claim = connection.prepareStatement(sql)) {
            int i = 0;
            claim.setString(++i, request.nodeId());
            claim.setObject(++i, request.now());
            claim.setLong(++i, request.leaseGraceMillis());
            if (request.cappedTask() == null) {
                bindLevels(connection, claim, i, request);
            } else {
                claim.setObject(++i, request.now());
                claim.setString(++i, request.cappedTask());
                if (request.queue() != null) {
                    claim.setString(++i, request.queue());
                } else {
                    claim.setArray(++i, connection.createArrayOf("varchar", request.pausedQueues().toArray()));
                }
                claim.setInt(++i, request.priorityBoundValue());
                claim.setInt(++i, request.limit());
            }
            try (ResultSet rows = afterPin(claim, sql)) {
                return Rows.tasks(rows);
            }
        }
    }

    @Override
    public List<Integer> duePriorities(Connection connection, ClaimRequest request) throws SQLException {
        // Pinned like the claim, so the generic plan walks the same index in claim order.
        String sql = PIN_CLAIM_PLAN + ";\n" + duePrioritiesSql(request.shape());
        try (PreparedStatement peek = connection.prepareStatement(sql)) {
            bindLevels(connection, peek, 0, request);
            try (ResultSet rows = afterPin(peek, sql)) {
                return Rows.priorities(rows);
            }
        }
    }

    /**
     * Binds, from after parameter {@code i} on, what the walk over the priorities and the claim at
     * each one take: the queue twice for the walk when the request names one, then now, the queue
     * or the paused queues, the task names, and the limit for one priority and for all.
     */
    private static void bindLevels(Connection connection, PreparedStatement statement, int i, ClaimRequest request)
            throws SQLException {
        if (request.queue() != null) {
            statement.setString(++i, request.queue());
            statement.setString(++i, request.queue());
        }
        statement.setObject(++i, request.now());
        if (request.queue() != null) {
            statement.setString(++i, request.queue());
        } else {
            statement.setArray(++i, connection.createArrayOf("varchar", request.pausedQueues().toArray()));
        }
        statement.setArray(++i, connection.createArrayOf("varchar", request.taskNames().toArray()));
        statement.setInt(++i, request.limit());
        statement.setInt(++i, request.limit());
    }

    /** Runs {@link #PIN_CLAIM_PLAN} and the statement after it; the second one's rows. */
    private static ResultSet afterPin(PreparedStatement pinned, String sql) throws SQLException {
        pinned.execute();
        if (!pinned.getMoreResults()) {
            throw new SQLException("The statement returned no rows: " + sql);
        }
        return pinned.getResultSet();
    }

    @Override
    public Set<Long> archiveSucceeded(Connection connection, String nodeId, List<Finished> finished) throws SQLException {
        int n = finished.size();
        Long[] ids = new Long[n];
        Integer[] attempts = new Integer[n];
        String[] results = new String[n];
        String[] notes = new String[n];
        Long[] started = new Long[n];
        Long[] ended = new Long[n];
        for (int i = 0; i < n; i++) {
            Finished f = finished.get(i);
            ids[i] = f.task().getId();
            attempts[i] = f.task().getAttempts();
            results[i] = f.resultJson();
            notes[i] = f.note();
            started[i] = micros(f.startedAt());
            ended[i] = micros(f.finishedAt());
        }
        try (PreparedStatement archive = connection.prepareStatement(ARCHIVE_SUCCEEDED)) {
            Array[] arrays = {
                connection.createArrayOf("bigint", ids),
                connection.createArrayOf("integer", attempts),
                connection.createArrayOf("text", results),
                connection.createArrayOf("text", notes),
                connection.createArrayOf("bigint", started),
                connection.createArrayOf("bigint", ended)};
            for (int i = 0; i < arrays.length; i++) {
                archive.setArray(i + 1, arrays[i]);
            }
            archive.setArray(7, arrays[0]);
            archive.setString(8, nodeId);
            Set<Long> archived = new HashSet<>();
            try (ResultSet rows = archive.executeQuery()) {
                while (rows.next()) {
                    archived.add(rows.getLong(1));
                }
            }
            return archived;
        }
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    @Override
    public String lockExpiredSql() {
        return LOCK_EXPIRED;
    }
}
