package dev.backgroundtasks.internal.store;

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
import java.util.Collection;
import java.util.Map;

/**
 * Writes that control tasks and queues: cancel, retry, run now, pause and resume, and the start-up
 * writes that keep capped and cron tasks in line with the deployed code. Each runs in the caller's
 * transaction (or a new one), and those that change what other nodes must know announce it at commit.
 */
@ApplicationScoped
public class ControlWrites {

    static final String DELETE_WAITING = "DELETE FROM background_task WHERE id = ?1 AND locked_by IS NULL";
    static final String FLAG_CANCEL = "UPDATE background_task SET cancel_requested = TRUE WHERE id = ?1";
    /** An archived task back in the queue, same id, attempts reset. Parameters: id, run at, max running. */
    static final String RETRY_FROM_ARCHIVE = """
            INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts,
                   timeout_millis, created_at, max_running, cancel_requested)
            SELECT id, task_name, params, queue, priority, ?2, 0, max_attempts, timeout_millis, created_at,
                   CAST(?3 AS INTEGER), FALSE
              FROM background_task_completed
             WHERE id = ?1""";
    static final String DELETE_ARCHIVED = "DELETE FROM background_task_completed WHERE id = ?1";
    static final String RUN_NOW = "UPDATE background_task SET run_at = ?2 WHERE id = ?1 AND locked_by IS NULL";
    static final String REPRIORITIZE = "UPDATE background_task SET priority = ?2 WHERE id = ?1 AND locked_by IS NULL";
    static final String FOLLOW_SCHEDULE = """
            UPDATE background_task SET schedule = ?2, run_at = ?3
             WHERE dedupe_key = ?1 AND locked_by IS NULL AND schedule <> ?2""";
    static final String APPLY_CAP = """
            UPDATE background_task SET max_running = ?2
             WHERE task_name = ?1 AND locked_by IS NULL AND (max_running IS NULL OR max_running <> ?2)""";
    static final String REMOVE_CAP = """
            UPDATE background_task SET max_running = NULL
             WHERE task_name = ?1 AND locked_by IS NULL AND max_running IS NOT NULL""";

    /*
     * A queue's waiting rows follow its pause: marked rows (paused) leave the claim indexes, so a
     * paused backlog costs other queues' claims nothing. Only waiting rows without a cap are marked,
     * each statement through an index of exactly those rows of one queue; a running row is left
     * alone (its outcome write is never held up by a pause) and, should it come back to wait, is
     * marked by the next reconciliation. Claims leave a paused queue's rows alone by name too, so a
     * row whose mark lags costs a claim a read, never a wrong run.
     */

    /** Marks a queue's unmarked waiting rows. Parameter: queue. */
    public static final String MARK_WAITING = """
            UPDATE background_task SET paused = TRUE
             WHERE locked_by IS NULL AND max_running IS NULL AND paused = FALSE AND queue = ?1""";
    /** Clears the marks of a queue's marked waiting rows. Parameter: queue. */
    public static final String UNMARK_WAITING = """
            UPDATE background_task SET paused = FALSE
             WHERE locked_by IS NULL AND max_running IS NULL AND paused = TRUE AND queue = ?1""";
    /** One waiting row of a queue not yet marked. Parameter: queue. */
    public static final String UNMARKED_WAITING = """
            SELECT id FROM background_task
             WHERE locked_by IS NULL AND max_running IS NULL AND paused = FALSE AND queue = ?1""";
    /** One waiting row of a queue still marked. Parameter: queue. */
    public static final String MARKED_WAITING = """
            SELECT id FROM background_task
             WHERE locked_by IS NULL AND max_running IS NULL AND paused = TRUE AND queue = ?1""";
    /** The queues ever paused, and whether they are now. */
    public static final String QUEUES = "SELECT queue, paused FROM background_task_queue ORDER BY queue";
    /**
     * Locks a queue's row while it is still in the state read (parameters: queue, paused), so that
     * a pause or resume and a reconciliation never interleave; skips it when a pause or resume holds
     * it (that one marks the rows itself), so the refresh timer never waits for a caller's transaction.
     */
    public static final String LOCK_QUEUE = "SELECT queue FROM background_task_queue WHERE queue = ?1 AND paused = ?2 "
            + "FOR UPDATE SKIP LOCKED";

    @PersistenceContext(unitName = Database.UNIT)
    EntityManager em;

    @Inject
    Database database;

    @Inject
    CommitHooks hooks;

    /**
     * Archives a waiting task as {@code done} (cancelled), with a schedule's next run when set.
     *
     * @return false when the task was claimed since it was read: it is running now, nothing changed
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean cancelWaiting(TaskEntity row, CompletedTaskEntity done, Instant nextRun) {
        if (em.createNativeQuery(DELETE_WAITING).setParameter(1, row.getId()).executeUpdate() != 1) {
            return false;
        }
        Archive.store(em, row, done, nextRun);
        return true;
    }

    /**
     * Asks the node running a task to stop it; every node re-reads the requests after the commit.
     *
     * @return false when the task is no longer in the queue
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean requestCancel(long id) {
        if (em.createNativeQuery(FLAG_CANCEL).setParameter(1, id).executeUpdate() == 0) {
            return false;
        }
        hooks.announceControl();
        return true;
    }

    /** Moves an archived task back to the queue under its id, due at {@code runAt}, with no attempts used. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void retryArchived(long id, Instant runAt, Integer maxRunning) {
        em.createNativeQuery(RETRY_FROM_ARCHIVE)
                .setParameter(1, id)
                .setParameter(2, UtcInstantConverter.toUtc(runAt))
                .setParameter(3, maxRunning)
                .executeUpdate();
        em.createNativeQuery(DELETE_ARCHIVED).setParameter(1, id).executeUpdate();
    }

    /** Gives a waiting task another priority; false when it is claimed (running). */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean reprioritize(long id, int priority) {
        return em.createNativeQuery(REPRIORITIZE).setParameter(1, id).setParameter(2, priority).executeUpdate() == 1;
    }

