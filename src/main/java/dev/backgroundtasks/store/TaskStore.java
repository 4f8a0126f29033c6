package dev.backgroundtasks.store;

import dev.backgroundtasks.DuplicateAction;
import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.TaskStateException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.Optional;
import java.util.Set;

/** Reads and writes the task tables. Each method states the transaction it needs. */
@ApplicationScoped
public class TaskStore {

    /** The persistence unit the library's entities belong to. */
    public static final String UNIT = "background-tasks";

    // Every change a worker makes to a row it claimed is fenced on its claim: the node and the attempt.
    private static final String FENCED_DELETE =
            "DELETE FROM background_task WHERE id = ?1 AND locked_by = ?2 AND attempts = ?3";
    private static final String FENCED_RESCHEDULE = """
            UPDATE background_task
               SET locked_by = NULL, locked_until = NULL, run_at = ?4, last_error = ?5
             WHERE id = ?1 AND locked_by = ?2 AND attempts = ?3""";
    private static final String FENCED_RELEASE = """
            UPDATE background_task
               SET locked_by = NULL, locked_until = NULL, attempts = attempts - 1
             WHERE id = ?1 AND locked_by = ?2 AND attempts = ?3""";
    private static final String RELEASE_EXPIRED = """
            UPDATE background_task
               SET locked_by = NULL, locked_until = NULL, last_error = ?2
             WHERE id = ?1""";
    private static final String DELETE_BY_ID = "DELETE FROM background_task WHERE id = ?1";
    /** An archived task back in the queue, same id, attempts reset. Parameters: id, run at, max running. */
    private static final String RETRY_FROM_ARCHIVE = """
            INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts,
                   timeout_millis, created_at, max_running, cancel_requested)
            SELECT id, task_name, params, queue, priority, ?2, 0, max_attempts, timeout_millis, created_at,
                   CAST(?3 AS INTEGER), FALSE
              FROM background_task_completed
             WHERE id = ?1""";
    /** Serialises the claims of one capped task across nodes; a node that finds it held claims nothing this round. */
    private static final String LOCK_CAP = "SELECT task_name FROM background_task_cap WHERE task_name = ? FOR UPDATE SKIP LOCKED";
    private static final String COUNT_RUNNING =
            "SELECT COUNT(*) FROM background_task WHERE task_name = ? AND max_running IS NOT NULL AND locked_by IS NOT NULL";

    @PersistenceContext(unitName = UNIT)
    EntityManager em;

    private TransactionSynchronizationRegistry transactions;

    @Inject
    Database database;

    /** Looked up, not injected: see {@link Database#lookUp()}. */
    @PostConstruct
    void lookUp() {
        transactions = Jndi.lookup("java:comp/TransactionSynchronizationRegistry", TransactionSynchronizationRegistry.class);
    }

