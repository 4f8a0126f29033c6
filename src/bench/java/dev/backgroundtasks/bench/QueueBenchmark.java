package dev.backgroundtasks.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backgroundtasks.cluster.PayaraNode;
import dev.backgroundtasks.it.Deployments;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures this queue and db-scheduler side by side on the local PostgreSQL, in one sitting: drain
 * throughput (a warm-up drain, then {@code bench.drains} timed ones each, min / median / max),
 * pickup latency, enqueue cost, and claim cost next to due, scheduled and paused backlogs. Prints a
 * table and writes target/benchmark/results.json with the database's settings, its disk's flush
 * rate, and the WAL and checkpoints of the drains. Run with {@code mvn -Pbenchmark verify}.
 */
class QueueBenchmark {

    private static final String DB_SCHEDULER = "db-scheduler 16.12.0";
    /** db-scheduler's thread counts to drain with; the best of them is the one compared. */
    private static final List<Integer> DB_SCHEDULER_THREADS = java.util.Arrays.stream(
            System.getProperty("bench.dbscheduler-threads", "8,20,32").split(",")).map(Integer::valueOf).toList();
    private static final int PROBES = Integer.getInteger("bench.probes", 500);
    private static final int GAP_MILLIS = 20;
    /** Which parts to run, for iterating on one of them: env, claim, dbscheduler, c8, c32. */
    private static final List<String> PARTS = List.of(System.getProperty("bench.parts", "env,claim,dbscheduler,c8,c32").split(","));
    /** Extra JVM options for the Payara Micro nodes, such as a profiler's, separated by spaces. */
    /** Tasks a node may claim ahead of its free slots, as a multiple of its slots (worker.claim-ahead); 0 for the default, none. */
    private static final int CLAIM_AHEAD_PER_SLOT = Integer.getInteger("bench.claim-ahead-per-slot", 1);
    private static final String[] NODE_OPTIONS = System.getProperty("bench.node-options", "").isBlank()
            ? new String[0] : System.getProperty("bench.node-options").trim().split("\\s+");

    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String[]> table = new ArrayList<>();
    private final Map<String, String> settings = new LinkedHashMap<>();

