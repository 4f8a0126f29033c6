package dev.backgroundtasks.bench;

import dev.backgroundtasks.cluster.PayaraNode;
import dev.backgroundtasks.internal.store.dialect.ClaimRequest;
import dev.backgroundtasks.internal.store.dialect.MariaDbDialect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drain and the claim cost on the local MariaDB, measured as on PostgreSQL (no peer: db-scheduler
 * is compared on PostgreSQL). MariaDB has no notifications, so the node finds the due backlog at its
 * next poll; the node polls every {@link #POLL} here, and the clock starts when the rows become due.
 */
final class MariaDbBench {

    static final String URL = System.getProperty("bench.mariadb-url", "jdbc:mariadb://127.0.0.1:3306/background_tasks_bench");
    /** The poll interval of the MariaDB node, which bounds how late a drain starts. */
    static final String POLL = "PT0.05S";
    private static final String USER = "background_tasks";

    private static final String INSERT = "INSERT INTO background_task (id, task_name, params, queue, priority, run_at, "
            + "attempts, max_attempts, timeout_millis, created_at) ";
    private static final String DUE = INSERT + "SELECT -g, 'bench.noop', '[]', 'default', 0, "
            + "TIMESTAMP '2020-01-01 00:00:00' + INTERVAL g MICROSECOND, 0, 1, 60000, TIMESTAMP '2020-01-01 00:00:00' "
            + "FROM (SELECT CAST(seq AS SIGNED) AS g FROM seq_1_to_1000) s";
    private static final String TOMORROW = INSERT + "SELECT -1000 - g, 'bench.noop', '[]', 'default', 10, "
            + "UTC_TIMESTAMP() + INTERVAL 1 DAY, 0, 1, 60000, TIMESTAMP '2020-01-01 00:00:00' "
            + "FROM (SELECT CAST(seq AS SIGNED) AS g FROM seq_1_to_1000000) s";

    static final List<ClaimCost.Scenario> SCENARIOS = List.of(
            new ClaimCost.Scenario("1,000 due", List.of(DUE), List.of()),
            new ClaimCost.Scenario("1,000,000 due", List.of(INSERT + "SELECT -g, 'bench.noop', '[]', 'default', "
                    + "(g % 3) - 1, TIMESTAMP '2020-01-01 00:00:00' + INTERVAL g MICROSECOND, 0, 1, 60000, "
                    + "TIMESTAMP '2020-01-01 00:00:00' FROM (SELECT CAST(seq AS SIGNED) AS g FROM seq_1_to_1000000) s"), List.of()),
            new ClaimCost.Scenario("1,000 due, 1,000,000 due tomorrow at a higher priority", List.of(DUE, TOMORROW), List.of()),
            new ClaimCost.Scenario("nothing due, 1,000,000 due tomorrow (an idle poll)", List.of(TOMORROW), List.of()),
            new ClaimCost.Scenario("1,000 due, 300,000 due in a paused queue at a higher priority", List.of(DUE, INSERT
                    + "SELECT -1000 - g, 'bench.noop', '[]', 'reports', 10, TIMESTAMP '2020-01-01 00:00:00', 0, 1, 60000, "
                    + "TIMESTAMP '2020-01-01 00:00:00' FROM (SELECT CAST(seq AS SIGNED) AS g FROM seq_1_to_300000) s", ClaimCost.PAUSE_REPORTS), List.of("reports")));

    private MariaDbBench() {
    }

    /** Creates the database and the user the node's pool logs in as; returns the node's post-boot file. */
    static String prepare(Path dir) throws Exception {
        String admin = URL.substring(0, URL.lastIndexOf('/') + 1);
        String name = URL.substring(URL.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(admin, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            for (String host : List.of("localhost", "127.0.0.1")) {
                s.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'" + host + "' IDENTIFIED BY '" + USER + "'");
                s.execute("GRANT ALL PRIVILEGES ON " + name + ".* TO '" + USER + "'@'" + host + "'");
            }
        }
        String asadmin = Files.readString(Path.of("server-config/payara-micro/mariadb-test.asadmin"))
                .replace("3306/background_tasks_test:", "3306/" + name + ":");
        Path file = dir.resolve("mariadb-bench.asadmin");
        Files.writeString(file, asadmin);
        return file.toString();
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, "root", "");
    }

    static void sql(String statement) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    static long number(String query) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Empties the task and archive tables. TRUNCATE, not DELETE: a million deleted rows keep InnoDB's
     * purge busy for many seconds, and the next measurement with it.
     */
    static void reset() throws SQLException {
        sql("TRUNCATE TABLE background_task");
        sql("TRUNCATE TABLE background_task_completed");
    }

    /** A warm-up drain of no-op tasks, then {@link Drains#REPEATS} timed ones: tasks per second. */
    static Spread drains(PayaraNode node) throws Exception {
        drain(node);
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < Drains.REPEATS; i++) {
            rates.add(Drains.TASKS / drain(node));
        }
        return Spread.of(rates);
    }

    private static double drain(PayaraNode node) throws Exception {
        reset();
        sql(INSERT + "SELECT -g, 'bench.noop', '[]', 'default', 0, TIMESTAMP '2999-01-01 00:00:00', 0, 1, 60000, "
                + "TIMESTAMP '2026-01-01 00:00:00' FROM (SELECT CAST(seq AS SIGNED) AS g FROM seq_1_to_" + Drains.TASKS + ") s");
        sql("ANALYZE TABLE background_task");
        Thread.sleep(1500);
        long runsBefore = Long.parseLong(node.get("bench/runs").trim());
        sql("UPDATE background_task SET run_at = TIMESTAMP '2000-01-01 00:00:00'");
        long start = System.nanoTime();
        awaitEmpty(Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        long archived = number("SELECT COUNT(*) FROM background_task_completed WHERE outcome = 'SUCCEEDED'");
        long runs = Long.parseLong(node.get("bench/runs").trim()) - runsBefore;
        if (archived != Drains.TASKS || runs != Drains.TASKS) {
            throw new IllegalStateException("MariaDB drain of " + Drains.TASKS + " tasks: " + runs + " runs, " + archived
                    + " archived SUCCEEDED");
        }
        return seconds;
    }

    static void awaitEmpty(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        try (Connection c = connect();
             PreparedStatement any = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM background_task)")) {
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
        throw new IllegalStateException("background_task still holds " + number("SELECT COUNT(*) FROM background_task") + " rows");
    }

    /** Milliseconds per claim of 32 rows through the dialect's own claim, rolled back each time: 250 claims, the first 50 left out. */
    static Map<ClaimCost.Scenario, Stats> claimCost() throws Exception {
        Map<ClaimCost.Scenario, Stats> costs = new LinkedHashMap<>();
        MariaDbDialect dialect = new MariaDbDialect();
        for (ClaimCost.Scenario scenario : SCENARIOS) {
            reset();
            for (String statement : scenario.setup()) {
                sql(statement);
            }
            sql("ANALYZE TABLE background_task");
            List<Double> millis = new ArrayList<>();
            ClaimRequest request = new ClaimRequest("bench", LocalDateTime.now(ZoneOffset.UTC), 60_000, 32, null,
                    scenario.paused(), null, List.of("bench.noop"), false, null);
            try (Connection c = connect()) {
                c.setAutoCommit(false);
                // As the worker's claim runs: under read committed, so a locking read keeps no lock on
                // the rows it passes over.
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                for (int i = 0; i < 250; i++) {
                    long t0 = System.nanoTime();
                    int claimed = dialect.claim(c, request).size();
                    long took = System.nanoTime() - t0;
                    c.rollback();
                    if (i >= 50) {
                        millis.add(took / 1e6);
                    }
                    if (claimed == 0 && !scenario.label().startsWith("nothing")) {
                        throw new IllegalStateException("a claim found nothing in: " + scenario.label());
                    }
                }
            }
            costs.put(scenario, Stats.of(millis));
        }
        reset();
        return costs;
    }
}