    /**
     * Stores a new task in the caller's transaction, or in a new one when there is none, and runs
     * {@code afterCommit} once that transaction has committed (once per transaction, however many
     * tasks it stores). A rollback stores nothing and runs nothing.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public TaskId insert(TaskEntity task, Runnable afterCommit) {
        em.persist(task);
        announce(afterCommit);
        return new TaskId(task.getId());
    }

    /**
     * Stores a task that holds a dedupe key, in the caller's transaction like {@link #insert}. The
     * unique index on the key decides between concurrent enqueues: when a waiting task holds the key,
     * {@code action} says whether to store another task without the key, store nothing, or move the
     * holder to the new run time, arguments and priority.
     *
     * @return the stored task's id, or the holder's when nothing new was stored
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public TaskId insertDeduped(TaskEntity task, DuplicateAction action, Runnable afterCommit) {
        Dialect dialect = database.dialect();
        long id = ((Number) em.createNativeQuery(dialect.nextIdSql()).getSingleResult()).longValue();
        Query insert = em.createNativeQuery(dialect.dedupedInsertSql(action == DuplicateAction.RESCHEDULE))
                .setParameter(1, id)
                .setParameter(2, task.getTaskName())
                .setParameter(3, task.getParams())
                .setParameter(4, task.getQueue())
                .setParameter(5, task.getPriority())
                .setParameter(6, UtcInstantConverter.toUtc(task.getRunAt()))
                .setParameter(7, task.getMaxAttempts())
                .setParameter(8, task.getTimeoutMillis())
                .setParameter(9, UtcInstantConverter.toUtc(task.getCreatedAt()))
                .setParameter(10, task.getDedupeKey())
                .setParameter(11, task.getSchedule())
                .setParameter(12, task.getMaxRunning());
        insert.executeUpdate();
        Long holder = holderOf(task.getDedupeKey());
        if (holder == null) {
            // The holder started between the insert and this read and gave up its key; nothing new
            // holds it, so this call's task is stored without one, as after any started task.
            holder = insertKeyless(task, afterCommit).value();
        }
        if (holder != id && action == DuplicateAction.INSERT) {
            return insertKeyless(task, afterCommit);
        }
        announce(afterCommit);
        return new TaskId(holder);
    }

    private TaskId insertKeyless(TaskEntity task, Runnable afterCommit) {
        task.setDedupeKey(null);
        return insert(task, afterCommit);
    }

    /** The task that holds a dedupe key, read past any snapshot: the latest committed or this transaction's. */
    private Long holderOf(String dedupeKey) {
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("SELECT id FROM background_task WHERE dedupe_key = ?1 FOR UPDATE")
                .setParameter(1, dedupeKey)
                .getResultList();
        return ids.isEmpty() ? null : ((Number) ids.get(0)).longValue();
    }

    /**
     * Tells the workers, once the current transaction commits, that tasks became due: every node
     * through the database's notification, this node through {@code afterCommit} (run once per
     * transaction, however many tasks it stores). A rollback tells nobody.
     */
    private void announce(Runnable afterCommit) {
        if (transactions.getResource(afterCommit) == null) {
            transactions.putResource(afterCommit, Boolean.TRUE);
            String notify = database.dialect().notifySql();
            if (notify != null) {
                // Delivered by the database at commit, to every node listening; dropped on rollback.
                em.createNativeQuery(notify).getSingleResult();
            }
            afterCommit(afterCommit);
        }
    }

    private void afterCommit(Runnable action) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    /**
     * Claims at most {@code limit} due tasks for {@code nodeId} and commits the claim before
     * returning, so no transaction stays open while the tasks run. Plain JDBC outside any JTA
     * transaction: this is the hot path, called only from the worker's own threads, which have none.
     *
     * @param held the claim loop's own connection ({@link Database#hold})
     */
    public List<TaskEntity> claim(HeldConnection held, ClaimRequest request) {
        try {
            return held.use(connection -> database.dialect().claim(connection, request));
        } catch (SQLException e) {
            throw new IllegalStateException("Claiming tasks failed: " + e.getMessage(), e);
        }
    }

