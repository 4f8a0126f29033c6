package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.ScratchDatabase;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the console and admin API read, over JDBC on PostgreSQL, MariaDB and H2: tasks by filter a
 * page at a time, one task in full, the queues with their depth and recent outcomes, tasks finished
 * per minute, and the nodes working now.
 */
class AdminReadsIT {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:30Z");

    private static Object utc(Instant instant) {
        return UtcInstantConverter.toUtc(instant);
    }

    /** An archived task that finished {@code ago} before now. */
    private static void archived(Connection c, long id, String task, String queue, String outcome, Duration ago,
                                 String params, String error) throws Exception {
        ScratchDatabase.execute(c, "INSERT INTO background_task_completed (id, task_name, params, queue, priority, run_at, "
                + "attempts, max_attempts, timeout_millis, node_id, created_at, outcome, error, started_at, finished_at) "
                + "VALUES (?1, ?2, ?3, ?4, 0, ?5, 1, 3, 1000, 'node-a', ?5, ?6, ?7, ?5, ?8)",
                id, task, params, queue, utc(NOW.minus(ago).minusSeconds(1)), outcome, error, utc(NOW.minus(ago)));
    }

    private static void pending(Connection c, long id, String queue, Duration dueIn, String lockedBy) throws Exception {
        ScratchDatabase.execute(c, "INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, "
                + "max_attempts, timeout_millis, locked_by, locked_until, created_at) VALUES (?1, 'mail.send', '[\"x\"]', ?2, "
                + "0, ?3, 0, 3, 1000, ?4, ?5, ?6)", id, queue, utc(NOW.plus(dueIn)), lockedBy,
                lockedBy == null ? null : utc(NOW.plusSeconds(60)), utc(NOW.minusSeconds(300)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void tasksQueuesThroughputAndNodesReadAsOperatorsSeeThem(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        Database database = new Database(db.dataSource());
        try (Connection c = db.connect()) {
            db.recreateTables(c);
            archived(c, 1, "mail.send", "mail", "SUCCEEDED", Duration.ofSeconds(20), "[\"a@example.com\"]", null);
            archived(c, 2, "mail.send", "mail", "SUCCEEDED", Duration.ofMinutes(2), "[\"b@example.com\"]", null);
            archived(c, 3, "mail.send", "mail", "FAILED", Duration.ofMinutes(2), "[\"c@example.com\"]",
                    "java.lang.IllegalStateException: 100% down_now\n\tat somewhere");
            archived(c, 4, "report.build", "reports", "FAILED", Duration.ofMinutes(30), "[7]", "boom");
            archived(c, 5, "report.build", "reports", "CANCELLED", Duration.ofHours(3), "[8]", "cancelled");
            pending(c, 10, "mail", Duration.ofSeconds(-90), null);     // due for a minute and a half
            pending(c, 11, "mail", Duration.ofHours(1), null);         // scheduled
            pending(c, 12, "mail", Duration.ofSeconds(-5), "node-a");   // running
            ScratchDatabase.execute(c, db.dialect().setPausedSql(), "idle", true, utc(NOW));
            ScratchDatabase.execute(c, "UPDATE background_task SET progress = 0.25, progress_message = 'a quarter' WHERE id = 12");
        }

        TaskListing listing = new TaskListing(database);
        TaskListing.TaskPage failed = listing.list(new TaskFilter(TaskFilter.State.FAILED, null, null, null, null, null),
                null, 50, NOW);
        assertEquals(List.of(4L, 3L), failed.tasks().stream().map(ListedTask::id).toList());
        assertEquals("java.lang.IllegalStateException: 100% down_now", failed.tasks().get(1).error(), "the first line");
        // Text with LIKE's own wildcards matches them as text.
        assertEquals(List.of(3L), ids(listing.list(new TaskFilter(null, null, null, null, null, "100% down_"), null, 50, NOW)));
        assertEquals(List.of(), ids(listing.list(new TaskFilter(null, null, null, null, null, "100%_down"), null, 50, NOW)));
        assertEquals(List.of(10L), ids(listing.list(new TaskFilter(TaskFilter.State.DUE, "mail", null, null, null, null), null, 50, NOW)));
        assertEquals(List.of(11L), ids(listing.list(new TaskFilter(TaskFilter.State.SCHEDULED, null, null, null, null, null), null, 50, NOW)));
        List<ListedTask> running = listing.list(new TaskFilter(TaskFilter.State.RUNNING, null, null, null, null, null), null, 50, NOW).tasks();
        assertEquals(List.of(12L), running.stream().map(ListedTask::id).toList());
        assertEquals(0.25, running.get(0).progress());
        assertEquals("a quarter", running.get(0).progressMessage());
        assertNull(listing.list(new TaskFilter(TaskFilter.State.DUE, null, null, null, null, null), null, 50, NOW).tasks()
                .get(0).progress(), "a task that reported nothing has no progress");
        // Archived tasks by when they finished, the others by when they were enqueued (five minutes ago).
        assertEquals(List.of(3L, 2L), ids(listing.list(new TaskFilter(null, null, "mail.send", NOW.minus(Duration.ofMinutes(4)),
                NOW.minus(Duration.ofMinutes(1)), null), null, 50, NOW)));
        assertEquals(List.of(12L, 11L, 10L), ids(listing.list(new TaskFilter(null, "mail", null, NOW.minus(Duration.ofMinutes(6)),
                NOW.minus(Duration.ofMinutes(4)), null), null, 50, NOW)));
        // Keyset pages over both tables, newest first, each task once.
        TaskListing.TaskPage first = listing.list(TaskFilter.any(), null, 3, NOW);
        assertEquals(List.of(12L, 11L, 10L), ids(first));
        assertEquals(10L, first.next());
        TaskListing.TaskPage second = listing.list(TaskFilter.any(), first.next(), 3, NOW);
        assertEquals(List.of(5L, 4L, 3L), ids(second));
        TaskListing.TaskPage last = listing.list(TaskFilter.any(), second.next(), 3, NOW);
        assertEquals(List.of(2L, 1L), ids(last));
        assertNull(last.next());

        ListedTask three = listing.detail(3, NOW).orElseThrow();
        assertEquals("failed", three.state());
        assertTrue(three.error().contains("at somewhere"), "the whole stack trace");
        assertEquals("[\"c@example.com\"]", three.arguments());
        assertEquals("running", listing.detail(12, NOW).orElseThrow().state());
        assertTrue(listing.detail(99, NOW).isEmpty());

        TaskReads reads = new TaskReads(database);
        QueueStats stats = new QueueStats(database, reads);
        List<QueueView> queues = stats.queues(reads.queueDepths(NOW), NOW);
        assertEquals(List.of("idle", "mail", "reports"), queues.stream().map(QueueView::queue).toList());
        QueueView mail = queues.get(1);
        assertEquals(List.of(1L, 1L, 1L), List.of(mail.due(), mail.scheduled(), mail.running()));
        assertEquals(NOW.minusSeconds(90), mail.oldestDue());
        assertEquals(List.of(2L, 1L, 2L, 1L), List.of(mail.succeededLastHour(), mail.failedLastHour(),
                mail.succeededLast5Min(), mail.failedLast5Min()));
        assertTrue(queues.get(0).paused());
        assertEquals(1, queues.get(2).failedLastHour());

        QueueStats.Throughput throughput = stats.throughput(NOW);
        assertEquals(60, throughput.minutes().size());
        assertEquals(NOW.getEpochSecond() / 60 * 60, throughput.minutes().get(59));
        assertEquals(1L, throughput.succeeded().get(59), "finished 20 s ago: this minute");
        assertEquals(1L, throughput.succeeded().get(57), "two minutes ago");
        assertEquals(1L, throughput.failed().get(57));
        assertEquals(1L, throughput.failed().get(29), "thirty minutes ago");
        assertEquals(0L, throughput.cancelled().stream().mapToLong(Long::longValue).sum(), "three hours ago: outside the hour");

        NodeRegistry nodes = new NodeRegistry(database, Clock.fixed(NOW, ZoneOffset.UTC));
        nodes.beat("node-a", "every queue", 4, 1);
        nodes.beat("node-a", "every queue", 4, 2);
        nodes.beat("node-b", "mail:2", 2, 0);
        List<NodeRegistry.NodeView> seen = nodes.nodes();
        assertEquals(List.of("node-a", "node-b"), seen.stream().map(NodeRegistry.NodeView::node).toList());
        assertEquals(2, seen.get(0).busy());
        assertEquals(1, seen.get(0).holding(), "task 12");
        nodes.leave("node-b");
        assertEquals(List.of("node-a"), nodes.nodes().stream().map(NodeRegistry.NodeView::node).toList());
        NodeRegistry later = new NodeRegistry(database, Clock.fixed(NOW.plus(NodeRegistry.GONE_AFTER).plusSeconds(1), ZoneOffset.UTC));
        assertEquals(List.of(), later.nodes(), "a node not seen for half a minute is gone");
    }

    private static List<Long> ids(TaskListing.TaskPage page) {
        return page.tasks().stream().map(ListedTask::id).toList();
    }
}
