package dev.backgroundtasks.internal.store.dialect;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The control statements of every dialect, over JDBC on PostgreSQL, MariaDB and H2. */
class ControlStatementsIT {

    /**
     * Two nodes pause a queue that has no row yet, at once: the second waits for the first and
     * succeeds too (an update that found nothing followed by an insert failed on the key), and the
     * queue ends paused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void twoNodesPausingANewQueueAtOnceBothSucceed(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection first = db.connect(); Connection second = db.connect()) {
            db.recreateTables(first);
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            setPaused(db.dialect(), first, "mail", true);
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try {
                    setPaused(db.dialect(), second, "mail", true);
                    second.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300); // the second now waits for the first's row
            assertFalse(other.isDone() && other.isCompletedExceptionally(), "the second failed at once");
            first.commit();
            other.get(10, TimeUnit.SECONDS);
            setPaused(db.dialect(), first, "mail", false);
            first.commit();
            try (PreparedStatement s = first.prepareStatement("SELECT COUNT(*), MAX(CASE WHEN paused THEN 1 ELSE 0 END) "
                    + "FROM background_task_queue WHERE queue = 'mail'");
                 ResultSet rows = s.executeQuery()) {
                rows.next();
                assertEquals(1, rows.getInt(1));
                assertEquals(0, rows.getInt(2), "resumed by the last statement");
            }
        }
    }

    private static void setPaused(Dialect dialect, Connection c, String queue, boolean paused) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(dialect.setPausedSql().replaceAll("\\?\\d", "?"))) {
            s.setString(1, queue);
            s.setBoolean(2, paused);
            s.setObject(3, LocalDateTime.now());
            s.executeUpdate();
        }
    }
}
