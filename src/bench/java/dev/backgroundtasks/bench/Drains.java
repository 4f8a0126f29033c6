package dev.backgroundtasks.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.backgroundtasks.cluster.PayaraNode;
import dev.backgroundtasks.internal.store.dialect.PostgresDialect;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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

    /** What each task of a drain does, and how many tasks a drain has. */
    enum Workload {
        /** Nothing: the queue's own cost. */
        NOOP("bench.noop", "noop", "'[]'", TASKS),
        /** One row inserted in a transaction of the task's own (JTA here, JDBC for db-scheduler), keyed by the task's number. */
        WRITE("bench.write", "write", "'[' || g || ']'", Integer.getInteger("bench.write-tasks", 20_000)),
        /** A large backlog of no-op tasks, drained once, to watch the node's heap. */
        BACKLOG("bench.noop", "noop", "'[]'", Integer.getInteger("bench.backlog-tasks", 1_000_000));

        final String taskName;
        final String shortName;
        final String params;
        final int tasks;

        Workload(String taskName, String shortName, String params, int tasks) {
            this.taskName = taskName;
            this.shortName = shortName;
            this.params = params;
            this.tasks = tasks;
        }

        /** Empties what the tasks write. */
        void reset() throws SQLException {
            if (this == WRITE) {
                BenchDatabase.sql("CREATE TABLE IF NOT EXISTS bench_write (n BIGINT PRIMARY KEY)");
                BenchDatabase.sql("TRUNCATE bench_write");
            }
        }

        /** Checks what the tasks wrote: one row per task. */
        void check(String side) throws SQLException {
            if (this == WRITE) {
                long rows = BenchDatabase.number("SELECT COUNT(*) FROM bench_write");
                if (rows != tasks) {
                    throw new IllegalStateException(side + " drain of " + tasks + " writing tasks wrote " + rows + " rows");
                }
            }
        }
    }

    /** Tasks per second of each timed drain, and what the database wrote per task over them. */
    record Result(Spread tasksPerSecond, double walBytesPerTask, long checkpoints, double commitsPerTask,
                  double walSyncsPerTask, double dbCpuMicrosPerTask, double dbCores) {
    }

    private Drains() {
    }

    /** The benchmark's own transactions counted in a drain besides its polls: the readings' queries after and before their read of the count, and the statement that makes the backlog due. */
    private static final int OWN_COMMITS = 4;

    /** This queue's drains on {@code node}, whose WAR counts the runs of its tasks. */
    static Result ours(PayaraNode node, Workload work) throws Exception {
        drainOurs(node, work);
        List<Timed> timed = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            timed.add(drainOurs(node, work));
        }
        return result(timed, work);
    }

    /** One drain of {@code work} on {@code node}, without a warm-up: tasks per second. */
    static double once(PayaraNode node, Workload work) throws Exception {
        return work.tasks / drainOurs(node, work).seconds;
    }

    /** One timed drain; {@code ownCommits}: the benchmark's own transactions meanwhile, its watching the table. */
    private record Timed(double seconds, DatabaseMeter.Reading before, DatabaseMeter.Reading after, long ownCommits) {
    }

    private static Timed drainOurs(PayaraNode node, Workload work) throws Exception {
        BenchDatabase.reset();
        work.reset();
        BenchDatabase.sql("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                + "timeout_millis, created_at) SELECT -g, '" + work.taskName + "', " + work.params + ", 'default', 0, "
                + "TIMESTAMP '2999-01-01', 0, 1, 60000, TIMESTAMP '2026-01-01' FROM generate_series(1, " + work.tasks + ") g");
        BenchDatabase.sql("VACUUM ANALYZE background_task");
        Thread.sleep(1500);
        String runsPath = "bench/runs?task=" + work.shortName;
        long runsBefore = Long.parseLong(node.get(runsPath).trim());
        // Read before the backlog becomes due, on both sides alike: the statement that makes it due
        // is in the WAL figures (the same for both), and the clock starts at its commit.
        DatabaseMeter.Reading before = DatabaseMeter.read();
        long start;
        try (Connection c = BenchDatabase.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE background_task SET run_at = TIMESTAMP '2000-01-01'");
                s.execute("SELECT pg_notify('" + PostgresDialect.CHANNEL + "', '')");
            }
            c.commit();
            start = System.nanoTime();
        }
        long polls = BenchDatabase.awaitEmpty("background_task", Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(1500);
        DatabaseMeter.Reading after = DatabaseMeter.read();
        long archived = BenchDatabase.number("SELECT COUNT(*) FROM background_task_completed WHERE outcome = 'SUCCEEDED'");
        long runs = Long.parseLong(node.get(runsPath).trim()) - runsBefore;
        if (archived != work.tasks || runs != work.tasks) {
            throw new IllegalStateException("drain of " + work.tasks + " tasks: " + runs + " runs, " + archived + " archived SUCCEEDED");
        }
        work.check("our");
        // The polls, the readings' own queries and the statement that made the backlog due.
        return new Timed(seconds, before, after, polls + OWN_COMMITS);
    }

    /** db-scheduler's drains with {@code threads} threads and lock-and-fetch 4.0/20.0, its fastest polling here. */
    static Result dbScheduler(DataSource dataSource, int threads, Workload work) throws Exception {
        createTable();
        AtomicLong runs = new AtomicLong();
        Set<String> ran = ConcurrentHashMap.newKeySet();
        OneTimeTask<Void> task = Tasks.oneTime(work.shortName).execute((instance, context) -> {
            if (work == Workload.WRITE) {
                write(dataSource, Long.parseLong(instance.getId()));
            }
            runs.incrementAndGet();
            ran.add(instance.getId());
        });
        Scheduler scheduler = Scheduler.create(dataSource, task).threads(threads).pollUsingLockAndFetch(4.0, 20.0)
                .pollingInterval(Duration.ofSeconds(1)).build();
        scheduler.start();
        try {
            drainTheirs(scheduler, runs, ran, work);
            List<Timed> timed = new ArrayList<>();
            for (int i = 0; i < REPEATS; i++) {
                timed.add(drainTheirs(scheduler, runs, ran, work));
            }
            return result(timed, work);
        } finally {
            scheduler.stop();
            BenchDatabase.sql("DROP TABLE scheduled_tasks");
        }
    }

    /** The row a writing task of db-scheduler's inserts, in a JDBC transaction of its own. */
    private static void write(DataSource dataSource, long n) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO bench_write (n) VALUES (?)")) {
                s.setLong(1, n);
                s.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Timed drainTheirs(Scheduler scheduler, AtomicLong runs, Set<String> ran, Workload work) throws Exception {
        runs.set(0);
        ran.clear();
        work.reset();
        BenchDatabase.sql("INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version, priority) "
                + "SELECT '" + work.shortName + "', g::text, now() + interval '1 day', false, 1, 0 FROM generate_series(1, "
                + work.tasks + ") g");
        BenchDatabase.sql("VACUUM ANALYZE scheduled_tasks");
        Thread.sleep(1500);
        DatabaseMeter.Reading before = DatabaseMeter.read();
        BenchDatabase.sql("UPDATE scheduled_tasks SET execution_time = now() - interval '1 second'");
        long start = System.nanoTime();
        scheduler.triggerCheckForDueExecutions();
        long polls = BenchDatabase.awaitEmpty("scheduled_tasks", Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(1500);
        DatabaseMeter.Reading after = DatabaseMeter.read();
        if (runs.get() != work.tasks || ran.size() != work.tasks) {
            throw new IllegalStateException("db-scheduler drain of " + work.tasks + " tasks: " + runs.get() + " runs of "
                    + ran.size() + " tasks");
        }
        work.check("db-scheduler's");
        // The polls, the readings' own queries and the statement that made the backlog due.
        return new Timed(seconds, before, after, polls + OWN_COMMITS);
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
    private static Result result(List<Timed> drains, Workload work) {
        List<Double> rates = drains.stream().map(d -> work.tasks / d.seconds).toList();
        long wal = drains.stream().mapToLong(d -> d.after.walBytes() - d.before.walBytes()).sum();
        long checkpoints = drains.stream().mapToLong(d -> d.after.checkpoints() - d.before.checkpoints()).sum();
        long commits = drains.stream().mapToLong(d -> d.after.commits() - d.before.commits() - d.ownCommits).sum();
        long tasks = (long) work.tasks * drains.size();
        long syncs = drains.stream().mapToLong(d -> d.after.walSyncs() - d.before.walSyncs()).sum();
        long cpu = drains.stream().mapToLong(d -> d.after.cpuMillisSince(d.before)).sum();
        double seconds = drains.stream().mapToDouble(d -> d.seconds).sum();
        boolean measured = drains.stream().allMatch(d -> d.after.cpuMillisSince(d.before) >= 0 && d.before.walSyncs() >= 0);
        // The CPU is read 1.5 s after each drain ends (for the statistics): the idle server's share is small.
        return new Result(Spread.of(rates), wal / (double) tasks, checkpoints, commits / (double) tasks,
                measured ? syncs / (double) tasks : -1, measured ? cpu * 1000.0 / tasks : -1,
                measured ? cpu / 1000.0 / seconds : -1);
    }
}
