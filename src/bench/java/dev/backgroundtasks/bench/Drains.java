package dev.backgroundtasks.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.backgroundtasks.cluster.PayaraNode;
import dev.backgroundtasks.internal.store.dialect.PostgresDialect;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drains of a backlog of no-op tasks, this queue's and db-scheduler's, measured the same way: one
 * warm-up drain that is not timed, then {@link #REPEATS} timed ones. The clock starts when the
 * backlog becomes due, each side is told at once (a notification here, {@code
 * triggerCheckForDueExecutions()} there), and every task's run is counted: none missing, none twice.
 */
final class Drains {

    static final int TASKS = Integer.getInteger("bench.tasks", 100_000);
    static final int REPEATS = Integer.getInteger("bench.drains", 3);

    /** Tasks per second of each timed drain, and what the database wrote per task over them. */
    record Result(Spread tasksPerSecond, double walBytesPerTask, long checkpoints, double commitsPerTask) {
    }

    private Drains() {
    }

    /** This queue's drains on {@code node}, whose WAR counts the runs of {@code bench.noop}. */
    static Result ours(PayaraNode node) throws Exception {
        drainOurs(node);
        List<Timed> timed = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            timed.add(drainOurs(node));
        }
        return result(timed);
    }

    /** One timed drain; {@code ownCommits}: the benchmark's own transactions meanwhile, its watching the table. */
    private record Timed(double seconds, DatabaseMeter.Reading before, DatabaseMeter.Reading after, long ownCommits) {
    }

    private static Timed drainOurs(PayaraNode node) throws Exception {
        BenchDatabase.reset();
        BenchDatabase.sql("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                + "timeout_millis, created_at) SELECT -g, 'bench.noop', '[]', 'default', 0, TIMESTAMP '2999-01-01', 0, 1, "
                + "60000, TIMESTAMP '2026-01-01' FROM generate_series(1, " + TASKS + ") g");
        BenchDatabase.sql("VACUUM ANALYZE background_task");
        Thread.sleep(1500);
        long runsBefore = Long.parseLong(node.get("bench/runs").trim());
        long start;
        DatabaseMeter.Reading before;
        try (Connection c = BenchDatabase.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE background_task SET run_at = TIMESTAMP '2000-01-01'");
                s.execute("SELECT pg_notify('" + PostgresDialect.CHANNEL + "', '')");
            }
            c.commit();
            start = System.nanoTime();
            before = DatabaseMeter.read();
        }
        long polls = BenchDatabase.awaitEmpty("background_task", Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(1500);
        DatabaseMeter.Reading after = DatabaseMeter.read();
        long archived = BenchDatabase.number("SELECT COUNT(*) FROM background_task_completed WHERE outcome = 'SUCCEEDED'");
        long runs = Long.parseLong(node.get("bench/runs").trim()) - runsBefore;
        if (archived != TASKS || runs != TASKS) {
            throw new IllegalStateException("drain of " + TASKS + " tasks: " + runs + " runs, " + archived + " archived SUCCEEDED");
        }
        // The polls, and the readings' own queries of WAL position and checkpoints.
        return new Timed(seconds, before, after, polls + 3);
    }

    /** db-scheduler's drains with {@code threads} threads and lock-and-fetch 4.0/20.0, its fastest polling here. */
    static Result dbScheduler(DataSource dataSource, int threads) throws Exception {
        createTable();
        AtomicLong runs = new AtomicLong();
        Set<String> ran = ConcurrentHashMap.newKeySet();
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> {
            runs.incrementAndGet();
            ran.add(instance.getId());
        });
        Scheduler scheduler = Scheduler.create(dataSource, noop).threads(threads).pollUsingLockAndFetch(4.0, 20.0)
                .pollingInterval(Duration.ofSeconds(1)).build();
        scheduler.start();
        try {
            drainTheirs(scheduler, runs, ran);
            List<Timed> timed = new ArrayList<>();
            for (int i = 0; i < REPEATS; i++) {
                timed.add(drainTheirs(scheduler, runs, ran));
            }
            return result(timed);
        } finally {
            scheduler.stop();
            BenchDatabase.sql("DROP TABLE scheduled_tasks");
        }
    }

    private static Timed drainTheirs(Scheduler scheduler, AtomicLong runs, Set<String> ran) throws Exception {
        runs.set(0);
        ran.clear();
        BenchDatabase.sql("INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version, priority) "
                + "SELECT 'noop', g::text, now() + interval '1 day', false, 1, 0 FROM generate_series(1, " + TASKS + ") g");
        BenchDatabase.sql("VACUUM ANALYZE scheduled_tasks");
        Thread.sleep(1500);
        BenchDatabase.sql("UPDATE scheduled_tasks SET execution_time = now() - interval '1 second'");
        long start = System.nanoTime();
        DatabaseMeter.Reading before = DatabaseMeter.read();
        scheduler.triggerCheckForDueExecutions();
        long polls = BenchDatabase.awaitEmpty("scheduled_tasks", Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(1500);
        DatabaseMeter.Reading after = DatabaseMeter.read();
        if (runs.get() != TASKS || ran.size() != TASKS) {
            throw new IllegalStateException("db-scheduler drain of " + TASKS + " tasks: " + runs.get() + " runs of "
                    + ran.size() + " tasks");
        }
        // The polls, and the readings' own queries of WAL position and checkpoints.
        return new Timed(seconds, before, after, polls + 3);
    }

    /** db-scheduler's PostgreSQL table and indexes, as its documentation gives them. */
    static void createTable() throws Exception {
        BenchDatabase.sql("DROP TABLE IF EXISTS scheduled_tasks");
        BenchDatabase.sql("""
                CREATE TABLE scheduled_tasks (
                  task_name text NOT NULL, task_instance text NOT NULL, task_data bytea,
                  execution_time timestamp with time zone NOT NULL, picked BOOLEAN NOT NULL, picked_by text,
                  last_success timestamp with time zone, last_failure timestamp with time zone,
                  consecutive_failures INT, last_heartbeat timestamp with time zone, version BIGINT NOT NULL,
                  priority SMALLINT, PRIMARY KEY (task_name, task_instance))""");
        BenchDatabase.sql("CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)");
        BenchDatabase.sql("CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
        BenchDatabase.sql("CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)");
    }

    /** Over the timed drains only, each from its backlog becoming due to its last task archived. */
    private static Result result(List<Timed> drains) {
        List<Double> rates = drains.stream().map(d -> TASKS / d.seconds).toList();
        long wal = drains.stream().mapToLong(d -> d.after.walBytes() - d.before.walBytes()).sum();
        long checkpoints = drains.stream().mapToLong(d -> d.after.checkpoints() - d.before.checkpoints()).sum();
        long commits = drains.stream().mapToLong(d -> d.after.commits() - d.before.commits() - d.ownCommits).sum();
        long tasks = (long) TASKS * drains.size();
        return new Result(Spread.of(rates), wal / (double) tasks, checkpoints, commits / (double) tasks);
    }
}
