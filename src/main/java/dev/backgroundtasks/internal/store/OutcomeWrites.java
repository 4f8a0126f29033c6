package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.Finished;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The worker's writes of how claims ended: archive, retry later, give back, and end expired claims.
 * Every change to a row this node claimed is fenced on its claim (id, node, attempt), so a worker
 * that lost its claim changes nothing. Called from the worker's threads, which have no transaction
 * of their own.
 */
@ApplicationScoped
public class OutcomeWrites {

    static final String FENCED_DELETE =
            "DELETE FROM background_task WHERE id = ?1 AND locked_by = ?2 AND attempts = ?3";
    static final String FENCED_RESCHEDULE = """
            UPDATE background_task
               SET locked_by = NULL, locked_until = NULL, run_at = ?4, last_error = ?5,
                   progress = NULL, progress_message = NULL, progress_at = NULL
             WHERE id = ?1 AND locked_by = ?2 AND attempts = ?3""";
    static final String FENCED_RENEW = """
            UPDATE background_task
               SET locked_until = ?4
             WHERE id = ?1 AND locked_by = ?2 AND attempts = ?3""";
    static final String FENCED_RELEASE = """
            UPDATE background_task
               SET locked_by = NULL, locked_until = NULL, attempts = attempts - 1
             WHERE id = ?1 AND locked_by = ?2 AND attempts = ?3""";
    /** Unfenced: runs under the lock {@link #lockExpired} took. */
    static final String RELEASE_EXPIRED = """
            UPDATE background_task
               SET locked_by = NULL, locked_until = NULL, last_error = ?2,
                   progress = NULL, progress_message = NULL, progress_at = NULL
             WHERE id = ?1""";
    /** Unfenced: runs under the lock {@link #lockExpired} took. */
    static final String DELETE_EXPIRED = "DELETE FROM background_task WHERE id = ?1";

    @PersistenceContext(unitName = Database.UNIT)
    EntityManager em;

    @Inject
    Database database;

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
     * still holds it at the same attempt, and archives it (with the next run of a schedule, when
     * {@code nextRun} is set) only then.
     *
     * @return false when the row was no longer this claim's (its lease was lost); nothing changed
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean archive(TaskEntity claimed, CompletedTaskEntity done, Instant nextRun) {
        if (fenced(FENCED_DELETE, claimed).executeUpdate() == 0) {
            return false;
        }
        Archive.store(em, claimed, done, nextRun);
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

    /**
     * Extends a claim whose task still runs past its timeout to {@code until}, so no node takes it
     * back while its thread goes on; false when the claim was already gone.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean renew(TaskEntity claimed, Instant until) {
        return fenced(FENCED_RENEW, claimed).setParameter(4, UtcInstantConverter.toUtc(until)).executeUpdate() == 1;
    }

    private Query fenced(String sql, TaskEntity claimed) {
        return em.createNativeQuery(sql)
                .setParameter(1, claimed.getId())
                .setParameter(2, claimed.getLockedBy())
                .setParameter(3, claimed.getAttempts());
    }

    /**
     * Locks at most {@code limit} claims whose lease ended before {@code now}, skipping rows another
     * node is rescuing. Must run in the caller's transaction, which then ends each row with
     * {@link #archiveExpired} or {@link #releaseExpired}.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<TaskEntity> lockExpired(Instant now, int limit) {
        return database.dialect().lockExpired(em, UtcInstantConverter.toUtc(now), limit);
    }

    /** Archives a row {@link #lockExpired} locked as {@code done}, with a schedule's next run when set. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void archiveExpired(TaskEntity row, CompletedTaskEntity done, Instant nextRun) {
        em.createNativeQuery(DELETE_EXPIRED).setParameter(1, row.getId()).executeUpdate();
        Archive.store(em, row, done, nextRun);
    }

    /** Puts a row {@link #lockExpired} locked back in the queue, with why in {@code last_error}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void releaseExpired(TaskEntity row, String reason) {
        em.createNativeQuery(RELEASE_EXPIRED).setParameter(1, row.getId()).setParameter(2, reason).executeUpdate();
    }
}
