package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import jakarta.persistence.EntityManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What differs between databases: the claim, the batched archive and the schema script. One
 * class per database, so each database's statements are readable constants in one place. The hot
 * path (claim, archive) is plain JDBC on a connection outside any JTA transaction.
 */
public sealed interface Dialect permits PostgresDialect, LockingDialect {

    /** A short name, also the schema script's file name. */
    String name();

    /**
     * What is wrong with running on this version of the database, or empty when nothing is: a
     * version the library works on but not as designed, said once at start.
     */
    default Optional<String> versionAdvice(int major, int minor) {
        return Optional.empty();
    }

    /** The classpath folder of this database's versioned schema scripts ({@code V1__tables.sql}, ...). */
    default String migrationFolder() {
        return "META-INF/background-tasks/migration/" + name();
    }

    /**
     * Waits for the lock under which one node at a time applies schema scripts, held by
     * {@code connection} until {@link #unlockSchema}; a lock of the database, so nodes of other
     * applications on the same tables wait too.
     */
    void lockSchema(Connection connection) throws SQLException;

    /** Gives back the lock {@link #lockSchema} took on the same connection. */
    void unlockSchema(Connection connection) throws SQLException;

    /**
     * Takes the lock under which one node at a time prunes the archive, without waiting, held by
     * {@code connection} until {@link #unlockPruning}.
     *
     * @return false when another node holds it
     */
    boolean tryLockPruning(Connection connection) throws SQLException;

    /** Gives back the lock {@link #tryLockPruning} took on the same connection. */
    void unlockPruning(Connection connection) throws SQLException;

    /**
     * Deletes at most a batch of the oldest archived tasks of one outcome that finished before a
     * time, through {@code background_task_completed_outcome}. Parameters: outcome, finished before,
     * batch size.
     */
    default String pruneSql() {
        return """
                DELETE FROM background_task_completed
                 WHERE id IN (SELECT id FROM background_task_completed
                               WHERE outcome = ? AND finished_at < ?
                               ORDER BY finished_at
                               LIMIT ?)""";
    }

    /**
     * Claims at most {@code request.limit()} due, unclaimed rows that match the request, skipping rows
     * other transactions hold, and returns them as claimed (attempts counted, lease set, dedupe key
     * given up). Committed before it returns when the connection is in auto-commit mode; otherwise
     * part of the connection's transaction.
     *
     * @param connection a connection not enlisted in a JTA transaction
     */
    List<TaskEntity> claim(Connection connection, ClaimRequest request) throws SQLException;

    /**
     * The priorities of the first {@code request.limit()} due, unclaimed rows without a cap that an
     * uncapped claim of {@code request} would take, in claim order, read without locking anything:
     * where capped tasks are claimed apart, they tell how far down the priorities a capped claim may
     * go before it takes a slot that uncapped work of a higher priority is waiting for.
     */
    List<Integer> duePriorities(Connection connection, ClaimRequest request) throws SQLException;

    /**
     * Archives finished tasks as succeeded, each only while {@code nodeId} still holds it at the same
     * attempt, and removes them from the queue, committed as one.
     *
     * @return the ids archived; the others had lost their claim and were left alone
     */
    Set<Long> archiveSucceeded(Connection connection, String nodeId, List<Finished> finished) throws SQLException;

    /**
     * The transaction isolation the claim and the archive run under, or null for the connection's
     * own. A worker's held connection is set to it once; a connection from the pool is set and
     * restored around each transaction.
     */
    default Integer isolation() {
        return null;
    }

    /**
     * Locks at most {@code limit} claimed rows whose lease ended before {@code now}, skipping rows
     * other transactions hold, and returns them. Must run inside a transaction.
     */
    @SuppressWarnings("unchecked")
    default List<TaskEntity> lockExpired(EntityManager em, LocalDateTime now, int limit) {
        return em.createNativeQuery(lockExpiredSql(), TaskEntity.class)
                .setParameter(1, now)
                .setParameter(2, limit)
                .getResultList();
    }

    /** The statement behind {@link #lockExpired}: parameters now, then limit. */
    String lockExpiredSql();

    /**
     * The statement that, run inside an enqueuing transaction, tells every node's listener at commit
     * that new tasks exist; null where the database cannot notify (workers then rely on polling).
     */
    default String notifySql() {
        return null;
    }

    /**
     * Like {@link #notifySql()}, for a change of paused queues or a cancellation request: every
     * node re-reads them at once. Null where the database cannot notify.
     */
    default String controlNotifySql() {
        return null;
    }

