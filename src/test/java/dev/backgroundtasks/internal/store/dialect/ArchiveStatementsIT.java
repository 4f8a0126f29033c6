package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.entity.TaskEntity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched archive of successes on the real databases, against a rescuer releasing one of its
 * rows at the same moment: the row ends archived or back in the queue, never both.
 */
class ArchiveStatementsIT {

    static final LocalDateTime NOW = LocalDateTime.parse("2026-12-01T10:00:00");

    private static void insertClaimed(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO background_task (id, task_name, params, queue, priority, "
                + "run_at, attempts, max_attempts, timeout_millis, locked_by, locked_until, created_at, cancel_requested) "
                + "VALUES (?, 'plain', '[]', 'default', 0, ?, 1, 3, 1000, 'n1', ?, ?, FALSE)")) {
            s.setLong(1, id);
            s.setObject(2, NOW);
            s.setObject(3, NOW.plusMinutes(1));
            s.setObject(4, NOW);
            s.executeUpdate();
        }
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static Finished finished(long id) {
        TaskEntity task = new TaskEntity();
        task.setId(id);
        task.setAttempts(1);
        task.setLockedBy("n1");
        Instant at = Instant.parse("2026-12-01T10:00:01Z");
        return new Finished(task, "\"done\"", null, at, at);
    }

    /**
     * The sequence on MariaDB: a rescuer locks and releases a claimed row without
     * committing; the archive of the same row runs meanwhile; the rescuer commits. Before the
     * archive locked its rows first, its copy read the row unlocked and both the archive row and the
     * released row remained.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "postgresql"})
    void aRowReleasedByARescuerDuringTheArchiveIsNotAlsoArchived(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection setup = db.connect(); Connection rescuer = db.connect(); Connection archive = db.connect()) {
            db.recreateTables(setup);
            insertClaimed(setup, 100);
            insertClaimed(setup, 101);
            rescuer.setAutoCommit(false);
            try (Statement s = rescuer.createStatement()) {
                s.executeQuery("SELECT id FROM background_task WHERE id = 100 FOR UPDATE").close();
                s.executeUpdate("UPDATE background_task SET locked_by = NULL, locked_until = NULL WHERE id = 100");
            }
            if (db.dialect().isolation() != null) {
                archive.setTransactionIsolation(db.dialect().isolation());
            }
            CompletableFuture<Set<Long>> archived = CompletableFuture.supplyAsync(() -> {
                try {
                    return db.dialect().archiveSucceeded(archive, "n1", List.of(finished(100), finished(101)));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Until the rescuer commits, the archive waits for its lock.
            assertThrowsTimeout(archived);
            rescuer.commit();
            assertEquals(Set.of(101L), archived.get(10, TimeUnit.SECONDS), "only the row the node still held");
            int waiting = count(setup, "SELECT COUNT(*) FROM background_task WHERE id = 100");
            int inArchive = count(setup, "SELECT COUNT(*) FROM background_task_completed WHERE id = 100");
            assertEquals(1, waiting, "released for another attempt");
            assertEquals(0, inArchive, "and not archived as well");
            assertEquals(1, count(setup, "SELECT COUNT(*) FROM background_task_completed WHERE id = 101"));
            assertEquals(0, count(setup, "SELECT COUNT(*) FROM background_task WHERE id = 101"));
        }
    }

    private static void assertThrowsTimeout(CompletableFuture<?> future) throws Exception {
        try {
            future.get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return;
        }
        assertFalse(true, "the archive did not wait for the rescuer's lock: " + future.get());
    }
}
