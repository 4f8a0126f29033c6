package dev.backgroundtasks.store;

import jakarta.persistence.EntityManager;

import java.time.LocalDateTime;
import java.util.List;

/** PostgreSQL: the claim is one statement that locks, marks and returns the rows. */
public final class PostgresDialect implements Dialect {

    /**
     * Picks due rows through {@code background_task_ready} in its own order, skips rows another
     * worker is claiming, and marks them in the same statement. The LIMIT sits in an IN subquery so
     * the planner cannot lock rows before limiting them.
     */
    static final String CLAIM = """
            UPDATE background_task t
               SET locked_by = ?1,
                   locked_until = CAST(?2 AS TIMESTAMP) + (t.timeout_millis + ?3) * INTERVAL '1 millisecond',
                   attempts = t.attempts + 1
             WHERE t.id IN (SELECT r.id
                              FROM background_task r
                             WHERE r.locked_by IS NULL
                               AND r.run_at <= CAST(?2 AS TIMESTAMP)
                             ORDER BY r.priority DESC, r.run_at, r.id
                             LIMIT ?4
                               FOR UPDATE SKIP LOCKED)
            RETURNING t.*""";

    /** Expired claims, through the partial index on claimed rows. */
    static final String LOCK_EXPIRED = """
            SELECT *
              FROM background_task
             WHERE locked_by IS NOT NULL
               AND locked_until < CAST(?1 AS TIMESTAMP)
             ORDER BY locked_until
             LIMIT ?2
               FOR UPDATE SKIP LOCKED""";

    @Override
    public String lockExpiredSql() {
        return LOCK_EXPIRED;
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<TaskEntity> claim(EntityManager em, String nodeId, LocalDateTime now, long leaseGraceMillis, int limit) {
        return em.createNativeQuery(CLAIM, TaskEntity.class)
                .setParameter(1, nodeId)
                .setParameter(2, now)
                .setParameter(3, leaseGraceMillis)
                .setParameter(4, limit)
                .getResultList();
    }
}
