package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.PruneSettings;
import dev.backgroundtasks.internal.store.dialect.ScratchDatabase;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pruning the archive on PostgreSQL, MariaDB and H2: only archived rows past their outcome's
 * retention go, in statements of at most a batch, never a pending row however old; "keep" keeps
 * an outcome; a node that finds another pruning skips its turn.
 */
class ArchivePrunerIT {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void onlyRowsPastTheirRetentionArePrunedInBatchesAndNeverAPendingOne(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = db.connect()) {
            db.recreateTables(c);
            long id = 0;
            id = archive(c, id, 25, "SUCCEEDED", Duration.ofDays(8));   // 1..25 past 7 days
            id = archive(c, id, 3, "SUCCEEDED", Duration.ofDays(6));    // 26..28 kept
            id = archive(c, id, 3, "FAILED", Duration.ofDays(29));      // 29..31 kept
            id = archive(c, id, 5, "FAILED", Duration.ofDays(31));      // 32..36 past 30 days
            id = archive(c, id, 2, "CANCELLED", Duration.ofDays(8));    // 37..38 past 7 days
            for (long pending = 100; pending < 105; pending++) {      // waiting and running for a year
                ScratchDatabase.execute(c, "INSERT INTO background_task (id, task_name, params, queue, priority, run_at, "
                        + "attempts, max_attempts, timeout_millis, locked_by, created_at) VALUES (?1, 'plain', '[]', 'default', "
                        + "0, ?2, 0, 1, 1000, ?3, ?2)", pending, utc(NOW.minus(Duration.ofDays(365))),
                        pending % 2 == 0 ? "node-a" : null);
            }
        }
        PruneSettings settings = new PruneSettings(Optional.of(Duration.ofDays(7)), Optional.of(Duration.ofDays(30)),
                Optional.of(Duration.ofDays(7)), Duration.ofMinutes(10), 10);
        ArchivePruner.Pruned pruned = new ArchivePruner(new Database(db.dataSource()), settings).pruneOnce(NOW).orElseThrow();
        assertEquals(Map.of(Outcome.SUCCEEDED, 25, Outcome.FAILED, 5, Outcome.CANCELLED, 2), pruned.rows());
        assertEquals(3 + 1 + 1, pruned.statements(), "batches of at most 10: 10, 10, 5 succeeded; 5 failed; 2 cancelled");
        try (Connection c = db.connect()) {
            assertEquals(List.of(26L, 27L, 28L, 29L, 30L, 31L), ScratchDatabase.longs(c, "SELECT id FROM background_task_completed ORDER BY id"));
            assertEquals(List.of(100L, 101L, 102L, 103L, 104L), ScratchDatabase.longs(c, "SELECT id FROM background_task ORDER BY id"));
        }

        // Failed tasks kept for ever; the others as before.
        try (Connection c = db.connect()) {
            archive(c, 200, 4, "FAILED", Duration.ofDays(400));
            archive(c, 300, 1, "SUCCEEDED", Duration.ofDays(8));
        }
        PruneSettings keepFailed = new PruneSettings(Optional.of(Duration.ofDays(7)), Optional.empty(),
                Optional.of(Duration.ofDays(7)), Duration.ofMinutes(10), 10);
        assertEquals(1, new ArchivePruner(new Database(db.dataSource()), keepFailed).pruneOnce(NOW).orElseThrow().total());
        try (Connection c = db.connect()) {
            assertEquals(List.of(201L, 202L, 203L, 204L), ScratchDatabase.longs(c, "SELECT id FROM background_task_completed WHERE id > 100 ORDER BY id"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aNodeThatFindsAnotherPruningSkipsItsTurn(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = db.connect(); Connection other = db.connect()) {
            db.recreateTables(c);
            archive(c, 0, 3, "SUCCEEDED", Duration.ofDays(8));
            assertTrue(db.dialect().tryLockPruning(other), "the other node prunes");
            ArchivePruner pruner = new ArchivePruner(new Database(db.dataSource()), new PruneSettings(
                    Optional.of(Duration.ofDays(7)), Optional.empty(), Optional.empty(), Duration.ofMinutes(10), 10));
            assertEquals(Optional.empty(), pruner.pruneOnce(NOW));
            db.dialect().unlockPruning(other);
            assertEquals(3, pruner.pruneOnce(NOW).orElseThrow().total());
        }
    }

    /** Archives {@code count} tasks after {@code lastId}, finished {@code age} before now; the last id. */
    private static long archive(Connection c, long lastId, int count, String outcome, Duration age) throws Exception {
        for (long id = lastId + 1; id <= lastId + count; id++) {
            LocalDateTime finished = utc(NOW.minus(age).plusSeconds(id));
            ScratchDatabase.execute(c, "INSERT INTO background_task_completed (id, task_name, params, queue, priority, run_at, "
                    + "attempts, max_attempts, timeout_millis, created_at, outcome, finished_at) VALUES (?1, 'plain', '[]', "
                    + "'default', 0, ?2, 1, 1, 1000, ?2, ?3, ?2)", id, finished, outcome);
        }
        return lastId + count;
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
