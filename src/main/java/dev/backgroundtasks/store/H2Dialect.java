package dev.backgroundtasks.store;

import jakarta.persistence.EntityManager;

import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;

/**
 * H2, the embedded default: no UPDATE … RETURNING, so the claim locks the ids with
 * {@code FOR UPDATE SKIP LOCKED}, marks them, and reads them back, all in the caller's transaction.
 * Good for a single node; concurrency guarantees are proven on PostgreSQL.
 */
public final class H2Dialect implements Dialect {

    static final String LOCK_READY = """
            SELECT id
              FROM background_task
             WHERE locked_by IS NULL
               AND run_at <= ?1
             ORDER BY priority DESC, run_at, id
             FETCH FIRST ?2 ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    static final String MARK = """
            UPDATE background_task
               SET locked_by = ?1,
                   locked_until = DATEADD(MILLISECOND, timeout_millis + ?2, CAST(?3 AS TIMESTAMP)),
                   attempts = attempts + 1
             WHERE id IN (%s)""";

    static final String READ = "SELECT * FROM background_task WHERE id IN (%s)";

    static final String LOCK_EXPIRED = """
            SELECT *
              FROM background_task
             WHERE locked_by IS NOT NULL
               AND locked_until < ?1
             ORDER BY locked_until
             FETCH FIRST ?2 ROWS ONLY
               FOR UPDATE SKIP LOCKED""";

    @Override
    public String lockExpiredSql() {
        return LOCK_EXPIRED;
    }

    @Override
    public String name() {
        return "h2";
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<TaskEntity> claim(EntityManager em, String nodeId, LocalDateTime now, long leaseGraceMillis, int limit) {
        List<Number> ids = em.createNativeQuery(LOCK_READY)
                .setParameter(1, now)
                .setParameter(2, limit)
                .getResultList();
        if (ids.isEmpty()) {
            return List.of();
        }
        // Ids are numbers read from the table, never user text: inlining them is safe.
        String idList = ids.stream().map(n -> Long.toString(n.longValue())).collect(Collectors.joining(","));
        em.createNativeQuery(MARK.formatted(idList))
                .setParameter(1, nodeId)
                .setParameter(2, leaseGraceMillis)
                .setParameter(3, now)
                .executeUpdate();
        return em.createNativeQuery(READ.formatted(idList), TaskEntity.class).getResultList();
    }
}
