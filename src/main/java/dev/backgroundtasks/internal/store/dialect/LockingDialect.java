package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The claim and archive for databases without {@code UPDATE … RETURNING}: the claim locks the
 * ready ids with {@code FOR UPDATE SKIP LOCKED}, marks them and reads them back, and the archive
 * copies and deletes the finished rows, each in one local transaction. The subclasses hold the
 * statements, every shape of the lock written out whole; they differ in how they add milliseconds
 * to a time, limit rows and take a list of paused queues.
 */
abstract sealed class LockingDialect implements Dialect permits H2Dialect, MariaDbDialect {

    private final String name;
    private final String markSql;
    private final String lockExpiredSql;

    /**
     * @param name           the dialect's name, also its schema script's
     * @param markSql        marks the locked rows as claimed, {@code %s} taking the id list (numbers read
     *                       from the table), a row's timeout counting at most seven days in its lease
     *                       (TaskOptions.MAX_TIMEOUT); parameters: node, lease grace (ms), now
     * @param lockExpiredSql see {@link Dialect#lockExpiredSql()}
     */
    LockingDialect(String name, String markSql, String lockExpiredSql) {
        this.name = name;
        this.markSql = markSql;
        this.lockExpiredSql = lockExpiredSql;
    }

    /**
     * The statement that locks the ids of due rows in claim order for one shape of request.
     * Parameters: now, the capped task's name (capped shapes only), the queue or the paused queues
     * ({@link #bindNames}), the task names this node has (uncapped shapes only) or the priority bound
     * (capped shapes only), limit.
     */
    abstract String lockReadySql(ClaimRequest.Shape shape);

    /**
     * The statement that reads the priorities of due rows without a cap in claim order, locking
     * nothing. Parameters: now, the queue or the paused queues, the task names this node has, limit.
     */
    abstract String duePrioritiesSql(ClaimRequest.Shape shape);

    /** Binds a list of names (the paused queues, the task names) as the lock statement takes one. */
    abstract void bindNames(Connection connection, PreparedStatement statement, int index, List<String> names)
            throws SQLException;

    @Override
    public String name() {
        return name;
    }

    @Override
    public String lockExpiredSql() {
        return lockExpiredSql;
    }

    /**
     * Locks the finished rows this node still holds, in id order (every multi-row writer takes its
     * locks in one order, so two of them never deadlock), and reads their attempt. Under read
     * committed a plain {@code INSERT … SELECT} takes no lock on its source: without this lock a
     * rescuer could release a row between the copy and the delete, leaving it archived and waiting at
     * once. {@code %s} takes the id list (numbers); parameter: node.
     */
    static final String LOCK_FINISHED = "SELECT id, attempts FROM background_task WHERE id IN (%s) AND locked_by = ? "
            + "ORDER BY id FOR UPDATE";

    /** Copies one finished row, locked by {@link #LOCK_FINISHED}, to the archive. Parameters: result, note, started, finished, id. */
    static final String COPY_TO_ARCHIVE = """
            INSERT INTO background_task_completed (id, task_name, params, queue, priority, run_at, attempts,
                   max_attempts, timeout_millis, node_id, created_at, outcome, result, error, started_at, finished_at)
            SELECT id, task_name, params, queue, priority, run_at, attempts,
                   max_attempts, timeout_millis, locked_by, created_at, 'SUCCEEDED', ?, ?, ?, ?
              FROM background_task
             WHERE id = ?""";

    /** Removes an archived row, locked by {@link #LOCK_FINISHED}, after its copy in the same transaction. */
    static final String DELETE = "DELETE FROM background_task WHERE id = ?";

    static final String READ = "SELECT * FROM background_task WHERE id IN (%s)";

    @Override
    public List<Integer> duePriorities(Connection connection, ClaimRequest request) throws SQLException {
        try (PreparedStatement peek = connection.prepareStatement(duePrioritiesSql(request.shape()))) {
            int i = 0;
            peek.setObject(++i, request.now());
            if (request.queue() != null) {
                peek.setString(++i, request.queue());
            } else {
                bindNames(connection, peek, ++i, request.pausedQueues());
            }
            bindNames(connection, peek, ++i, request.taskNames());
            peek.setInt(++i, request.limit());
            try (ResultSet rows = peek.executeQuery()) {
                return Rows.priorities(rows);
            }
        }
    }

