package dev.backgroundtasks.store;

import jakarta.persistence.EntityManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What differs between databases: the claim, the batched archive and the schema script. One
 * class per database, so each database's statements are readable constants in one place. The hot
 * path (claim, archive) is plain JDBC on a connection outside any JTA transaction.
 */
public sealed interface Dialect permits PostgresDialect, LockingDialect {

    /** A short name, also the schema script's file name. */
    String name();

    /** The classpath resource holding this database's schema. */
    default String schemaResource() {
        return "META-INF/background-tasks/schema/" + name() + ".sql";
    }

    /**
     * Claims at most {@code limit} due, unclaimed rows for {@code nodeId}, skipping rows other
     * transactions hold, and returns them as claimed (attempts counted, lease set), committed.
     *
     * @param connection       a connection in auto-commit mode, not enlisted in a JTA transaction
     * @param now              the current time, UTC
     * @param leaseGraceMillis how long past the task's own timeout the lease lasts
     */
    List<TaskEntity> claim(Connection connection, String nodeId, LocalDateTime now, long leaseGraceMillis, int limit)
            throws SQLException;

    /**
     * Archives finished tasks as succeeded, each only while {@code nodeId} still holds it at the same
     * attempt, and removes them from the queue, committed as one.
     *
     * @return the ids archived; the others had lost their claim and were left alone
     */
    Set<Long> archiveSucceeded(Connection connection, String nodeId, List<Finished> finished) throws SQLException;

    /**
     * The transaction isolation the claim and the archive run under, or null for the connection's
     * own. A worker's held connection is set to it once; a connection from the pool is set and
     * restored around each transaction.
     */
    default Integer isolation() {
        return null;
    }

    /**
     * Locks at most {@code limit} claimed rows whose lease ended before {@code now}, skipping rows
     * other transactions hold, and returns them. Must run inside a transaction.
     */
    @SuppressWarnings("unchecked")
    default List<TaskEntity> lockExpired(EntityManager em, LocalDateTime now, int limit) {
        return em.createNativeQuery(lockExpiredSql(), TaskEntity.class)
                .setParameter(1, now)
                .setParameter(2, limit)
                .getResultList();
    }

    /** The statement behind {@link #lockExpired}: parameters now, then limit. */
    String lockExpiredSql();

    /**
     * The statement that, run inside an enqueuing transaction, tells every node's listener at commit
     * that new tasks exist; null where the database cannot notify (workers then rely on polling).
     */
    default String notifySql() {
        return null;
    }

    /** Subscribes {@code connection} to task notifications; only where {@link #notifySql()} is set. */
    default void listen(Connection connection) throws SQLException {
        throw new IllegalStateException(name() + " has no notifications; check notifySql() first");
    }

    /**
     * Waits up to {@code millis} for notifications on a listening connection.
     *
     * @return whether any arrived
     */
    default boolean awaitNotification(Connection connection, int millis) throws SQLException {
        throw new IllegalStateException(name() + " has no notifications; check notifySql() first");
    }

    /** The dialect for a JDBC product name, as {@code DatabaseMetaData.getDatabaseProductName()} gives it. */
    static Dialect forProduct(String productName) {
        String product = productName.toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return new PostgresDialect();
        }
        if (product.equals("h2")) {
            return new H2Dialect();
        }
        if (product.contains("mariadb")) {
            return new MariaDbDialect();
        }
        throw new IllegalStateException("background-tasks does not support the database '" + productName
                + "' yet; supported: PostgreSQL, MariaDB, H2");
    }
}