    /** Deletes a waiting task; false when it is claimed (running). */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean deleteWaiting(long id) {
        return em.createNativeQuery(DELETE_WAITING).setParameter(1, id).executeUpdate() == 1;
    }

    /** Deletes an archived task; false when the archive does not hold it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean deleteArchived(long id) {
        return em.createNativeQuery(DELETE_ARCHIVED).setParameter(1, id).executeUpdate() == 1;
    }

    /** Makes a waiting task due at {@code now}; false when it is claimed (running). */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean runNow(long id, Instant now) {
        return em.createNativeQuery(RUN_NOW)
                .setParameter(1, id)
                .setParameter(2, UtcInstantConverter.toUtc(now))
                .executeUpdate() == 1;
    }

    /**
     * Pauses or resumes a queue for every node, in the caller's transaction; every node re-reads the
     * paused queues after it commits (at once where the database notifies).
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void setPaused(String queue, boolean paused, Instant now) {
        em.createNativeQuery(database.dialect().setPausedSql())
                .setParameter(1, queue)
                .setParameter(2, paused)
                .setParameter(3, UtcInstantConverter.toUtc(now))
                .executeUpdate();
        em.createNativeQuery(paused ? MARK_WAITING : UNMARK_WAITING).setParameter(1, queue).executeUpdate();
        hooks.announceControl();
    }

    /**
     * Brings the marks of waiting rows in line with their queue's state: marks rows stored into a
     * paused queue since its pause (enqueued, retried, or back from running) and clears the marks of
     * a running queue (resumed by a node of a release that did not clear them). Each queue under
     * its row's lock, in the state read; a queue another transaction holds is left to the next turn.
     *
     * @return how many rows it changed
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public int reconcileMarks() {
        int changed = 0;
        for (Object found : em.createNativeQuery(QUEUES).getResultList()) {
            Object[] row = (Object[]) found;
            String queue = (String) row[0];
            boolean paused = row[1] instanceof Boolean b ? b : ((Number) row[1]).intValue() != 0;
            if (em.createNativeQuery(paused ? UNMARKED_WAITING : MARKED_WAITING).setParameter(1, queue)
                    .setMaxResults(1).getResultList().isEmpty()
                    || em.createNativeQuery(LOCK_QUEUE).setParameter(1, queue).setParameter(2, paused)
                    .getResultList().isEmpty()) {
                continue;
            }
            changed += em.createNativeQuery(paused ? MARK_WAITING : UNMARK_WAITING).setParameter(1, queue).executeUpdate();
        }
        return changed;
    }

    /**
     * Moves the waiting run of a cron task to the schedule the code declares, when it was stored
     * under another one (the application changed its cron); a running one follows at its next run.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void followSchedule(String dedupeKey, String schedule, Instant runAt) {
        em.createNativeQuery(FOLLOW_SCHEDULE)
                .setParameter(1, dedupeKey)
                .setParameter(2, schedule)
                .setParameter(3, UtcInstantConverter.toUtc(runAt))
                .executeUpdate();
    }

    /**
     * Gives the waiting rows of each task the cap the deployment declares now (none for the names in
     * {@code uncapped}): rows stored under an earlier cap would otherwise be claimed the old way, and
     * rows of a task whose cap was removed would never be claimed at all.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void applyCaps(Map<String, Integer> caps, Collection<String> uncapped) {
        for (Map.Entry<String, Integer> cap : caps.entrySet()) {
            em.createNativeQuery(APPLY_CAP).setParameter(1, cap.getKey()).setParameter(2, cap.getValue()).executeUpdate();
        }
        for (String name : uncapped) {
            em.createNativeQuery(REMOVE_CAP).setParameter(1, name).executeUpdate();
        }
    }

    /** Creates the lock row of every capped task name that has none; safe when nodes start together. */
    public void ensureCapRows(Collection<String> taskNames) {
        for (String name : taskNames) {
            try (Connection connection = database.connection()) {
                if (capRowExists(connection, name)) {
                    continue;
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO background_task_cap (task_name) VALUES (?)")) {
                    insert.setString(1, name);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    // Another node inserting it first is fine: the row is what counts. Anything else is a failure.
                    if (!capRowExists(connection, name)) {
                        throw e;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Could not prepare the concurrency cap of task " + name + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean capRowExists(Connection connection, String name) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM background_task_cap WHERE task_name = ?")) {
            exists.setString(1, name);
            try (ResultSet rows = exists.executeQuery()) {
                return rows.next();
            }
        }
    }
}