    @Override
    public List<TaskEntity> claim(Connection connection, ClaimRequest request) throws SQLException {
        String lockReady = lockReadySql(request.shape());
        return inTransaction(connection, () -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement lock = connection.prepareStatement(lockReady)) {
                int i = 0;
                lock.setObject(++i, request.now());
                if (request.cappedTask() != null) {
                    lock.setString(++i, request.cappedTask());
                }
                if (request.queue() != null) {
                    lock.setString(++i, request.queue());
                } else {
                    bindNames(connection, lock, ++i, request.pausedQueues());
                }
                if (request.cappedTask() == null) {
                    bindNames(connection, lock, ++i, request.taskNames());
                } else {
                    lock.setInt(++i, request.priorityBoundValue());
                }
                lock.setInt(++i, request.limit());
                try (ResultSet rows = lock.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return List.of();
            }
            // Ids are numbers read from the table, never user text: inlining them is safe.
            String idList = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
            try (PreparedStatement mark = connection.prepareStatement(markSql.formatted(idList))) {
                mark.setString(1, request.nodeId());
                mark.setLong(2, request.leaseGraceMillis());
                mark.setObject(3, request.now());
                mark.executeUpdate();
            }
            try (PreparedStatement read = connection.prepareStatement(READ.formatted(idList));
                 ResultSet rows = read.executeQuery()) {
                return Rows.tasks(rows);
            }
        });
    }

    @Override
    public Set<Long> archiveSucceeded(Connection connection, String nodeId, List<Finished> finished) throws SQLException {
        return inTransaction(connection, () -> {
            Map<Long, Integer> held = new HashMap<>();
            // Ids are numbers from the claimed rows, never user text: inlining them is safe.
            String idList = finished.stream().map(f -> String.valueOf(f.task().getId())).collect(Collectors.joining(","));
            try (PreparedStatement lock = connection.prepareStatement(LOCK_FINISHED.formatted(idList))) {
                lock.setString(1, nodeId);
                try (ResultSet rows = lock.executeQuery()) {
                    while (rows.next()) {
                        held.put(rows.getLong(1), rows.getInt(2));
                    }
                }
            }
            Set<Long> archived = new HashSet<>();
            try (PreparedStatement copy = connection.prepareStatement(COPY_TO_ARCHIVE);
                 PreparedStatement delete = connection.prepareStatement(DELETE)) {
                for (Finished f : finished) {
                    long id = f.task().getId();
                    if (!Integer.valueOf(f.task().getAttempts()).equals(held.get(id))) {
                        continue; // no longer this claim's
                    }
                    copy.setString(1, f.resultJson());
                    copy.setString(2, f.note());
                    copy.setObject(3, Rows.utc(f.startedAt()));
                    copy.setObject(4, Rows.utc(f.finishedAt()));
                    copy.setLong(5, id);
                    delete.setLong(1, id);
                    if (copy.executeUpdate() != 1 || delete.executeUpdate() != 1) {
                        throw new SQLException("Task " + id + " changed under the archive's lock; the batch is rolled back", "40001");
                    }
                    archived.add(id);
                }
            }
            return archived;
        });
    }

    /** One local transaction under {@link #isolation()}; a held connection is already set to it (no round trip). */
    private <T> T inTransaction(Connection connection, Jdbc.Work<T> work) throws SQLException {
        if (!connection.getAutoCommit()) {
            // Part of the caller's local transaction (a capped claim), which set the isolation.
            return work.run();
        }
        Integer wanted = isolation();
        int previous = connection.getTransactionIsolation();
        if (wanted == null || wanted == previous) {
            return Jdbc.inTransaction(connection, work);
        }
        connection.setTransactionIsolation(wanted);
        try {
            return Jdbc.inTransaction(connection, work);
        } finally {
            connection.setTransactionIsolation(previous);
        }
    }
}
