package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskProgress;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads of the task tables: a task as it is now, the paused queues, cancellation requests, which
 * tasks are archived. Safe from any thread; the worker's reads are plain JDBC on a pooled connection.
 */
@ApplicationScoped
public class TaskReads {

    static final String PAUSED_QUEUES = "SELECT queue FROM background_task_queue WHERE paused = TRUE";
    static final String CAPPED_TASKS = "SELECT task_name FROM background_task_cap";
    static final String WAITING_BY_NAME =
            "SELECT task_name, COUNT(*) FROM background_task WHERE locked_by IS NULL GROUP BY task_name ORDER BY task_name";
    /** Every queue's rows by state, in one read of the pending table. Parameters: now, three times. */
    static final String QUEUE_DEPTHS = """
            SELECT queue,
                   SUM(CASE WHEN locked_by IS NULL AND run_at <= ? THEN 1 ELSE 0 END),
                   SUM(CASE WHEN locked_by IS NULL AND run_at > ? THEN 1 ELSE 0 END),
                   SUM(CASE WHEN locked_by IS NOT NULL THEN 1 ELSE 0 END),
                   MIN(CASE WHEN locked_by IS NULL AND run_at <= ? THEN run_at END)
              FROM background_task
             GROUP BY queue""";
    static final String CANCEL_REQUESTED = "SELECT id FROM background_task WHERE locked_by = ? AND cancel_requested = TRUE";

    @PersistenceContext(unitName = Database.UNIT)
    EntityManager em;

    @Inject
    Database database;

    TaskReads() {
    }

    /** For tests of the plain JDBC reads (everything but {@link #find} and the row reads). */
    public TaskReads(Database database) {
        this.database = database;
    }

    /**
     * The task as it is now, pending, running or archived. In a transaction even when the caller has
     * none: Payara's non-transactional entity manager failed on the managed executor's threads, where
     * handles complete.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public Optional<TaskInfo> find(TaskId id, Instant now) {
        TaskEntity pending = em.find(TaskEntity.class, id.value());
        if (pending != null) {
            TaskProgress progress = pending.getProgress() == null ? null
                    : new TaskProgress(pending.getProgress(), pending.getProgressMessage(), pending.getProgressAt());
            return Optional.of(new TaskInfo(id, pending.getTaskName(), pending.getQueue(),
                    state(pending, now), pending.getPriority(), pending.getAttempts(),
                    pending.getMaxAttempts(), pending.getCreatedAt(), pending.getRunAt(), null, null, null,
                    pending.getLastError(), progress));
        }
        CompletedTaskEntity done = em.find(CompletedTaskEntity.class, id.value());
        if (done == null) {
            return Optional.empty();
        }
        return Optional.of(new TaskInfo(id, done.getTaskName(), done.getQueue(), state(done), done.getPriority(),
                done.getAttempts(), done.getMaxAttempts(), done.getCreatedAt(), done.getRunAt(), done.getStartedAt(),
                done.getFinishedAt(), done.getResult(), done.getError(), null));
    }

    /** The waiting or running row of a task, in the caller's transaction; null when it is not in the queue. */
    @Transactional(Transactional.TxType.MANDATORY)
    public TaskEntity pending(TaskId id) {
        return em.find(TaskEntity.class, id.value());
    }

    /** The archived row of a task, in the caller's transaction; null when it is not archived. */
    @Transactional(Transactional.TxType.MANDATORY)
    public CompletedTaskEntity archivedRow(TaskId id) {
        return em.find(CompletedTaskEntity.class, id.value());
    }

    /** An archived task's state. */
    public static TaskState state(CompletedTaskEntity done) {
        return switch (done.getOutcome()) {
            case SUCCEEDED -> TaskState.SUCCEEDED;
            case FAILED -> TaskState.FAILED;
            case CANCELLED -> TaskState.CANCELLED;
        };
    }

    /** A queued task's state: running while a claim on it holds. */
    public static TaskState state(TaskEntity row, Instant now) {
        return row.getLockedBy() != null && row.getLockedUntil() != null && row.getLockedUntil().isAfter(now)
                ? TaskState.RUNNING : TaskState.PENDING;
    }

    /** The queues paused now. */
    public Set<String> pausedQueues() {
        return new HashSet<>(strings(PAUSED_QUEUES, List.of()));
    }

    /** How many tasks wait under each task name: a whole read of the table, for start-up only. */
    public Map<String, Long> waitingByName() {
        try (Connection connection = database.connection(); PreparedStatement statement = connection.prepareStatement(WAITING_BY_NAME);
             ResultSet rows = statement.executeQuery()) {
            Map<String, Long> waiting = new LinkedHashMap<>();
            while (rows.next()) {
                waiting.put(rows.getString(1), rows.getLong(2));
            }
            return waiting;
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the task tables failed: " + e.getMessage(), e);
        }
    }

    /** The tasks some node caps: those with a lock row, claimed one node at a time. */
    public Set<String> cappedTasks() {
        return new HashSet<>(strings(CAPPED_TASKS, List.of()));
    }

    /** The ids of the tasks {@code nodeId} holds whose cancellation was requested. */
    public Set<Long> cancelRequested(String nodeId) {
        Set<Long> ids = new HashSet<>();
        strings(CANCEL_REQUESTED, List.of(nodeId)).forEach(id -> ids.add(Long.parseLong(id)));
        return ids;
    }

    /** Which of {@code ids} are archived. */
    public Set<Long> archived(Collection<Long> ids) {
        return ids(ids, "background_task_completed");
    }

    /** Which of {@code ids} {@code table} holds. */
    private Set<Long> ids(Collection<Long> ids, String table) {
        Set<Long> found = new HashSet<>();
        if (ids.isEmpty()) {
            return found;
        }
        // Ids are numbers, never user text, and the table one of the library's: inlining them is safe.
        String list = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        strings("SELECT id FROM " + table + " WHERE id IN (" + list + ")", List.of())
                .forEach(id -> found.add(Long.parseLong(id)));
        return found;
    }

    /** Every queue that has rows in the pending table, by state, as of {@code now}. */
    public List<QueueDepth> queueDepths(Instant now) {
        LocalDateTime at = UtcInstantConverter.toUtc(now);
        try (Connection connection = database.connection(); PreparedStatement statement = connection.prepareStatement(QUEUE_DEPTHS)) {
            statement.setQueryTimeout(10); // a scrape never waits long for a database in trouble
            for (int i = 1; i <= 3; i++) {
                statement.setObject(i, at);
            }
            List<QueueDepth> depths = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    LocalDateTime oldest = rows.getObject(5, LocalDateTime.class);
                    depths.add(new QueueDepth(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
                            oldest == null ? null : oldest.toInstant(ZoneOffset.UTC)));
                }
            }
            return depths;
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the queue depths failed: " + e.getMessage(), e);
        }
    }

    /** Which of {@code ids} are pending or running. */
    public Set<Long> pending(Collection<Long> ids) {
        return ids(ids, "background_task");
    }

    private List<String> strings(String sql, List<Object> params) {
        try (Connection connection = database.connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                statement.setObject(i + 1, params.get(i));
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the task tables failed: " + e.getMessage(), e);
        }
    }
}