    /** Subscribes {@code connection} to task notifications; only where {@link #notifySql()} is set. */
    default void listen(Connection connection) throws SQLException {
        throw new IllegalStateException(name() + " has no notifications; check notifySql() first");
    }

    /**
     * Ends every subscription of {@code connection} and drops what arrived for it, before it goes
     * back to the pool: a pooled connection left listening would collect every notification of the
     * cluster for whoever borrows it next. Nothing to do where {@link #notifySql()} is not set.
     */
    default void unlisten(Connection connection) throws SQLException {
    }

    /**
     * Waits up to {@code millis} for notifications on a listening connection.
     *
     * @return the payloads of those that arrived; empty when none did
     */
    default List<String> awaitNotification(Connection connection, int millis) throws SQLException {
        throw new IllegalStateException(name() + " has no notifications; check notifySql() first");
    }

    /**
     * Pauses or resumes a queue, whether or not it has a row yet, in one statement, so that two
     * nodes pausing a new queue at once both succeed. Parameters, numbered: 1 queue, 2 paused,
     * 3 changed at.
     */
    String setPausedSql();

    /** The statement that reads one new id from {@code background_task_seq}, used as the id itself. */
    String nextIdSql();

    /**
     * Stores new tasks without a dedupe key that share a task name and options, those of
     * {@code template}, and differ in their arguments, in batched statements on {@code connection}
     * (enlisted in the caller's transaction).
     *
     * @return their ids, in the order of {@code params}
     */
    default long[] insertAll(Connection connection, TaskEntity template, List<String> params) throws SQLException {
        long[] ids = TaskInserts.reserveIds(connection, this, params.size());
        TaskInserts.insertBatched(connection, ids, template, params);
        return ids;
    }

    /**
     * Archived tasks per minute and outcome since a time, for the console's chart. Columns: the
     * minute (a timestamp), the outcome, the count. Parameter: since. The minute is truncated with
     * standard functions where the database has them ({@code DATE_TRUNC} on PostgreSQL and H2).
     */
    default String outcomesPerMinuteSql() {
        return """
                SELECT DATE_TRUNC('MINUTE', finished_at) AS minute_start, outcome, COUNT(*)
                  FROM background_task_completed
                 WHERE finished_at >= ?
                 GROUP BY DATE_TRUNC('MINUTE', finished_at), outcome""";
    }

    /**
     * The statement that reads the database's clock, in whole microseconds since the epoch, rounded
     * down: the one clock every node's leases and due times are read on.
     */
    String databaseTimeSql();

    /**
     * An insert of one task that holds a dedupe key, which does nothing when a task already holds the
     * key ({@code reschedule} false) or moves a waiting holder to the new run time, arguments and
     * priority ({@code reschedule} true). Parameters, numbered: 1 id, 2 task name, 3 params, 4 queue,
     * 5 priority, 6 run at, 7 max attempts, 8 timeout (ms), 9 created at, 10 dedupe key, 11 schedule,
     * 12 max running, 13 trace parent, 14 trace state.
     */
    String dedupedInsertSql(boolean reschedule);

    /** The columns and values every {@link #dedupedInsertSql} inserts. */
    String INSERT_COLUMNS = """
            (id, task_name, params, queue, priority, run_at, attempts, max_attempts, timeout_millis, created_at,
             dedupe_key, schedule, max_running, cancel_requested, trace_parent, trace_state)""";

    /**
     * The values of {@link #INSERT_COLUMNS}, as numbered parameters; the cast gives a null cap its
     * column's type (a JPA provider binds an untyped null as text, which PostgreSQL refuses for a number).
     */
    String INSERT_VALUES = "(?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10, ?11, CAST(?12 AS INTEGER), FALSE, ?13, ?14)";

    /** The payload of a notification that says queues were paused or resumed, or a cancellation requested. */
    String CONTROL = "control";

    /** The dialect for a JDBC product name, as {@code DatabaseMetaData.getDatabaseProductName()} gives it. */
    static Dialect forProduct(String productName) {
        String product = productName.toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return new PostgresDialect();
        }
        if (product.equals("h2")) {
            return new H2Dialect();
        }
        if (product.contains("mariadb")) {
            return new MariaDbDialect();
        }
        throw new IllegalStateException("background-tasks does not support the database '" + productName
                + "' yet; supported: PostgreSQL, MariaDB, H2");
    }
}
