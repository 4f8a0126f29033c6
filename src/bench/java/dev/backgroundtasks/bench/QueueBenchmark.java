package dev.backgroundtasks.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backgroundtasks.cluster.PayaraNode;
import dev.backgroundtasks.it.Deployments;
import dev.backgroundtasks.internal.store.dialect.PostgresDialect;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures this queue and db-scheduler side by side on the local PostgreSQL: drain throughput,
 * pickup latency, enqueue cost and claim cost against a growing backlog. Prints a table and writes
 * target/benchmark/results.json. Run with {@code mvn -Pbenchmark verify}.
 */
class QueueBenchmark {

    private static final String URL = System.getProperty("bench.url", "jdbc:postgresql://127.0.0.1:5432/background_tasks_bench");
    private static final int TASKS = Integer.getInteger("bench.tasks", 100_000);
    private static final int PROBES = Integer.getInteger("bench.probes", 500);
    private static final int GAP_MILLIS = 20;
    /** Which parts to run, for iterating on one of them: claim, dbscheduler, c8, c32. */
    private static final List<String> PARTS = List.of(System.getProperty("bench.parts", "claim,dbscheduler,c8,c32").split(","));
    /** Extra JVM options for the Payara Micro nodes, such as a profiler's, separated by spaces. */
    private static final String[] NODE_OPTIONS = System.getProperty("bench.node-options", "").isBlank()
            ? new String[0] : System.getProperty("bench.node-options").trim().split("\\s+");

    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String[]> table = new ArrayList<>();

    @Test
    void run() throws Exception {
        createDatabase();
        Path dir = Files.createDirectories(Path.of("target", "benchmark"));
        File war = dir.resolve("bench.war").toFile();
        Deployments.library("bench.war", "background-tasks.worker.poll-interval=PT1S")
                .addClasses(BenchTasks.class, BenchResource.class, BenchResource.Api.class)
                .as(ZipExporter.class).exportTo(war, true);
        String postBoot = writePostBoot(dir);

        if (PARTS.contains("claim")) {
            claimCost();
        }
        if (PARTS.contains("dbscheduler")) {
            dbScheduler();
        }
        if (PARTS.contains("c8")) {
            PayaraNode node = PayaraNode.startWith(postBoot, "bench8", 18481, war, dir,
                    nodeOptions("-Dbackground-tasks.worker.concurrency=8")).awaitReady();
            try {
                drainOurs(8);
                pickupOurs(node, "ours, same node", node);
                enqueueCost(node);
            } finally {
                node.stop();
            }
        }
        if (PARTS.contains("c32")) {
            PayaraNode worker = PayaraNode.startWith(postBoot, "bench32", 18482, war, dir,
                    nodeOptions("-Dbackground-tasks.worker.concurrency=32")).awaitReady();
            PayaraNode enqueuer = null;
            try {
                drainOurs(32);
                enqueuer = PayaraNode.startWith(postBoot, "enqueuer", 18483, war, dir,
                        "-Dbackground-tasks.worker.enabled=false").awaitReady();
                pickupOurs(enqueuer, "ours, another node", worker);
            } finally {
                worker.stop();
                if (enqueuer != null) {
                    enqueuer.stop();
                }
            }
        }
        report(dir);
    }

    private static String[] nodeOptions(String... options) {
        List<String> all = new ArrayList<>(List.of(options));
        all.addAll(List.of(NODE_OPTIONS));
        return all.toArray(String[]::new);
    }

    // ---- drain ---------------------------------------------------------------------------------

