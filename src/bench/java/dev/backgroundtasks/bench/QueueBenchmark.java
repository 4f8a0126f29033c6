package dev.backgroundtasks.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
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
    /** Tasks per transaction of the batch enqueue. */
    private static final int BATCH_SIZE = Integer.getInteger("bench.batch-size", 50_000);
    private static final int GAP_MILLIS = 20;
    /**
     * Which parts to run, for iterating on one of them: env, claim, dbscheduler, c8, c32; write (the
     * writing tasks, on each side that runs), batch (batch enqueue, on each side that runs), heap (a
     * node draining a large backlog with a small heap), mariadb (drain, pickup and claim cost on MariaDB),
     * console (the console's and admin API's reads next to a million archived tasks).
     */
    private static final List<String> PARTS = List.of(System.getProperty("bench.parts",
            "env,claim,dbscheduler,c8,c32,write,batch,heap,mariadb,console").split(","));
    /** The heap of the node that drains the large backlog. */
    private static final String HEAP_NODE_XMX = System.getProperty("bench.heap-xmx", "256m");
    /** Tasks a node may claim ahead of its free slots, as a multiple of its slots (worker.claim-ahead); 0 for the default, none. */
    private static final int CLAIM_AHEAD_PER_SLOT = Integer.getInteger("bench.claim-ahead-per-slot", 1);
    /** Extra JVM options for the Payara Micro nodes, such as a profiler's, separated by spaces. */
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
                .addClasses(BenchTasks.class, BenchResource.class, BenchResource.Api.class, HeapWatch.class)
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
                drain("ours, concurrency 8, claim-ahead " + 8 * CLAIM_AHEAD_PER_SLOT, "drain.ours.c8",
                        Drains.ours(node, Drains.Workload.NOOP), Drains.Workload.NOOP);
                if (PARTS.contains("write")) {
                    drain("ours, writing tasks, concurrency 8, claim-ahead " + 8 * CLAIM_AHEAD_PER_SLOT, "drain.ours.write.c8",
                            Drains.ours(node, Drains.Workload.WRITE), Drains.Workload.WRITE);
                }
                pickupOurs(node, "ours, same node", node);
                enqueueCost(node);
                if (PARTS.contains("batch")) {
                    batchOurs(node);
                }
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
                drain("ours, concurrency 32, claim-ahead " + 32 * CLAIM_AHEAD_PER_SLOT, "drain.ours.c32",
                        Drains.ours(worker, Drains.Workload.NOOP), Drains.Workload.NOOP);
                if (PARTS.contains("write")) {
                    drain("ours, writing tasks, concurrency 32, claim-ahead " + 32 * CLAIM_AHEAD_PER_SLOT,
                            "drain.ours.write.c32", Drains.ours(worker, Drains.Workload.WRITE), Drains.Workload.WRITE);
                }
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
        if (PARTS.contains("write") && PARTS.contains("c8")) {
            // The library's defaults (4 slots, no claims ahead), as a first test of writing tasks meets them.
            PayaraNode node = PayaraNode.startWith(postBoot, "benchdefaults", 18486, war, dir, nodeOptions()).awaitReady();
            try {
                drain("ours, writing tasks, default settings (concurrency 4, no claim-ahead)", "drain.ours.write.defaults",
                        Drains.ours(node, Drains.Workload.WRITE), Drains.Workload.WRITE);
            } finally {
                node.stop();
            }
        }
        if (PARTS.contains("heap")) {
            heap(postBoot, war, dir);
        }
        if (PARTS.contains("mariadb")) {
            mariaDb(war, dir);
        }
        if (PARTS.contains("console")) {
            consolePages();
        }
        report(dir);
    }

    /** The drain, pickup and claim cost on MariaDB, at concurrency 32 on one node. */
    private void mariaDb(File war, Path dir) throws Exception {
        String postBoot = MariaDbBench.prepare(dir);
        PayaraNode node = PayaraNode.startOn("mariadb-java-client.jar", postBoot, "benchmaria", 18485, war, dir,
                nodeOptions("-Dbackground-tasks.worker.concurrency=32", "-Dbackground-tasks.worker.poll-interval=" + MariaDbBench.POLL,
                        "-Dbackground-tasks.worker.claim-ahead=" + 32 * CLAIM_AHEAD_PER_SLOT)).awaitReady();
        try {
            Spread rates = MariaDbBench.drains(node);
            results.put("mariadb.drain.ours.c32", rates);
            table.add(new String[] {"MariaDB: drain, ours, concurrency 32, claim-ahead " + 32 * CLAIM_AHEAD_PER_SLOT,
                    rates.text() + " tasks/s", String.format(Locale.ROOT, "%d tasks × %d after a warm-up; polls every %s",
                            Drains.TASKS, Drains.REPEATS, MariaDbBench.POLL)});
            MariaDbBench.reset();
            pickup(node, "MariaDB, ours, same node (polls every " + MariaDbBench.POLL + ")", "mariadb.pickup.ours.same-node",
                    MariaDbBench::connect, () -> MariaDbBench.awaitEmpty(Duration.ofMinutes(1)));
        } finally {
            node.stop();
        }
        claimCosts("MariaDB: ", "mariadb.claim.", MariaDbBench.claimCost());
    }

    /** A node with a small heap drains a large backlog at concurrency 32: what it held at most, and how fast. */
    private void heap(String postBoot, File war, Path dir) throws Exception {
        PayaraNode node = PayaraNode.startWith(postBoot, "benchheap", 18484, war, dir,
                nodeOptions("-Xmx" + HEAP_NODE_XMX, "-Dbackground-tasks.worker.concurrency=32",
                        "-Dbackground-tasks.worker.claim-ahead=" + 32 * CLAIM_AHEAD_PER_SLOT)).awaitReady();
        try {
            node.get("bench/heap?reset=true");
            Thread.sleep(500);
            node.get("bench/heap?reset=true");
            double rate = Drains.once(node, Drains.Workload.BACKLOG);
            double[] heap = Stats.parse(node.get("bench/heap").trim());
            results.put("heap.backlog.peak-after-gc-mib", heap[0]);
            results.put("heap.backlog.peak-used-mib", heap[1]);
            results.put("heap.backlog.max-mib", heap[2]);
            results.put("heap.backlog.tasks-per-second", rate);
            table.add(new String[] {"heap, ours: a node with -Xmx" + HEAP_NODE_XMX + " drains " + Drains.Workload.BACKLOG.tasks
                    + " tasks", String.format(Locale.ROOT, "after GC at most %.0f MiB, used at most %.0f MiB", heap[0], heap[1]),
                    String.format(Locale.ROOT, "heap max %.0f MiB; one drain, %.0f tasks/s", heap[2], rate)});
        } finally {
            node.stop();
        }
    }

    /** Batch enqueue: one transaction storing {@code bench.batch-size} tasks, a warm-up then five timed. */
    private void batchOurs(PayaraNode node) throws Exception {
        int size = BATCH_SIZE;
        node.post("bench/enqueue-batch?count=" + size + "&repeats=2");
        double[] nanos = Stats.parse(node.post("bench/enqueue-batch?count=" + size + "&repeats=5").trim());
        List<Double> rates = new ArrayList<>();
        for (double n : nanos) {
            rates.add(size / (n / 1e9));
        }
        batch("ours, enqueueAll() in one JTA transaction", "enqueue.batch.ours", Spread.of(rates), size);
    }

    /** db-scheduler's scheduleBatch(), timed the same way, in the batches its client writes. */
    private void batchTheirs(HikariDataSource dataSource) throws Exception {
        Drains.createTable();
        OneTimeTask<Void> task = Tasks.oneTime("batch").execute((instance, context) -> { });
        SchedulerClient client = SchedulerClient.Builder.create(dataSource, task).build();
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < 7; r++) {
            List<TaskInstance<?>> instances = new ArrayList<>(BATCH_SIZE);
            for (int i = 0; i < BATCH_SIZE; i++) {
                instances.add(task.instance(r + "-" + i));
            }
            long start = System.nanoTime();
            client.scheduleBatch(instances, Instant.now().plus(Duration.ofDays(365)));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (r >= 2) {
                rates.add(BATCH_SIZE / seconds);
            }
            if (BenchDatabase.number("SELECT COUNT(*) FROM scheduled_tasks") != BATCH_SIZE) {
                throw new IllegalStateException("db-scheduler's batch did not store " + BATCH_SIZE + " tasks");
            }
            sql("DELETE FROM scheduled_tasks");
        }
        batch(DB_SCHEDULER + " scheduleBatch()", "enqueue.batch.dbscheduler", Spread.of(rates), BATCH_SIZE);
    }

    private void batch(String label, String key, Spread rates, int size) {
        results.put(key, rates);
        table.add(new String[] {"batch enqueue, " + label, rates.text() + " tasks/s",
                String.format(Locale.ROOT, "%d tasks per transaction, 5 timed after a warm-up", size)});
    }

    private static String[] nodeOptions(String... options) {
        List<String> all = new ArrayList<>(List.of(options));
        all.addAll(List.of(NODE_OPTIONS));
        return all.toArray(String[]::new);
    }

    // ---- drain ---------------------------------------------------------------------------------

    private void drain(String label, String key, Drains.Result result, Drains.Workload work) {
        results.put(key, result.tasksPerSecond());
        results.put(key + ".wal-bytes-per-task", result.walBytesPerTask());
        results.put(key + ".checkpoints", (double) result.checkpoints());
        results.put(key + ".commits-per-task", result.commitsPerTask());
        results.put(key + ".wal-syncs-per-task", result.walSyncsPerTask());
        results.put(key + ".db-cpu-micros-per-task", result.dbCpuMicrosPerTask());
        results.put(key + ".db-cores", result.dbCores());
        table.add(new String[] {"drain, " + label, result.tasksPerSecond().text() + " tasks/s",
                String.format(Locale.ROOT, "%d tasks × %d after a warm-up; per task %.0f WAL bytes, %.3f commits, %.3f WAL "
                                + "flushes, %.0f µs database CPU (%.2f cores busy); %d checkpoints", work.tasks, Drains.REPEATS,
                        result.walBytesPerTask(), result.commitsPerTask(), result.walSyncsPerTask(), result.dbCpuMicrosPerTask(),
                        result.dbCores(), result.checkpoints())});
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
                        Drains.dbScheduler(dataSource, threads, Drains.Workload.NOOP), Drains.Workload.NOOP);
            }
            if (PARTS.contains("write")) {
                for (int threads : new int[] {8, 32}) {
                    drain(DB_SCHEDULER + ", writing tasks, " + threads + " threads, lock-and-fetch 4.0/20.0",
                            "drain.dbscheduler.write.t" + threads, Drains.dbScheduler(dataSource, threads, Drains.Workload.WRITE),
                            Drains.Workload.WRITE);
                }
            }
            if (PARTS.contains("batch")) {
                batchTheirs(dataSource);
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

    /** Opens a connection to the database a node works on. */
    private interface Connector {
        Connection connect() throws SQLException;
    }

    /** Waits for something on the database. */
    private interface Wait {
        void run() throws Exception;
    }

    private void pickupOurs(PayaraNode enqueuer, String label, PayaraNode worker) throws Exception {
        reset();
        pickup(enqueuer, label, "pickup." + (enqueuer == worker ? "ours.same-node" : "ours.other-node"),
                BenchDatabase::connect, () -> awaitEmpty("background_task", Duration.ofMinutes(1)));
    }

    private void pickup(PayaraNode enqueuer, String label, String key, Connector db, Wait awaitEmpty) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_probe (id BIGINT PRIMARY KEY, started_micros BIGINT NOT NULL)");
            s.execute("DELETE FROM bench_probe");
        }
        enqueuer.post("bench/pickup?first=0&count=50&gapMillis=" + GAP_MILLIS);
        String lines = enqueuer.post("bench/pickup?first=1000&count=" + PROBES + "&gapMillis=" + GAP_MILLIS);
        awaitEmpty.run();
        Map<Long, Long> started = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
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
        latency(key, "pickup, " + label, latencies);
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

    /** The console's and admin API's reads next to a million archived tasks; the target is under 200 ms each. */
    private void consolePages() throws Exception {
        for (Map.Entry<String, Stats> page : ConsolePages.measure().entrySet()) {
            Stats stats = page.getValue();
            results.put("console." + page.getKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"), stats);
            table.add(new String[] {"console, " + ConsolePages.ARCHIVED + " archived and " + ConsolePages.PENDING
                    + " pending: " + page.getKey(), String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f, max %.1f",
                    stats.p50(), stats.p95(), stats.max()), stats.p95() < 200 ? "under 200 ms" : "over 200 ms"});
        }
    }

    private void claimCost() throws Exception {
        claimCosts("", "claim.", ClaimCost.measure());
    }

    private void claimCosts(String prefix, String keyPrefix, Map<ClaimCost.Scenario, Stats> costs) {
        double base = costs.values().iterator().next().p50();
        int i = 0;
        for (Map.Entry<ClaimCost.Scenario, Stats> e : costs.entrySet()) {
            Stats stats = e.getValue();
            results.put(keyPrefix + i++, stats);
            table.add(new String[] {prefix + "claim of 32 rows, " + e.getKey().label(),
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
