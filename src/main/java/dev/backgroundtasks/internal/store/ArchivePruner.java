package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.PruneSettings;
import dev.backgroundtasks.internal.store.dialect.Dialect;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity.Outcome;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Deletes archived tasks whose outcome's retention has passed, oldest first, one node at a time
 * (a database lock taken without waiting: a node that finds it taken skips its turn), in short
 * statements of at most a batch each, every one its own transaction, so no lock is held long. The
 * pending table is never touched.
 */
@ApplicationScoped
public class ArchivePruner {

    /** What one pass deleted: rows per outcome, and how many delete statements it took. */
    public record Pruned(Map<Outcome, Integer> rows, int statements) {

        public int total() {
            return rows.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The most deletes of one outcome in one pass. */
    public static final int MAX_BATCHES = 100;

    @Inject
    Database database;

    @Inject
    PruneSettings settings;

    /** For the container. */
    ArchivePruner() {
    }

    /** On a database of the caller's: a plain test of pruning against a real database. */
    public ArchivePruner(Database database, PruneSettings settings) {
        this.database = database;
        this.settings = settings;
    }

    /**
     * One pass over every outcome with a retention, as of {@code now} on the database's clock.
     *
     * @return what it deleted, or empty when another node was pruning
     */
    public Optional<Pruned> pruneOnce(Instant now) {
        return pruneOnce(now, () -> false);
    }

    /**
     * The same, giving up between two deletes once {@code stopping} says so (the application is
     * going away), and after {@link #MAX_BATCHES} deletes of one outcome: a backlog that built up
     * (the first pass after an upgrade) is worked off over several passes, none of them long.
     */
    public Optional<Pruned> pruneOnce(Instant now, BooleanSupplier stopping) {
        Dialect d = database.dialect();
        try (Connection connection = database.connection()) { // auto-commit: each delete commits on its own
            if (!d.tryLockPruning(connection)) {
                return Optional.empty();
            }
            try {
                Map<Outcome, Integer> rows = new EnumMap<>(Outcome.class);
                int statements = 0;
                for (Outcome outcome : Outcome.values()) {
                    Optional<Duration> retention = retention(outcome);
                    if (retention.isEmpty()) {
                        continue;
                    }
                    int deleted;
                    int total = 0;
                    int batches = 0;
                    do {
                        deleted = deleteBatch(connection, d, outcome, now.minus(retention.get()));
                        total += deleted;
                        statements++;
                    } while (deleted == settings.batchSize() && ++batches < MAX_BATCHES && !stopping.getAsBoolean());
                    rows.put(outcome, total);
                }
                return Optional.of(new Pruned(rows, statements));
            } finally {
                d.unlockPruning(connection);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Pruning the archive failed: " + e.getMessage(), e);
        }
    }

    private Optional<Duration> retention(Outcome outcome) {
        return switch (outcome) {
            case SUCCEEDED -> settings.succeeded();
            case FAILED -> settings.failed();
            case CANCELLED -> settings.cancelled();
        };
    }

    private int deleteBatch(Connection connection, Dialect d, Outcome outcome, Instant before) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(d.pruneSql())) {
            delete.setString(1, outcome.name());
            delete.setObject(2, UtcInstantConverter.toUtc(before));
            delete.setInt(3, settings.batchSize());
            return delete.executeUpdate();
        }
    }
}
