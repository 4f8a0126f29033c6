package dev.backgroundtasks.store;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskState;
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
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
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
        if (transactions.getResource(afterCommit) == null) {
            transactions.putResource(afterCommit, Boolean.TRUE);
            String notify = database.dialect().notifySql();
            if (notify != null) {
                // Delivered by the database at commit, to every node listening; dropped on rollback.
                em.createNativeQuery(notify).getSingleResult();
            }
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        afterCommit.run();
                    }
                }
            });
        }
        return new TaskId(task.getId());
    }

    /**
     * Claims at most {@code limit} due tasks for {@code nodeId} and commits the claim before
     * returning, so no transaction stays open while the tasks run. Plain JDBC outside any JTA
     * transaction: this is the hot path, called only from the worker's own threads, which have none.
     *
     * @param held the claim loop's own connection ({@link Database#hold})
     */
    public List<TaskEntity> claim(HeldConnection held, String nodeId, Instant now, long leaseGraceMillis, int limit) {
        try {
            return held.use(connection ->
                    database.dialect().claim(connection, nodeId, UtcInstantConverter.toUtc(now), leaseGraceMillis, limit));
        } catch (SQLException e) {
            throw new IllegalStateException("Claiming tasks failed: " + e.getMessage(), e);
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
    public boolean archive(TaskEntity claimed, CompletedTaskEntity done) {
        int deleted = em.createNativeQuery(FENCED_DELETE)
                .setParameter(1, claimed.getId())
                .setParameter(2, claimed.getLockedBy())
                .setParameter(3, claimed.getAttempts())
                .executeUpdate();
        if (deleted == 0) {
            return false;
        }
        em.persist(done);
        return true;
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
    public Rescue rescueExpired(Instant now, int limit, Function<TaskEntity, String> reason) {
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

    /** The task as it is now, pending, running or archived. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<TaskInfo> find(TaskId id, Instant now) {
        TaskEntity pending = em.find(TaskEntity.class, id.value());
        if (pending != null) {
            boolean running = pending.getLockedBy() != null
                    && pending.getLockedUntil() != null && pending.getLockedUntil().isAfter(now);
            return Optional.of(new TaskInfo(id, pending.getTaskName(), pending.getQueue(),
                    running ? TaskState.RUNNING : TaskState.PENDING, pending.getPriority(), pending.getAttempts(),
                    pending.getMaxAttempts(), pending.getCreatedAt(), pending.getRunAt(), null, null, null,
                    pending.getLastError()));
        }
        CompletedTaskEntity done = em.find(CompletedTaskEntity.class, id.value());
        if (done == null) {
            return Optional.empty();
        }
        TaskState state = switch (done.getOutcome()) {
            case SUCCEEDED -> TaskState.SUCCEEDED;
            case FAILED -> TaskState.FAILED;
        };
        return Optional.of(new TaskInfo(id, done.getTaskName(), done.getQueue(), state, done.getPriority(),
                done.getAttempts(), done.getMaxAttempts(), done.getCreatedAt(), done.getRunAt(), done.getStartedAt(),
                done.getFinishedAt(), done.getResult(), done.getError()));
    }
}
