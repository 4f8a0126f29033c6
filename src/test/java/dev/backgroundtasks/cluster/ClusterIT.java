package dev.backgroundtasks.cluster;

import dev.backgroundtasks.it.Deployments;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several Payara Micro nodes on one PostgreSQL database, started as processes so that they can be
 * stopped, killed and cut off from the database: the work is shared, each task runs once while
 * its lease is valid, and nothing is lost.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final ClusterDatabase DB = ClusterDatabase.POSTGRESQL;
    private static Path dir;
    private static File war;
    private static PayaraNode a;
    private static PayaraNode b;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        dir = Files.createDirectories(Path.of("target", "cluster"));
        war = dir.resolve("cluster.war").toFile();
        WebArchive archive = Deployments.library("cluster.war",
                        "background-tasks.worker.concurrency=8",
                        "background-tasks.worker.poll-interval=PT0.2S",
                        "background-tasks.worker.rescue-interval=PT1S",
                        "background-tasks.worker.lease-grace=PT1S",
                        "background-tasks.retry.initial-delay=PT0.2S")
                .addClasses(ClusterTasks.class, ClusterResource.class, ClusterResource.Api.class);
        archive.as(ZipExporter.class).exportTo(war, true);
        DB.sql("CREATE TABLE IF NOT EXISTS cluster_effect (run_id INT NOT NULL, n INT NOT NULL, node VARCHAR(100) NOT NULL)");
        DB.sql("DELETE FROM cluster_effect");
        a = PayaraNode.start("a", 18181, war, dir);
        b = PayaraNode.start("b", 18282, war, dir);
        a.awaitReady();
        b.awaitReady();
        DB.sql("DELETE FROM background_task");
    }

    @AfterAll
    static void stopNodes() throws InterruptedException {
        PayaraNode.stopAll(a, b);
    }

    @Test
    @Order(1)
    void twoNodesShareFiveThousandTasksAndRunEachOnce() throws Exception {
        long start = System.nanoTime();
        a.post("cluster/count?run=1&n=5000");
        await().atMost(Duration.ofMinutes(3)).until(() -> DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id = 1") >= 5000
                && DB.number("SELECT COUNT(*) FROM background_task") == 0);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(5000, DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id = 1"), "no task ran twice");
        assertEquals(5000, DB.number("SELECT COUNT(DISTINCT n) FROM cluster_effect WHERE run_id = 1"), "none was lost");
        Map<String, Long> byNode = DB.countsByNode(1);
        assertEquals(2, byNode.size(), "both nodes took work: " + byNode);
        System.out.printf("5000 tasks on 2 nodes in %.1f s (%.0f tasks/s), by node: %s%n", seconds, 5000 / seconds, byNode);
    }

    @Test
    @Order(2)
    void aStoppingNodeFinishesItsRunningTasksAndLosesNone() throws Exception {
        // Four slots: node c claims four tasks and runs them; the other 36 wait for the other nodes.
        PayaraNode c = PayaraNode.start("c", 18383, war, dir, "-Dbackground-tasks.worker.concurrency=4").awaitReady();
        c.post("cluster/linger?run=2&n=40&millis=2500");
        Thread.sleep(1000);
        c.stop();

        // The stop drains: c's four tasks finish on c, and everything is archived within seconds; a
        // claim left behind would wait 21 s for its lease to expire.
        await().atMost(Duration.ofSeconds(17)).until(() -> DB.number("SELECT COUNT(*) FROM background_task_completed "
                + "WHERE task_name = 'cluster.linger' AND attempts = 1") >= 39);
        // A task running at shutdown finishes, or (where the server cancels it) runs again: none is lost.
        await().atMost(Duration.ofSeconds(60)).until(() -> DB.number("SELECT COUNT(DISTINCT n) FROM cluster_effect WHERE run_id = 2") == 40
                && DB.number("SELECT COUNT(*) FROM background_task") == 0);
        assertTrue(DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id = 2") <= 41, "at most the interrupted task ran twice");
        assertEquals(40, DB.number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'cluster.linger' "
                + "AND outcome = 'SUCCEEDED'"));
    }

    @Test
    @Order(3)
    void aKilledNodesTasksCompleteElsewhereAfterTheirLeaseExpires() throws Exception {
        String killed = a.nodeId();
        a.post("cluster/slow?run=3&n=60&millis=500");
        await().atMost(Duration.ofSeconds(30)).until(() -> DB.number(
                "SELECT COUNT(*) FROM cluster_effect WHERE run_id = 3 AND node = ?", killed) >= 4);
        a.kill();

        await().atMost(Duration.ofSeconds(60)).until(() -> DB.number("SELECT COUNT(DISTINCT n) FROM cluster_effect WHERE run_id = 3") == 60
                && DB.number("SELECT COUNT(*) FROM background_task") == 0);
        // A task runs twice only if the killed node committed its work but died before archiving it.
        for (List<String> nodes : nodesOfRepeatedTasks(3)) {
            assertEquals(2, nodes.size(), "ran more than twice: " + nodes);
            assertTrue(nodes.contains(killed), "repeated without the killed node: " + nodes);
        }
        assertTrue(DB.number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'cluster.slow' "
                + "AND attempts = 2") >= 1, "some tasks were rescued from the killed node");
    }

    /**
     * PostgreSQL crashes ({@code stop -m immediate}: no checkpoint, the WAL is replayed at start) while
     * two nodes run 5,000 tasks: none is lost and, with no node killed and leases longer than the
     * outage, none runs twice on the queue's account. A run whose own commit the crash cut off can
     * have committed its effect and failed all the same (no queue can tell); such a task runs again,
     * and only such a task may.
     */
    @Test
    @Order(4)
    void aPostgresCrashWhileTwoNodesRunLosesNoTaskAndRunsNoneTwice() throws Exception {
        // A task of a name no node has (removed from the code): a node that starts says it leaves it waiting.
        DB.sql("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                + "timeout_millis, created_at) VALUES (-7, 'ghost.task', '[]', 'default', 0, TIMESTAMP '2020-01-01 00:00:00', "
                + "0, 3, 1000, TIMESTAMP '2020-01-01 00:00:00')");
        a = PayaraNode.start("a2", 18181, war, dir).awaitReady();
        await().atMost(Duration.ofSeconds(30)).until(() -> a.log().contains("waiting tasks of names this node does not have, "
                + "which it leaves to nodes that have them: {ghost.task=1}"));
        DB.sql("DELETE FROM background_task WHERE id = -7");
        a.post("cluster/steady?run=4&n=5000&millis=5");
        await().atMost(Duration.ofSeconds(60)).until(() -> DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id = 4") >= 1000);
        long beforeCrash = DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id = 4");
        postgres("stop", "-m", "immediate");
        Thread.sleep(2000);
        postgres("start");

        await().atMost(Duration.ofSeconds(150)).until(() -> {
            try {
                return DB.number("SELECT COUNT(DISTINCT n) FROM cluster_effect WHERE run_id = 4") == 5000
                        && DB.number("SELECT COUNT(*) FROM background_task") == 0;
            } catch (SQLException e) {
                return false;
            }
        });
        long runs = DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id = 4");
        Map<String, Long> byNode = DB.countsByNode(4);
        Set<String> uncertain = new HashSet<>();
        for (PayaraNode node : List.of(a, b)) {
            uncertain.addAll(List.of(node.get("cluster/uncertain").split("\n")));
        }
        List<Integer> twice = repeatedTasks(4);
        System.out.printf("PostgreSQL crash after %d of 5000 tasks on 2 nodes: %d duplicate runs, %d commits cut off "
                + "by the crash, by node: %s%n", beforeCrash, runs - 5000, uncertain.size() - (uncertain.contains("") ? 1 : 0), byNode);
        assertEquals(2, byNode.size(), "both nodes took work: " + byNode);
        assertEquals(5000, DB.number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'cluster.steady' "
                + "AND outcome = 'SUCCEEDED' AND params LIKE '[4,%'"), "every task archived once, SUCCEEDED");
        for (int n : twice) {
            assertTrue(uncertain.contains("4:" + n), "task " + n + " ran twice, though no commit of it was cut off");
        }
        assertEquals(5000 + twice.size(), runs, "none ran more than twice");
    }

    /**
     * A third node starts with its wall clock 90 s ahead (libfaketime), more than a lease lasts
     * (linger: 20 s timeout and 1 s grace): read on each node's own clock, it would take the other
     * nodes' running claims for expired and run their tasks again, and date what it enqueues 90 s
     * late. On the database's clock, nothing runs twice or fails, and a delay it sets counts from
     * the database's now.
     */
    @Test
    @Order(5)
    void aNodeWhoseClockIsAheadByMoreThanALeaseRunsNothingTwiceAndDatesItsTasksRight() throws Exception {
        PayaraNode skewed = PayaraNode.startWithClockOffset("+90s", "skewed", 18383, war, dir).awaitReady();
        try {
            assertTrue(skewed.log().contains("this node's clock is ") && skewed.log().contains(" ms ahead of the database's"),
                    "the node's clock is ahead and it says so:\n" + skewed.log());
            String skewedId = skewed.nodeId();
            DB.sql("DELETE FROM background_task_completed WHERE params LIKE '[5,%' OR params LIKE '[6,%' OR params LIKE '[7,%'");
            a.post("cluster/linger?run=5&n=30&millis=3000");
            skewed.post("cluster/linger?run=7&n=30&millis=3000");
            double enqueuedAt = DB.number("SELECT FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)") / 1000.0;
            skewed.post("cluster/count?run=6&n=1&delayMillis=5000");

            await().atMost(Duration.ofSeconds(90)).until(() -> DB.number("SELECT COUNT(*) FROM background_task_completed "
                    + "WHERE params LIKE '[5,%' OR params LIKE '[6,%' OR params LIKE '[7,%'") == 61);
            assertEquals(60, DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id IN (5, 7)"), "no task ran twice");
            assertEquals(60, DB.number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'cluster.linger' "
                    + "AND (params LIKE '[5,%' OR params LIKE '[7,%') AND outcome = 'SUCCEEDED' AND attempts = 1"),
                    "each succeeded at its first attempt");
            Map<String, Long> byNode = DB.countsByNode(5);
            DB.countsByNode(7).forEach((node, n) -> byNode.merge(node, n, Long::sum));
            assertTrue(byNode.containsKey(skewedId), "the skewed node took work: " + byNode);
            double createdAt = DB.number("SELECT FLOOR(EXTRACT(EPOCH FROM created_at) * 1000) FROM background_task_completed "
                    + "WHERE task_name = 'cluster.count' AND params LIKE '[6,%'") / 1000.0;
            double startedAt = DB.number("SELECT FLOOR(EXTRACT(EPOCH FROM started_at) * 1000) FROM background_task_completed "
                    + "WHERE task_name = 'cluster.count' AND params LIKE '[6,%'") / 1000.0;
            assertTrue(Math.abs(createdAt - enqueuedAt) < 2, "enqueued at the database's now, not 90 s later: "
                    + (createdAt - enqueuedAt) + " s off");
            assertTrue(startedAt - enqueuedAt >= 4.9 && startedAt - enqueuedAt < 20,
                    "the 5 s delay counted from the database's now: started " + (startedAt - enqueuedAt) + " s after");
        } finally {
            skewed.stop();
        }
    }

    private static List<Integer> repeatedTasks(int run) throws SQLException {
        List<Integer> repeated = new ArrayList<>();
        try (Connection c = DB.connect();
             PreparedStatement s = c.prepareStatement("SELECT n FROM cluster_effect WHERE run_id = ? GROUP BY n HAVING COUNT(*) > 1")) {
            s.setInt(1, run);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    repeated.add(rows.getInt(1));
                }
            }
        }
        return repeated;
    }

    /** Runs {@code pg_ctlcluster <newest version> main <args>}. */
    private static void postgres(String... args) throws Exception {
        String version;
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.map(p -> p.getFileName().toString()).sorted().reduce((x, y) -> y).orElseThrow();
        }
        List<String> command = new ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, process.waitFor(), String.join(" ", command));
    }

    private static List<List<String>> nodesOfRepeatedTasks(int run) throws SQLException {
        Map<Integer, List<String>> byTask = new HashMap<>();
        try (Connection c = DB.connect();
             PreparedStatement s = c.prepareStatement("SELECT n, node FROM cluster_effect WHERE run_id = ?")) {
            s.setInt(1, run);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    byTask.computeIfAbsent(rows.getInt(1), k -> new ArrayList<>()).add(rows.getString(2));
                }
            }
        }
        return byTask.values().stream().filter(nodes -> nodes.size() > 1).toList();
    }
}
