package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import jakarta.persistence.EntityManager;

import java.time.Instant;

/** The one way a task's row becomes an archive row, shared by outcomes, rescues and cancels. */
final class Archive {

    private Archive() {
    }

    /**
     * Stores {@code done} for {@code row}, whose delete already ran in this transaction, and the
     * next run of a repeating task when {@code nextRun} is set: the schedule never has two waiting
     * runs, and never none, and the next run may take over the dedupe key the last one held.
     */
    static void store(EntityManager em, TaskEntity row, CompletedTaskEntity done, Instant nextRun) {
        em.persist(done);
        if (nextRun != null) {
            em.persist(row.nextRun(nextRun, done.getFinishedAt()));
        }
    }
}