    /**
     * Claims runs of a task with a concurrency cap: locks the task's row in
     * {@code background_task_cap} (skipping the claim when another node holds it), counts the runs
     * claimed on any node, and claims at most as many as the cap leaves, in one local transaction,
     * so two nodes never both see room for the same run. Claimed runs whose lease expired still
     * count until the rescuer ends them.
     */
    public List<TaskEntity> claimCapped(HeldConnection held, ClaimRequest request, int cap) {
        try {
            return held.use(connection -> Jdbc.inTransaction(connection, () -> {
                try (PreparedStatement lock = connection.prepareStatement(LOCK_CAP)) {
                    lock.setString(1, request.cappedTask());
                    try (ResultSet rows = lock.executeQuery()) {
                        if (!rows.next()) {
                            return List.of();
                        }
                    }
                }
                long running;
                try (PreparedStatement count = connection.prepareStatement(COUNT_RUNNING)) {
                    count.setString(1, request.cappedTask());
                    try (ResultSet rows = count.executeQuery()) {
                        rows.next();
                        running = rows.getLong(1);
                    }
                }
                int room = (int) Math.min(request.limit(), cap - running);
                if (room <= 0) {
                    return List.of();
                }
                return database.dialect().claim(connection, new ClaimRequest(request.nodeId(), request.now(),
                        request.leaseGraceMillis(), room, request.queue(), request.pausedQueues(), request.cappedTask(),
                        request.ascending()));
            }));
        } catch (SQLException e) {
            throw new IllegalStateException("Claiming runs of capped task " + request.cappedTask() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Gives the waiting rows of each task the cap the deployment declares now (none for the names in
     * {@code uncapped}): rows stored under an earlier cap would otherwise be claimed the old way, and
     * rows of a task whose cap was removed would never be claimed at all.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void applyCaps(Map<String, Integer> caps, Collection<String> uncapped) {
        for (Map.Entry<String, Integer> cap : caps.entrySet()) {
            em.createNativeQuery("UPDATE background_task SET max_running = ?2 "
                            + "WHERE task_name = ?1 AND locked_by IS NULL AND (max_running IS NULL OR max_running <> ?2)")
                    .setParameter(1, cap.getKey())
                    .setParameter(2, cap.getValue())
                    .executeUpdate();
        }
        for (String name : uncapped) {
            em.createNativeQuery("UPDATE background_task SET max_running = NULL "
                            + "WHERE task_name = ?1 AND locked_by IS NULL AND max_running IS NOT NULL")
                    .setParameter(1, name)
                    .executeUpdate();
        }
    }

    /** Creates the lock row of every capped task name that has none; safe when nodes start together. */
    public void ensureCapRows(Collection<String> taskNames) {
        for (String name : taskNames) {
            try (Connection connection = database.connection()) {
                try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM background_task_cap WHERE task_name = ?")) {
                    exists.setString(1, name);
                    try (ResultSet rows = exists.executeQuery()) {
                        if (rows.next()) {
                            continue;
                        }
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO background_task_cap (task_name) VALUES (?)")) {
                    insert.setString(1, name);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    // Another node inserted it first; the row is what counts.
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Could not prepare the concurrency cap of task " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Archives tasks that returned, all in one statement where the database allows, each only while
     * {@code nodeId} still holds it at the same attempt.
     *
     * @param held the calling thread's connection, or null to take one from the pool for this call
     * @return the ids archived; the others had lost their claim
     */
    public Set<Long> archiveSucceeded(HeldConnection held, String nodeId, List<Finished> finished) {
        try {
            if (held != null) {
                return held.use(connection -> database.dialect().archiveSucceeded(connection, nodeId, finished));
            }
            try (Connection connection = database.connection()) {
                return database.dialect().archiveSucceeded(connection, nodeId, finished);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Archiving " + finished.size() + " finished task(s) failed: " + e.getMessage(), e);
        }
    }

    /**
     * Moves a claimed task to the archive in one transaction: deletes its row only if this node
     * still holds it at the same attempt, and archives it only then.
     *
     * @return false when the row was no longer this claim's (its lease was lost); nothing changed
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean archive(TaskEntity claimed, CompletedTaskEntity done, Instant nextRun) {
        int deleted = em.createNativeQuery(FENCED_DELETE)
                .setParameter(1, claimed.getId())
                .setParameter(2, claimed.getLockedBy())
                .setParameter(3, claimed.getAttempts())
                .executeUpdate();
        if (deleted == 0) {
            return false;
        }
        em.persist(done);
        if (nextRun != null) {
            persistNextRun(claimed, nextRun, done.getFinishedAt());
        }
        return true;
    }

    /**
     * Stores the next run of a repeating task in the transaction that archives the last one: the
     * schedule never has two waiting runs, and never none. The native delete ran first, so the
     * next run may take over the dedupe key the last one held.
     */
    private void persistNextRun(TaskEntity last, Instant runAt, Instant now) {
        TaskEntity next = new TaskEntity();
        next.setTaskName(last.getTaskName());
        next.setParams(last.getParams());
        next.setQueue(last.getQueue());
        next.setPriority(last.getPriority());
        next.setRunAt(runAt);
        next.setAttempts(0);
        next.setMaxAttempts(last.getMaxAttempts());
        next.setTimeoutMillis(last.getTimeoutMillis());
        next.setCreatedAt(now);
        next.setDedupeKey(last.getDedupeKey());
        next.setSchedule(last.getSchedule());
        next.setMaxRunning(last.getMaxRunning());
        em.persist(next);
    }

    /**
     * Puts a claimed task back in the queue for another attempt at {@code runAt}, keeping the
     * failure in {@code last_error}; fenced like {@link #archive}.
     *
     * @return false when the row was no longer this claim's; nothing changed
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean reschedule(TaskEntity claimed, Instant runAt, String error) {
        return fenced(FENCED_RESCHEDULE, claimed)
                .setParameter(4, UtcInstantConverter.toUtc(runAt))
                .setParameter(5, error)
                .executeUpdate() == 1;
    }

    /**
     * Gives back a claim whose task never started, as if it had not been claimed: the attempt is
     * not counted, and any node may claim it at once.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean release(TaskEntity claimed) {
        return fenced(FENCED_RELEASE, claimed).executeUpdate() == 1;
    }

    private Query fenced(String sql, TaskEntity claimed) {
        return em.createNativeQuery(sql)
                .setParameter(1, claimed.getId())
                .setParameter(2, claimed.getLockedBy())
                .setParameter(3, claimed.getAttempts());
    }

    /**
     * Ends at most {@code limit} claims whose lease expired before {@code now}: a task with
     * attempts left goes back to the queue with the reason in {@code last_error}; a task on its
     * last attempt is archived as failed. Rows another node is rescuing are skipped.
     *
     * @param reason builds the reason from the expired row
     * @return the tasks archived as failed; the others were released
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Rescue rescueExpired(Instant now, int limit, Function<TaskEntity, String> reason,
                                Function<TaskEntity, Instant> nextRun) {
        List<TaskEntity> expired = database.dialect().lockExpired(em, UtcInstantConverter.toUtc(now), limit);
        List<CompletedTaskEntity> failed = new ArrayList<>();
        for (TaskEntity row : expired) {
            String why = reason.apply(row);
            if (row.getAttempts() >= row.getMaxAttempts()) {
                em.createNativeQuery(DELETE_BY_ID).setParameter(1, row.getId()).executeUpdate();
                CompletedTaskEntity done = CompletedTaskEntity.of(row);
                done.setOutcome(CompletedTaskEntity.Outcome.FAILED);
                done.setError(why);
                done.setFinishedAt(now);
                em.persist(done);
                Instant next = nextRun.apply(row);
                if (next != null) {
                    persistNextRun(row, next, now);
                }
                failed.add(done);
            } else {
                em.createNativeQuery(RELEASE_EXPIRED).setParameter(1, row.getId()).setParameter(2, why).executeUpdate();
            }
        }
        return new Rescue(expired.size(), failed);
    }

    /**
     * What one rescue pass did.
     *
     * @param expired how many expired claims it ended
     * @param failed  those it archived as failed, out of attempts
     */
    public record Rescue(int expired, List<CompletedTaskEntity> failed) {
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
            return Optional.of(new TaskInfo(id, pending.getTaskName(), pending.getQueue(),
                    state(pending, now), pending.getPriority(), pending.getAttempts(),
                    pending.getMaxAttempts(), pending.getCreatedAt(), pending.getRunAt(), null, null, null,
                    pending.getLastError()));
        }
        CompletedTaskEntity done = em.find(CompletedTaskEntity.class, id.value());
        if (done == null) {
            return Optional.empty();
        }
        TaskState state = state(done);
        return Optional.of(new TaskInfo(id, done.getTaskName(), done.getQueue(), state, done.getPriority(),
                done.getAttempts(), done.getMaxAttempts(), done.getCreatedAt(), done.getRunAt(), done.getStartedAt(),
                done.getFinishedAt(), done.getResult(), done.getError()));
    }

    private static TaskState state(CompletedTaskEntity done) {
        return switch (done.getOutcome()) {
            case SUCCEEDED -> TaskState.SUCCEEDED;
            case FAILED -> TaskState.FAILED;
            case CANCELLED -> TaskState.CANCELLED;
        };
    }

    private static TaskState state(TaskEntity row, Instant now) {
        return row.getLockedBy() != null && row.getLockedUntil() != null && row.getLockedUntil().isAfter(now)
                ? TaskState.RUNNING : TaskState.PENDING;
    }

    /** The row of a task that has not finished; throws when it has or when there is no such task. */
    private TaskEntity unfinished(TaskId id, String why) {
        TaskEntity row = em.find(TaskEntity.class, id.value());
        if (row != null) {
            return row;
        }
        CompletedTaskEntity done = em.find(CompletedTaskEntity.class, id.value());
        if (done == null) {
            throw new NoSuchTaskException(id);
        }
        throw new TaskStateException(id, state(done), why);
    }

    /**
     * Cancels a task in the caller's transaction. A waiting task is archived as cancelled (a cron
     * task's next run is stored at the same time); a claimed one is flagged, and every node re-reads
     * the flags: at once through a notification where the database has them.
     *
     * @param nextRun   the next run of a task that keeps its schedule when one run is cancelled, or null
     * @param cancelled run after commit with the archived row, or with null when a running task was flagged
     */
    @Transactional(value = Transactional.TxType.REQUIRED, dontRollbackOn = {NoSuchTaskException.class, TaskStateException.class})
    public TaskState cancel(TaskId id, Instant now, Function<TaskEntity, Instant> nextRun,
                            Consumer<CompletedTaskEntity> cancelled) {
        TaskEntity row = unfinished(id, "it has finished; only waiting or running tasks can be cancelled");
        if (row.getLockedBy() == null) {
            int deleted = em.createNativeQuery("DELETE FROM background_task WHERE id = ?1 AND locked_by IS NULL")
                    .setParameter(1, id.value())
                    .executeUpdate();
            if (deleted == 1) {
                CompletedTaskEntity done = CompletedTaskEntity.of(row);
                done.setOutcome(CompletedTaskEntity.Outcome.CANCELLED);
                done.setError("Cancelled before it ran, at " + now);
                done.setFinishedAt(now);
                em.persist(done);
                Instant next = nextRun.apply(row);
                if (next != null) {
                    persistNextRun(row, next, now);
                    announce(() -> cancelled.accept(null));
                }
                afterCommit(() -> cancelled.accept(done));
                return TaskState.CANCELLED;
            }
            // Claimed since it was read: it is running now.
        }
        int flagged = em.createNativeQuery("UPDATE background_task SET cancel_requested = TRUE WHERE id = ?1")
                .setParameter(1, id.value())
                .executeUpdate();
        if (flagged == 0) {
            unfinished(id, "it finished before it could be cancelled");
        }
        notifyControl();
        afterCommit(() -> cancelled.accept(null));
        return TaskState.RUNNING;
    }

    /**
     * Puts an archived failed or cancelled task back in the queue under its id, due at {@code now},
     * with no attempts used, in the caller's transaction.
     *
     * @param maxRunning the task's concurrency cap (the archive does not keep it), or null
     */
    @Transactional(value = Transactional.TxType.REQUIRED, dontRollbackOn = {NoSuchTaskException.class, TaskStateException.class})
    public void retry(TaskId id, Instant now, Function<String, Integer> maxRunning, Runnable afterCommit) {
        TaskEntity pending = em.find(TaskEntity.class, id.value());
        if (pending != null) {
            throw new TaskStateException(id, state(pending, now), "it has not finished; only failed or cancelled tasks can be retried");
        }
        CompletedTaskEntity done = em.find(CompletedTaskEntity.class, id.value());
        if (done == null) {
            throw new NoSuchTaskException(id);
        }
        if (done.getOutcome() == CompletedTaskEntity.Outcome.SUCCEEDED) {
            throw new TaskStateException(id, TaskState.SUCCEEDED, "it succeeded; enqueue a new task to run it again");
        }
        em.createNativeQuery(RETRY_FROM_ARCHIVE)
                .setParameter(1, id.value())
                .setParameter(2, UtcInstantConverter.toUtc(now))
                .setParameter(3, maxRunning.apply(done.getTaskName()))
                .executeUpdate();
        em.createNativeQuery("DELETE FROM background_task_completed WHERE id = ?1").setParameter(1, id.value()).executeUpdate();
        announce(afterCommit);
    }

    /**
     * Moves the waiting run of a cron task to the schedule the code declares, when it was stored
     * under another one (the application changed its cron); a running one follows at its next run.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void followSchedule(String dedupeKey, String schedule, Instant runAt) {
        em.createNativeQuery("UPDATE background_task SET schedule = ?2, run_at = ?3 "
                        + "WHERE dedupe_key = ?1 AND locked_by IS NULL AND schedule <> ?2")
                .setParameter(1, dedupeKey)
                .setParameter(2, schedule)
                .setParameter(3, UtcInstantConverter.toUtc(runAt))
                .executeUpdate();
    }

    /** Makes a waiting task due at {@code now}, in the caller's transaction. */
    @Transactional(value = Transactional.TxType.REQUIRED, dontRollbackOn = {NoSuchTaskException.class, TaskStateException.class})
    public void runNow(TaskId id, Instant now, Runnable afterCommit) {
        TaskEntity row = unfinished(id, "it has finished; only waiting tasks can be run now");
        int moved = row.getLockedBy() != null ? 0
                : em.createNativeQuery("UPDATE background_task SET run_at = ?2 WHERE id = ?1 AND locked_by IS NULL")
                        .setParameter(1, id.value())
                        .setParameter(2, UtcInstantConverter.toUtc(now))
                        .executeUpdate();
        if (moved == 0) {
            throw new TaskStateException(id, TaskState.RUNNING, "it is already running");
        }
        announce(afterCommit);
    }

    /**
     * Pauses or resumes a queue for every node, in the caller's transaction; every node re-reads the
     * paused queues after it commits (at once where the database notifies).
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void setPaused(String queue, boolean paused, Instant now, Runnable afterCommit) {
        int updated = em.createNativeQuery("UPDATE background_task_queue SET paused = ?2, changed_at = ?3 WHERE queue = ?1")
                .setParameter(1, queue)
                .setParameter(2, paused)
                .setParameter(3, UtcInstantConverter.toUtc(now))
                .executeUpdate();
        if (updated == 0 && paused) {
            em.createNativeQuery("INSERT INTO background_task_queue (queue, paused, changed_at) VALUES (?1, ?2, ?3)")
                    .setParameter(1, queue)
                    .setParameter(2, true)
                    .setParameter(3, UtcInstantConverter.toUtc(now))
                    .executeUpdate();
        }
        notifyControl();
        afterCommit(afterCommit);
    }

    private void notifyControl() {
        String notify = database.dialect().controlNotifySql();
        if (notify != null) {
            em.createNativeQuery(notify).getSingleResult();
        }
    }

    /** The queues paused now. Plain JDBC: read by the worker's own threads. */
    public Set<String> pausedQueues() {
        return new HashSet<>(strings("SELECT queue FROM background_task_queue WHERE paused = TRUE", List.of()));
    }

    /** The ids of the tasks {@code nodeId} holds whose cancellation was requested. */
    public Set<Long> cancelRequested(String nodeId) {
        Set<Long> ids = new HashSet<>();
        strings("SELECT id FROM background_task WHERE locked_by = ? AND cancel_requested = TRUE", List.of(nodeId))
                .forEach(id -> ids.add(Long.parseLong(id)));
        return ids;
    }

    /** Which of {@code ids} are archived. */
    public Set<Long> archived(Collection<Long> ids) {
        Set<Long> found = new HashSet<>();
        if (ids.isEmpty()) {
            return found;
        }
        // Ids are numbers, never user text: inlining them is safe.
        String list = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        strings("SELECT id FROM background_task_completed WHERE id IN (" + list + ")", List.of())
                .forEach(id -> found.add(Long.parseLong(id)));
        return found;
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
