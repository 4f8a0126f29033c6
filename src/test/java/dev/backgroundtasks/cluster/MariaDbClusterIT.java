package dev.backgroundtasks.cluster;

import dev.backgroundtasks.it.Deployments;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two Payara Micro nodes on one MariaDB database, started as processes: the lock-mark-read claim
 * under read committed shares the work, and no task runs twice. MariaDB has no notifications, so
 * the node that did not enqueue finds the tasks by polling.
 */
class MariaDbClusterIT {

    private static final ClusterDatabase DB = ClusterDatabase.MARIADB;
    private static final String POST_BOOT = "server-config/payara-micro/mariadb-test.asadmin";
    private static PayaraNode a;
    private static PayaraNode b;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "cluster-mariadb"));
        File war = dir.resolve("cluster.war").toFile();
        Deployments.library("cluster.war",
                        "background-tasks.worker.concurrency=8",
                        "background-tasks.worker.poll-interval=PT0.2S")
                .addClasses(ClusterTasks.class, ClusterResource.class, ClusterResource.Api.class)
                .as(ZipExporter.class).exportTo(war, true);
        DB.sql("CREATE TABLE IF NOT EXISTS cluster_effect (run_id INT NOT NULL, n INT NOT NULL, node VARCHAR(100) NOT NULL)");
        DB.sql("DELETE FROM cluster_effect");
        a = PayaraNode.startOn("mariadb-java-client.jar", POST_BOOT, "a", 18191, war, dir);
        b = PayaraNode.startOn("mariadb-java-client.jar", POST_BOOT, "b", 18292, war, dir);
        a.awaitReady();
        b.awaitReady();
        DB.sql("DELETE FROM background_task");
    }

    @AfterAll
    static void stopNodes() throws InterruptedException {
        PayaraNode.stopAll(a, b);
    }

    @Test
    void twoNodesShareThreeThousandTasksAndRunEachOnce() throws Exception {
        long start = System.nanoTime();
        a.post("cluster/count?run=1&n=3000");
        await().atMost(Duration.ofMinutes(3)).until(() -> DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id = 1") >= 3000
                && DB.number("SELECT COUNT(*) FROM background_task") == 0);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(3000, DB.number("SELECT COUNT(*) FROM cluster_effect WHERE run_id = 1"), "no task ran twice");
        assertEquals(3000, DB.number("SELECT COUNT(DISTINCT n) FROM cluster_effect WHERE run_id = 1"), "none was lost");
        assertEquals(3000, DB.number("SELECT COUNT(*) FROM background_task_completed WHERE outcome = 'SUCCEEDED' "
                + "AND task_name = 'cluster.count'"), "each archived once as succeeded");
        Map<String, Long> byNode = DB.countsByNode(1);
        assertEquals(2, byNode.size(), "both nodes took work: " + byNode);
        System.out.printf("MariaDB: 3000 tasks on 2 nodes in %.1f s (%.0f tasks/s), by node: %s%n", seconds, 3000 / seconds, byNode);
    }
}
