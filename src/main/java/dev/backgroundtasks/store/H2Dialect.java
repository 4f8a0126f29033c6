package dev.backgroundtasks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * H2, the embedded default: no UPDATE … RETURNING, so the claim locks the ids with
 * {@code FOR UPDATE SKIP LOCKED}, marks them and reads them back in one local transaction, and the
 * archive moves rows one by one. Good for a single node; concurrency is proven on PostgreSQL.
 */
public final class H2Dialect implements Dialect {

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

    static final String READ = "SELECT * FROM background_task WHERE id IN (%s)";

    static final String COPY_TO_ARCHIVE = """
            INSERT INTO background_task_completed (id, task_name, params, queue, priority, run_at, attempts,
                   max_attempts, timeout_millis, node_id, created_at, outcome, result, error, started_at, finished_at)
            SELECT id, task_name, params, queue, priority, run_at, attempts,
                   max_attempts, timeout_millis, locked_by, created_at, 'SUCCEEDED', ?, ?, ?, ?
              FROM background_task
             WHERE id = ? AND attempts = ? AND locked_by = ?""";

    static final String DELETE = "DELETE FROM background_task WHERE id = ?";

    static final String LOCK_EXPIRED = """
            SELECT *
              FROM background_task
             WHERE locked_by IS NOT NULL
               AND locked_until < ?1
             ORDER BY locked_until
             FETCH FIRST ?2 ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public List<TaskEntity> claim(Connection connection, String nodeId, LocalDateTime now, long leaseGraceMillis, int limit)
            throws SQLException {
        return Jdbc.inTransaction(connection, () -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement lock = connection.prepareStatement(LOCK_READY)) {
                lock.setObject(1, now);
                lock.setInt(2, limit);
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
            try (PreparedStatement mark = connection.prepareStatement(MARK.formatted(idList))) {
                mark.setString(1, nodeId);
                mark.setLong(2, leaseGraceMillis);
                mark.setObject(3, now);
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
        return Jdbc.inTransaction(connection, () -> {
            Set<Long> archived = new HashSet<>();
            try (PreparedStatement copy = connection.prepareStatement(COPY_TO_ARCHIVE);
                 PreparedStatement delete = connection.prepareStatement(DELETE)) {
                for (Finished f : finished) {
                    copy.setString(1, f.resultJson());
                    copy.setString(2, f.note());
                    copy.setObject(3, Rows.utc(f.startedAt()));
                    copy.setObject(4, Rows.utc(f.finishedAt()));
                    copy.setLong(5, f.task().getId());
                    copy.setInt(6, f.task().getAttempts());
                    copy.setString(7, nodeId);
                    if (copy.executeUpdate() == 1) {
                        delete.setLong(1, f.task().getId());
                        delete.executeUpdate();
                        archived.add(f.task().getId());
                    }
                }
            }
            return archived;
        });
    }

    @Override
    public String lockExpiredSql() {
        return LOCK_EXPIRED;
    }
}
