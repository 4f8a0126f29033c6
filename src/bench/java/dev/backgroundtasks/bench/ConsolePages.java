package dev.backgroundtasks.bench;

import dev.backgroundtasks.internal.store.Database;
import dev.backgroundtasks.internal.store.QueueStats;
import dev.backgroundtasks.internal.store.TaskFilter;
import dev.backgroundtasks.internal.store.TaskListing;
import dev.backgroundtasks.internal.store.TaskReads;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The reads behind the console's pages and the admin API, timed next to a million archived tasks
 * and a hundred thousand pending ones on PostgreSQL: each page's statements as the API runs them,
 * warmed up, then timed {@code bench.page-repeats} times.
 */
final class ConsolePages {

    static final int ARCHIVED = Integer.getInteger("bench.console-archived", 1_000_000);
    static final int PENDING = Integer.getInteger("bench.console-pending", 100_000);
    static final int REPEATS = Integer.getInteger("bench.page-repeats", 20);

    private ConsolePages() {
    }

    /** Fills the tables, then times each page; answers the timings by page, in milliseconds. */
    static Map<String, Stats> measure() throws Exception {
        BenchDatabase.reset();
        Instant now = Instant.now();
        try (Connection c = BenchDatabase.connect(); Statement s = c.createStatement()) {
            // Finished half a second apart up to now: about six days of history, 2 % failed, 1 % cancelled.
            s.execute("""
                    INSERT INTO background_task_completed (id, task_name, params, queue, priority, run_at, attempts,
                           max_attempts, timeout_millis, node_id, created_at, outcome, result, error, started_at, finished_at)
                    SELECT n, 'task-' || (n % 20), '["' || md5(n::text) || '"]', 'q' || (n % 5), 0, f, 1, 3, 60000,
                           'node-' || (n % 3), f, CASE WHEN n % 50 = 0 THEN 'FAILED' WHEN n % 97 = 0 THEN 'CANCELLED'
                           ELSE 'SUCCEEDED' END, CASE WHEN n % 50 = 0 THEN NULL ELSE '1' END,
                           CASE WHEN n % 50 = 0 THEN 'java.lang.IllegalStateException: boom ' || n END, f, f
                      FROM (SELECT n, CAST(NOW() AT TIME ZONE 'UTC' AS TIMESTAMP) - (ARCHIVED - n) * INTERVAL '0.5 second' AS f
                              FROM generate_series(1, ARCHIVED) AS n) AS rows""".replace("ARCHIVED", Integer.toString(ARCHIVED)));
            // Half due, half due in an hour.
            s.execute("""
                    INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts,
                           timeout_millis, created_at, cancel_requested)
                    SELECT ARCHIVED + n, 'task-' || (n % 20), '["' || md5(n::text) || '"]', 'q' || (n % 5), 0,
                           CAST(NOW() AT TIME ZONE 'UTC' AS TIMESTAMP) + (n % 2) * INTERVAL '1 hour', 0, 3, 60000,
                           CAST(NOW() AT TIME ZONE 'UTC' AS TIMESTAMP), FALSE
                      FROM generate_series(1, PENDING) AS n""".replace("ARCHIVED", Integer.toString(ARCHIVED))
                    .replace("PENDING", Integer.toString(PENDING)));
            s.execute("ANALYZE background_task");
            s.execute("ANALYZE background_task_completed");
        }
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(BenchDatabase.URL);
        source.setUser("postgres");
        source.setPassword("postgres");
        Database database = new Database(source);
        TaskListing listing = new TaskListing(database);
        TaskReads reads = new TaskReads(database);
        QueueStats stats = new QueueStats(database, reads);
        long middle = ARCHIVED / 2;
        String rare = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                .digest(Integer.toString(ARCHIVED / 3).getBytes(StandardCharsets.UTF_8)));

        Map<String, Callable<Object>> pages = new LinkedHashMap<>();
        pages.put("tasks, first page, no filter", () -> listing.list(TaskFilter.any(), null, 50, now));
        pages.put("tasks, a page half a million rows deep (keyset)", () -> listing.list(TaskFilter.any(), middle, 50, now));
        pages.put("tasks, failed (2 %)", () -> listing.list(filter(TaskFilter.State.FAILED, null, null, null, null), null, 50, now));
        pages.put("tasks, failed, a page deep", () -> listing.list(filter(TaskFilter.State.FAILED, null, null, null, null), middle, 50, now));
        pages.put("tasks, one name (5 %)", () -> listing.list(filter(null, null, "task-7", null, null), null, 50, now));
        pages.put("tasks, cancelled of one name (0.05 %)",
                () -> listing.list(filter(TaskFilter.State.CANCELLED, null, "task-3", null, null), null, 50, now));
        pages.put("tasks, due in one queue", () -> listing.list(filter(TaskFilter.State.DUE, "q1", null, null, null), null, 50, now));
        pages.put("tasks, finished in an hour three days ago",
                () -> listing.list(filter(TaskFilter.State.SUCCEEDED, null, null, now.minus(Duration.ofDays(3)),
                        now.minus(Duration.ofDays(3)).plus(Duration.ofHours(1))), null, 50, now));
        pages.put("tasks, text in arguments matching one task",
                () -> listing.list(new TaskFilter(null, null, null, null, null, rare), null, 50, now));
        pages.put("tasks, text in errors of failed tasks",
                () -> listing.list(new TaskFilter(TaskFilter.State.FAILED, null, null, null, null, "boom 5000"), null, 50, now));
        pages.put("a task in full", () -> listing.detail(middle, now));
        // Uncached, as the first request after the depth cache expires reads it.
        pages.put("queues overview", () -> stats.queues(reads.queueDepths(now), now));
        pages.put("chart: finished per minute, last hour", () -> stats.throughput(now));

        Map<String, Stats> timings = new LinkedHashMap<>();
        for (Map.Entry<String, Callable<Object>> page : pages.entrySet()) {
            for (int i = 0; i < 3; i++) {
                page.getValue().call();
            }
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < REPEATS; i++) {
                long start = System.nanoTime();
                page.getValue().call();
                millis.add((System.nanoTime() - start) / 1e6);
            }
            timings.put(page.getKey(), Stats.of(millis));
        }
        BenchDatabase.reset();
        return timings;
    }

    private static TaskFilter filter(TaskFilter.State state, String queue, String task, Instant from, Instant to) {
        return new TaskFilter(state, queue, task, from, to, null);
    }
}