    private void drainOurs(int concurrency) throws Exception {
        reset();
        sql("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                + "timeout_millis, created_at) SELECT -g, 'bench.noop', '[]', 'default', 0, TIMESTAMP '2999-01-01', 0, 1, "
                + "60000, TIMESTAMP '2026-01-01' FROM generate_series(1, " + TASKS + ") g");
        sql("ANALYZE background_task");
        long start;
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE background_task SET run_at = TIMESTAMP '2000-01-01'");
                s.execute("SELECT pg_notify('" + PostgresDialect.CHANNEL + "', '')");
            }
            c.commit();
            start = System.nanoTime();
        }
        awaitEmpty("background_task", Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        long archived = number("SELECT COUNT(*) FROM background_task_completed WHERE outcome = 'SUCCEEDED'");
        if (archived != TASKS) {
            throw new IllegalStateException("drain archived " + archived + " of " + TASKS);
        }
        record("drain.ours.c" + concurrency, TASKS / seconds);
        table.add(new String[] {"drain, ours, concurrency " + concurrency, fmt(TASKS / seconds) + " tasks/s",
                String.format(Locale.ROOT, "%d tasks in %.2f s", TASKS, seconds)});
    }

    private void dbScheduler() throws Exception {
        sql("DROP TABLE IF EXISTS scheduled_tasks");
        sql("""
                CREATE TABLE scheduled_tasks (
                  task_name text NOT NULL, task_instance text NOT NULL, task_data bytea,
                  execution_time timestamp with time zone NOT NULL, picked BOOLEAN NOT NULL, picked_by text,
                  last_success timestamp with time zone, last_failure timestamp with time zone,
                  consecutive_failures INT, last_heartbeat timestamp with time zone, version BIGINT NOT NULL,
                  priority SMALLINT, PRIMARY KEY (task_name, task_instance))""");
        sql("CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)");
        sql("CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
        sql("CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)");

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(24);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            // Drain: its fastest setting here, lock-and-fetch 4.0/20.0 with 20 threads.
            OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> { });
            sql("INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version, priority) "
                    + "SELECT 'noop', g::text, now() + interval '1 day', false, 1, 0 FROM generate_series(1, " + TASKS + ") g");
            sql("ANALYZE scheduled_tasks");
            Scheduler scheduler = Scheduler.create(dataSource, noop).threads(20).pollUsingLockAndFetch(4.0, 20.0)
                    .pollingInterval(Duration.ofSeconds(1)).build();
            scheduler.start();
            sql("UPDATE scheduled_tasks SET execution_time = now() - interval '1 second'");
            long start = System.nanoTime();
            awaitEmpty("scheduled_tasks", Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - start) / 1e9;
            scheduler.stop();
            record("drain.dbscheduler", TASKS / seconds);
            table.add(new String[] {"drain, db-scheduler 16.7.1 (lock-and-fetch 4.0/20.0, 20 threads)",
                    fmt(TASKS / seconds) + " tasks/s", String.format(Locale.ROOT, "%d tasks in %.2f s", TASKS, seconds)});

            // Pickup with immediate execution, and the cost of schedule().
            Map<String, Long> started = new ConcurrentHashMap<>();
            OneTimeTask<Void> probe = Tasks.oneTime("probe").execute((instance, context) ->
                    started.put(instance.getId(), BenchTasks.micros()));
            Scheduler immediate = Scheduler.create(dataSource, probe).threads(20).enableImmediateExecution()
                    .pollingInterval(Duration.ofSeconds(10)).build();
            immediate.start();
            Thread.sleep(1000);
            Map<String, Long> scheduled = new LinkedHashMap<>();
            List<Double> scheduleMillis = new ArrayList<>();
            for (int i = 0; i < PROBES + 50; i++) {
                String id = "p" + i;
                long before = BenchTasks.micros();
                long t0 = System.nanoTime();
                immediate.schedule(probe.instance(id), Instant.now());
                scheduleMillis.add((System.nanoTime() - t0) / 1e6);
                scheduled.put(id, before);
                Thread.sleep(GAP_MILLIS);
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (started.size() < scheduled.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            immediate.stop();
            List<Double> latencies = new ArrayList<>();
            int i = 0;
            for (Map.Entry<String, Long> e : scheduled.entrySet()) {
                if (i++ >= 50 && started.containsKey(e.getKey())) {
                    latencies.add((started.get(e.getKey()) - e.getValue()) / 1000.0);
                }
            }
            latency("pickup.dbscheduler", "pickup, db-scheduler, immediate execution, same JVM", latencies);
            Stats schedule = Stats.of(scheduleMillis.subList(50, scheduleMillis.size()));
            results.put("enqueue.dbscheduler.schedule", schedule);
            table.add(new String[] {"enqueue, db-scheduler schedule() (insert + commit)",
                    String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms", schedule.p50(), schedule.p99()), ""});
        }
        sql("DROP TABLE scheduled_tasks");
    }

    // ---- latency and enqueue cost --------------------------------------------------------------

    private void pickupOurs(PayaraNode enqueuer, String label, PayaraNode worker) throws Exception {
        reset();
        sql("CREATE TABLE IF NOT EXISTS bench_probe (id BIGINT PRIMARY KEY, started_micros BIGINT NOT NULL)");
        sql("DELETE FROM bench_probe");
        enqueuer.post("bench/pickup?first=0&count=50&gapMillis=" + GAP_MILLIS);
        String lines = enqueuer.post("bench/pickup?first=1000&count=" + PROBES + "&gapMillis=" + GAP_MILLIS);
        awaitEmpty("background_task", Duration.ofMinutes(1));
        Map<Long, Long> started = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT id, started_micros FROM bench_probe WHERE id >= 1000")) {
            while (rows.next()) {
                started.put(rows.getLong(1), rows.getLong(2));
            }
        }
        List<Double> latencies = new ArrayList<>();
        for (String line : lines.split("\n")) {
            double[] fields = Stats.parse(line);
            Long start = started.get((long) fields[0]);
            if (start != null) {
                latencies.add((start - fields[1]) / 1000.0);
            }
        }
        if (latencies.size() != PROBES) {
            throw new IllegalStateException(label + ": " + latencies.size() + " of " + PROBES + " probes ran");
        }
        latency("pickup." + (enqueuer == worker ? "ours.same-node" : "ours.other-node"), "pickup, " + label, latencies);
    }

    private void enqueueCost(PayaraNode node) throws Exception {
        sql("CREATE TABLE IF NOT EXISTS bench_work (n INT)");
        node.post("bench/enqueue-cost?count=300");
        String[] lines = node.post("bench/enqueue-cost?count=2000").split("\n");
        Stats without = Stats.of(millis(Stats.parse(lines[0])));
        Stats with = Stats.of(millis(Stats.parse(lines[1])));
        results.put("enqueue.ours.tx-without", without);
        results.put("enqueue.ours.tx-with", with);
        results.put("enqueue.ours.added.p50", with.p50() - without.p50());
        results.put("enqueue.ours.added.p99", with.p99() - without.p99());
        table.add(new String[] {"enqueue, ours: one @Background call added to a committing transaction",
                String.format(Locale.ROOT, "p50 +%.3f ms, p99 +%.3f ms", with.p50() - without.p50(), with.p99() - without.p99()),
                String.format(Locale.ROOT, "transaction p50 %.3f → %.3f ms", without.p50(), with.p50())});
        sql("DROP TABLE bench_work");
    }

    // ---- claim cost ----------------------------------------------------------------------------

    private void claimCost() throws Exception {
        Map<Integer, Stats> byBacklog = new LinkedHashMap<>();
        for (int backlog : new int[] {10_000, 100_000, 1_000_000}) {
            reset();
            sql("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                    + "timeout_millis, created_at) SELECT -g, 'bench.noop', '[]', 'default', (g % 3) - 1, "
                    + "TIMESTAMP '2020-01-01' + g * INTERVAL '1 millisecond', 0, 1, 60000, TIMESTAMP '2020-01-01' "
                    + "FROM generate_series(1, " + backlog + ") g");
            sql("VACUUM ANALYZE background_task");
            List<Double> millis = new ArrayList<>();
            LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
            try (Connection c = connect()) {
                c.setAutoCommit(false);
                try (PreparedStatement claim = c.prepareStatement(PostgresDialect.CLAIM_EVERY_QUEUE);
                     Statement pin = c.createStatement()) {
                    for (int i = 0; i < 250; i++) {
                        pin.execute(PostgresDialect.PIN_CLAIM_PLAN);
                        claim.setString(1, "bench");
                        claim.setObject(2, now);
                        claim.setLong(3, 60_000);
                        claim.setObject(4, now);
                        claim.setArray(5, c.createArrayOf("varchar", new Object[0]));
                        claim.setInt(6, 32);
                        long t0 = System.nanoTime();
                        try (ResultSet rows = claim.executeQuery()) {
                            while (rows.next()) {
                                rows.getLong(1);
                            }
                        }
                        c.rollback();
                        if (i >= 50) {
                            millis.add((System.nanoTime() - t0) / 1e6);
                        }
                    }
                }
            }
            Stats stats = Stats.of(millis);
            byBacklog.put(backlog, stats);
            results.put("claim.backlog-" + backlog, stats);
            table.add(new String[] {"claim of 32 rows, " + String.format(Locale.ROOT, "%,d", backlog) + " pending",
                    String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms", stats.p50(), stats.p99()), ""});
        }
        results.put("claim.p99-ratio-1M-to-10k", byBacklog.get(1_000_000).p99() / byBacklog.get(10_000).p99());
        reset();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void latency(String key, String label, List<Double> millis) {
        Stats stats = Stats.of(millis);
        results.put(key, stats);
        table.add(new String[] {label, String.format(Locale.ROOT, "p50 %.2f ms, p95 %.2f, p99 %.2f, max %.2f",
                stats.p50(), stats.p95(), stats.p99(), stats.max()), stats.n() + " tasks, " + GAP_MILLIS + " ms apart"});
    }

    private static List<Double> millis(double[] nanos) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < nanos.length; i++) {
            values.add(nanos[i] / 1e6);
        }
        return values;
    }

    private void record(String key, double value) {
        results.put(key, value);
    }

    private void report(Path dir) throws Exception {
        Object ours32 = results.get("drain.ours.c32");
        Object theirs = results.get("drain.dbscheduler");
        if (ours32 instanceof Double a && theirs instanceof Double b && results.get("drain.ours.c8") != null) {
            results.put("drain.ratio.c32-to-dbscheduler", a / b);
            results.put("drain.ratio.c8-to-dbscheduler", (Double) results.get("drain.ours.c8") / b);
            table.add(new String[] {"drain ratio, ours / db-scheduler",
                    String.format(Locale.ROOT, "%.2f× (concurrency 32), %.2f× (concurrency 8)", a / b,
                            (Double) results.get("drain.ours.c8") / b), ""});
        }
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%nbackground-tasks benchmark, %s, %d tasks per drain, PostgreSQL at %s%n", LocalDate.now(), TASKS, URL));
        int width = table.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        for (String[] row : table) {
            text.append(String.format(Locale.ROOT, "%-" + width + "s  %-44s  %s%n", row[0], row[1], row[2]));
        }
        System.out.println(text);
        StringBuilder json = new StringBuilder("{\n  \"date\": \"" + LocalDate.now() + "\",\n  \"tasks\": " + TASKS);
        for (Map.Entry<String, Object> e : results.entrySet()) {
            Object v = e.getValue();
            String value = v instanceof Stats s ? s.json() : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
            json.append(",\n  \"").append(e.getKey()).append("\": ").append(value);
        }
        json.append("\n}\n");
        Files.writeString(dir.resolve("results.json"), json, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.txt"), text, StandardCharsets.UTF_8);
    }

    private static String fmt(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    private static String writePostBoot(Path dir) throws Exception {
        String asadmin = Files.readString(Path.of("server-config/payara-micro/postgresql.asadmin"))
                .replace("databaseName=background_tasks:", "databaseName=background_tasks_bench:");
        Path file = dir.resolve("postgresql-bench.asadmin");
        Files.writeString(file, asadmin);
        return file.toString();
    }

    private static void createDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "postgres");
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'background_tasks_bench'")) {
            if (!rows.next()) {
                s.execute("CREATE DATABASE background_tasks_bench");
            }
        }
        String schema;
        try {
            schema = new String(QueueBenchmark.class.getClassLoader()
                    .getResourceAsStream("META-INF/background-tasks/schema/postgresql.sql").readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(schema);
        }
    }

    private static void reset() throws SQLException {
        sql("TRUNCATE background_task, background_task_completed");
    }

    /** Waits for the table to empty, on one connection so that watching costs the database little. */
    private static void awaitEmpty(String table, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        try (Connection c = connect();
             PreparedStatement any = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + table + ")")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rows = any.executeQuery()) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException(table + " still holds " + number("SELECT COUNT(*) FROM " + table) + " rows");
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, "postgres", "postgres");
    }

    private static long number(String query) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
