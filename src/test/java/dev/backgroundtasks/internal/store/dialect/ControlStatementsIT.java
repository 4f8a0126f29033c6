package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.ControlWrites;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Pausing marks the queue's waiting rows, not its running ones (their outcome writes never wait
     * for a pause); a reconciliation marks rows that came to wait since, and clears the marks a
     * resume by an earlier release left (it updated the queue's row only). A reconciliation that
     * meets a pause or resume in progress skips that queue at once: it neither waits for the
     * caller's transaction nor marks a row of a queue being resumed (a marked row of a running
     * queue would never run).
     */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void aQueuesWaitingRowsFollowItsPauseAndAReconciliationNeverFightsAResume(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = db.connect(); Connection other = db.connect()) {
            db.recreateTables(c);
            insert(c, 1, "reports", null);
            insert(c, 2, "reports", "node-a");
            insert(c, 3, "default", null);
            pause(db, c, "reports", true);
            assertEquals(List.of(1L), marked(c));

            insert(c, 4, "reports", null); // enqueued into the paused queue: stored unmarked
            insert(c, 5, "reports", "node-a");
            assertEquals(1, reconcile(c), "the waiting row only");
            assertEquals(List.of(1L, 4L), marked(c));
            assertEquals(0, reconcile(c), "nothing left to do");

            // An earlier release resumes by updating the queue's row only; the marks are cleared.
            setPaused(db.dialect(), c, "reports", false);
            assertEquals(2, reconcile(c));
            assertEquals(List.of(), marked(c));

            pause(db, c, "reports", true);
            insert(c, 6, "reports", null);
            c.setAutoCommit(false);
            pause(db, c, "reports", false); // a resume, not yet committed
            other.setAutoCommit(false);
            CompletableFuture<Integer> reconciling = CompletableFuture.supplyAsync(() -> {
                try {
                    int n = reconcile(other);
                    other.commit();
                    return n;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(0, reconciling.get(5, TimeUnit.SECONDS), "skipped the queue the resume holds, at once");
            c.commit();
            assertEquals(List.of(), marked(c));
            c.commit();
        }
    }

    /** What {@code ControlWrites.reconcileMarks} runs, in one transaction of {@code c}. */
    private static int reconcile(Connection c) throws SQLException {
        int changed = 0;
        List<Object[]> queues = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(ControlWrites.QUEUES); ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                queues.add(new Object[] {rows.getString(1), rows.getBoolean(2)});
            }
        }
        for (Object[] q : queues) {
            boolean paused = (Boolean) q[1];
            if (ScratchDatabase.execute(c, paused ? ControlWrites.UNMARKED_WAITING : ControlWrites.MARKED_WAITING, q[0]) == 0
                    || ScratchDatabase.execute(c, ControlWrites.LOCK_QUEUE, q[0], paused) == 0) {
                continue;
            }
            changed += ScratchDatabase.execute(c, paused ? ControlWrites.MARK_WAITING : ControlWrites.UNMARK_WAITING, q[0]);
        }
        return changed;
    }

    private static void pause(ScratchDatabase db, Connection c, String queue, boolean paused) throws SQLException {
        setPaused(db.dialect(), c, queue, paused);
        ScratchDatabase.execute(c, paused ? ControlWrites.MARK_WAITING : ControlWrites.UNMARK_WAITING, queue);
    }

    private static void insert(Connection c, long id, String queue, String lockedBy) throws SQLException {
        ScratchDatabase.execute(c, "INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, "
                + "max_attempts, timeout_millis, locked_by, created_at) VALUES (?1, 'plain', '[]', ?2, 0, ?3, 0, 1, 1000, ?4, ?3)",
                id, queue, LocalDateTime.now(), lockedBy);
    }

    private static List<Long> marked(Connection c) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM background_task WHERE paused = TRUE ORDER BY id");
             ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
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
