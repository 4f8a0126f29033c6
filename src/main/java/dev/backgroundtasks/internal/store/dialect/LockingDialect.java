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
     * The statement that locks the ids of due runs of one capped task in claim order. Parameters:
     * now, the capped task's name, the queue or the paused queues ({@link #bindNames}), the priority
     * bound, limit.
     */
    abstract String lockCappedSql(ClaimRequest.Shape shape);

    /**
     * The statement that finds the next priority, in claim order, that holds waiting rows without a
     * cap, due or not: one index descent. Parameters: the queue (one-queue shapes only), the priority
     * to go past.
     */
    abstract String nextLevelSql(ClaimRequest.Shape shape);

    /**
     * The statement that reads the due rows without a cap at one priority, in run order: their ids,
     * locked ({@code lock}), or their priorities, locking nothing. Parameters: priority, now, the
     * queue or the paused queues, the task names this node has, limit.
     */
    abstract String atLevelSql(ClaimRequest.Shape shape, boolean lock);

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
        List<Integer> priorities = new ArrayList<>();
        walkLevels(connection, request, false, rows -> {
            while (rows.next()) {
                priorities.add(rows.getInt(1));
            }
            return priorities.size();
        });
        return priorities;
    }

    /** Reads the rows of one priority; returns how many rows the walk has now. */
    private interface LevelReader {
        int read(ResultSet rows) throws SQLException;
    }

    /**
     * Walks the priorities that hold rows without a cap, in claim order, reading the due rows of each
     * ({@link #atLevelSql}) until {@code request.limit()} rows are read or no priority is left.
     */
    private void walkLevels(Connection connection, ClaimRequest request, boolean lock, LevelReader reader)
            throws SQLException {
        ClaimRequest.Shape shape = request.shape();
        // Beyond any int, so a row of any priority, however it was written, is found.
        long past = shape.ascending() ? Long.MIN_VALUE : Long.MAX_VALUE;
        int read = 0;
        try (PreparedStatement next = connection.prepareStatement(nextLevelSql(shape));
             PreparedStatement at = connection.prepareStatement(atLevelSql(shape, lock))) {
            while (read < request.limit()) {
                int i = 0;
                if (request.queue() != null) {
                    next.setString(++i, request.queue());
                }
                next.setLong(++i, past);
                try (ResultSet level = next.executeQuery()) {
                    if (!level.next()) {
                        return;
                    }
                    past = level.getInt(1);
                }
                i = 0;
                at.setLong(++i, past);
                at.setObject(++i, request.now());
                if (request.queue() != null) {
                    at.setString(++i, request.queue());
                } else {
                    bindNames(connection, at, ++i, request.pausedQueues());
                }
                bindNames(connection, at, ++i, request.taskNames());
                at.setInt(++i, request.limit() - read);
                try (ResultSet rows = at.executeQuery()) {
                    read = reader.read(rows);
                }
            }
        }
    }

    @Override
    public List<TaskEntity> claim(Connection connection, ClaimRequest request) throws SQLException {
        return inTransaction(connection, () -> {
            List<Long> ids = new ArrayList<>();
            if (request.cappedTask() == null) {
                walkLevels(connection, request, true, rows -> {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                    }
                    return ids.size();
                });
            } else {
                lockCapped(connection, request, ids);
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

    /** Locks the ids of due runs of one capped task, in claim order, into {@code ids}. */
    private void lockCapped(Connection connection, ClaimRequest request, List<Long> ids) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(lockCappedSql(request.shape()))) {
            int i = 0;
            lock.setObject(++i, request.now());
            lock.setString(++i, request.cappedTask());
            if (request.queue() != null) {
                lock.setString(++i, request.queue());
            } else {
                bindNames(connection, lock, ++i, request.pausedQueues());
            }
            lock.setInt(++i, request.priorityBoundValue());
            lock.setInt(++i, request.limit());
            try (ResultSet rows = lock.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
        }
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