    @Test
    void run() throws Exception {
        BenchDatabase.create();
        Path dir = Files.createDirectories(Path.of("target", "benchmark"));
        File war = dir.resolve("bench.war").toFile();
        Deployments.library("bench.war", "background-tasks.worker.poll-interval=PT1S")
                .addClasses(BenchTasks.class, BenchResource.class, BenchResource.Api.class)
                .as(ZipExporter.class).exportTo(war, true);
        String postBoot = writePostBoot(dir);

        if (PARTS.contains("env")) {
            environment();
        }
        if (PARTS.contains("claim")) {
            claimCost();
        }
        if (PARTS.contains("dbscheduler")) {
            dbScheduler();
        }
        if (PARTS.contains("c8")) {
            PayaraNode node = PayaraNode.startWith(postBoot, "bench8", 18481, war, dir,
                    nodeOptions("-Dbackground-tasks.worker.concurrency=8",
                            "-Dbackground-tasks.worker.claim-ahead=" + 8 * CLAIM_AHEAD_PER_SLOT)).awaitReady();
            try {
                drain("ours, concurrency 8, claim-ahead " + 8 * CLAIM_AHEAD_PER_SLOT, "drain.ours.c8", Drains.ours(node));
                pickupOurs(node, "ours, same node", node);
                enqueueCost(node);
            } finally {
                node.stop();
            }
        }
        if (PARTS.contains("c32")) {
            PayaraNode worker = PayaraNode.startWith(postBoot, "bench32", 18482, war, dir,
                    nodeOptions("-Dbackground-tasks.worker.concurrency=32",
                            "-Dbackground-tasks.worker.claim-ahead=" + 32 * CLAIM_AHEAD_PER_SLOT)).awaitReady();
            PayaraNode enqueuer = null;
            try {
                drain("ours, concurrency 32, claim-ahead " + 32 * CLAIM_AHEAD_PER_SLOT, "drain.ours.c32", Drains.ours(worker));
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

    private void drain(String label, String key, Drains.Result result) {
        results.put(key, result.tasksPerSecond());
        results.put(key + ".wal-bytes-per-task", result.walBytesPerTask());
        results.put(key + ".checkpoints", (double) result.checkpoints());
        results.put(key + ".commits-per-task", result.commitsPerTask());
        table.add(new String[] {"drain, " + label, result.tasksPerSecond().text() + " tasks/s",
                String.format(Locale.ROOT, "%d tasks × %d after a warm-up; per task %.0f WAL bytes, %.3f commits; %d checkpoints",
                        Drains.TASKS, Drains.REPEATS, result.walBytesPerTask(), result.commitsPerTask(), result.checkpoints())});
    }

    private void dbScheduler() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(BenchDatabase.URL);
        config.setUsername("postgres");
        config.setPassword("postgres");
        // A connection for every thread, its poller and the benchmark's own reads.
        config.setMaximumPoolSize(DB_SCHEDULER_THREADS.stream().max(Integer::compare).orElse(20) + 4);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            for (int threads : DB_SCHEDULER_THREADS) {
                drain(DB_SCHEDULER + ", " + threads + " threads, lock-and-fetch 4.0/20.0", "drain.dbscheduler.t" + threads,
                        Drains.dbScheduler(dataSource, threads));
            }
            Drains.createTable();

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
            latency("pickup.dbscheduler", "pickup, " + DB_SCHEDULER + ", immediate execution, same JVM", latencies);
            Stats schedule = Stats.of(scheduleMillis.subList(50, scheduleMillis.size()));
            results.put("enqueue.dbscheduler.schedule", schedule);
            table.add(new String[] {"enqueue, " + DB_SCHEDULER + " schedule() (insert + commit)",
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
        Map<ClaimCost.Scenario, Stats> costs = ClaimCost.measure();
        double base = costs.values().iterator().next().p50();
        int i = 0;
        for (Map.Entry<ClaimCost.Scenario, Stats> e : costs.entrySet()) {
            Stats stats = e.getValue();
            results.put("claim." + i++, stats);
            table.add(new String[] {"claim of 32 rows, " + e.getKey().label(),
                    String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms", stats.p50(), stats.p99()),
                    String.format(Locale.ROOT, "p50 %.2f× the first", stats.p50() / base)});
        }
    }

    private void environment() throws Exception {
        String fsync = DatabaseMeter.fsyncRate();
        settings.putAll(DatabaseMeter.settings());
        if (fsync != null) {
            settings.put("pg_test_fsync fdatasync (one 8kB write)", fsync);
        }
        table.add(new String[] {"database", settings.getOrDefault("server_version", "?") + ", synchronous_commit "
                + settings.getOrDefault("synchronous_commit", "?"), fsync == null ? "" : "fdatasync " + fsync});
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

    private void report(Path dir) throws Exception {
        double best = 0;
        String bestLabel = null;
        for (int threads : DB_SCHEDULER_THREADS) {
            if (results.get("drain.dbscheduler.t" + threads) instanceof Spread spread && spread.median() > best) {
                best = spread.median();
                bestLabel = threads + " threads";
            }
        }
        for (int concurrency : new int[] {8, 32}) {
            if (best > 0 && results.get("drain.ours.c" + concurrency) instanceof Spread ours) {
                results.put("drain.ratio.c" + concurrency + "-to-dbscheduler-best", ours.median() / best);
                table.add(new String[] {"drain ratio, ours at concurrency " + concurrency + " / " + DB_SCHEDULER + "'s best",
                        String.format(Locale.ROOT, "%.2f× (medians)", ours.median() / best), "its best: " + bestLabel});
            }
        }
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%nbackground-tasks benchmark, %s, %d tasks per drain, PostgreSQL at %s%n", LocalDate.now(), Drains.TASKS,
                BenchDatabase.URL));
        int width = table.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        for (String[] row : table) {
            text.append(String.format(Locale.ROOT, "%-" + width + "s  %-44s  %s%n", row[0], row[1], row[2]));
        }
        System.out.println(text);
        StringBuilder json = new StringBuilder("{\n  \"date\": \"" + LocalDate.now() + "\",\n  \"tasks\": " + Drains.TASKS
                + ",\n  \"timed_drains\": " + Drains.REPEATS);
        json.append(",\n  \"database\": {");
        int i = 0;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            json.append(i++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": \"").append(e.getValue()).append('"');
        }
        json.append('}');
        for (Map.Entry<String, Object> e : results.entrySet()) {
            Object v = e.getValue();
            String value = v instanceof Stats st ? st.json() : v instanceof Spread sp ? sp.json()
                    : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
            json.append(",\n  \"").append(e.getKey()).append("\": ").append(value);
        }
        json.append("\n}\n");
        Files.writeString(dir.resolve("results.json"), json, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.txt"), text, StandardCharsets.UTF_8);
    }

    private static String writePostBoot(Path dir) throws Exception {
        String asadmin = Files.readString(Path.of("server-config/payara-micro/postgresql.asadmin"))
                .replace("databaseName=background_tasks:", "databaseName=background_tasks_bench:");
        Path file = dir.resolve("postgresql-bench.asadmin");
        Files.writeString(file, asadmin);
        return file.toString();
    }

    private static void reset() throws SQLException {
        BenchDatabase.reset();
    }

    private static void awaitEmpty(String table, Duration limit) throws Exception {
        BenchDatabase.awaitEmpty(table, limit);
    }

    private static Connection connect() throws SQLException {
        return BenchDatabase.connect();
    }

    private static void sql(String statement) throws SQLException {
        BenchDatabase.sql(statement);
    }
}
