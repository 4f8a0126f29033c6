package dev.backgroundtasks.cluster;

import dev.backgroundtasks.it.Deployments;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scheduling across two Payara Micro nodes on one PostgreSQL database. Node a serves
 * {@code default} and {@code a-only}; node b serves {@code default} and {@code asc}, lower
 * priorities first.
 */
class SchedulingClusterIT {

    private static final ClusterDatabase DB = ClusterDatabase.POSTGRESQL;
    private static final Duration PROMPTLY = Duration.ofSeconds(30);
    private static PayaraNode a;
    private static PayaraNode b;
    private static String nodeA;
    private static String nodeB;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "scheduling-cluster"));
        File war = dir.resolve("scheduling.war").toFile();
        WebArchive archive = Deployments.library("scheduling.war",
                        "background-tasks.worker.poll-interval=PT0.2S",
                        "background-tasks.worker.refresh-interval=PT0.2S")
                .addClasses(SchedulingClusterTasks.class, SchedulingResource.class, ClusterResource.class,
                        ClusterResource.Api.class, ClusterTasks.class);
        archive.as(ZipExporter.class).exportTo(war, true);
        DB.sql("CREATE TABLE IF NOT EXISTS sched_effect (seq SERIAL PRIMARY KEY, label VARCHAR(100) NOT NULL, "
                + "value VARCHAR(200), node VARCHAR(100) NOT NULL, due TIMESTAMP)");
        DB.sql("CREATE TABLE IF NOT EXISTS sched_gauge (name VARCHAR(100) PRIMARY KEY, running INT NOT NULL)");
        a = PayaraNode.start("sched-a", 18383, war, dir, "-Dbackground-tasks.worker.queues=default:4,a-only:2");
        b = PayaraNode.start("sched-b", 18484, war, dir, "-Dbackground-tasks.worker.queues=default:4,asc:1",
                "-Dbackground-tasks.worker.priority-order=ascending");
        a.awaitReady();
        b.awaitReady();
        nodeA = a.nodeId();
        nodeB = b.nodeId();
    }

    @AfterAll
    static void stopNodes() throws InterruptedException {
        PayaraNode.stopAll(a, b);
    }

    @BeforeEach
    void clean() throws Exception {
        DB.sql("DELETE FROM sched_effect WHERE label <> 'tick'");
        DB.sql("DELETE FROM background_task WHERE task_name <> 'csched.tick'");
        DB.sql("DELETE FROM background_task_queue");
        DB.sql("DELETE FROM sched_gauge");
        DB.sql("INSERT INTO sched_gauge (name, running) VALUES ('capped', 0)");
    }

    @Test
    void aCapOfOneIsNeverExceededByTwoNodes() throws Exception {
        a.post("sched/capped?n=10");
        b.post("sched/capped?n=10");

        await().atMost(PROMPTLY).until(() -> DB.number("SELECT COUNT(*) FROM sched_effect WHERE label = 'capped'") == 20
                && DB.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'csched.capped'") == 0);
        List<String> runs = DB.strings("SELECT value FROM sched_effect WHERE label = 'capped' ORDER BY seq");
        runs.forEach(run -> assertTrue(run.endsWith("with 1 running"), "a run overlapped another: " + runs));
        assertEquals(20, runs.size());
    }

    @Test
    void aCronScheduleHasOneWaitingRunWithTwoNodesDeployed() throws Exception {
        long before = DB.number("SELECT COUNT(*) FROM sched_effect WHERE label = 'tick'");
        // Sampled every 100 ms for 3 s: one row for the schedule at every moment, waiting or running.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> DB.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'csched.tick'") == 1);
        long after = DB.number("SELECT COUNT(*) FROM sched_effect WHERE label = 'tick'");
        assertTrue(after - before >= 2, "the schedule ran every second: " + (after - before) + " runs in 3 s");
        assertEquals(0, DB.number("SELECT COUNT(*) - COUNT(DISTINCT due) FROM sched_effect WHERE label = 'tick'"),
                "no second of the schedule ran twice");
        assertEquals(0, DB.number("SELECT COUNT(*) FROM sched_effect WHERE label = 'tick' "
                + "AND due <> date_trunc('second', due)"), "every run was due on a whole second of the schedule");
    }

    @Test
    void aPausedQueueStopsOnEveryNodeUntilResumed() throws Exception {
        a.post("sched/pause?queue=default");
        b.post("sched/notes?label=paused&queue=default&priorities=0,0,0,0");

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> DB.number("SELECT COUNT(*) FROM sched_effect WHERE label = 'paused'") == 0);
        b.post("sched/resume?queue=default");
        await().atMost(PROMPTLY).until(() -> DB.number("SELECT COUNT(*) FROM sched_effect WHERE label = 'paused'") == 4);
    }

    @Test
    void aNodeServesOnlyItsQueuesInItsPriorityOrder() throws Exception {
        a.post("sched/notes?label=asc&queue=asc&priorities=1,5,3,-2");

        await().atMost(PROMPTLY).until(() -> DB.number("SELECT COUNT(*) FROM sched_effect WHERE label = 'asc'") == 4);
        assertEquals(List.of("p-2", "p1", "p3", "p5"),
                DB.strings("SELECT value FROM sched_effect WHERE label = 'asc' ORDER BY seq"), "lower priorities first");
        assertEquals(List.of(nodeB), DB.strings("SELECT DISTINCT node FROM sched_effect WHERE label = 'asc'"),
                "only the node that serves the queue ran it");
    }

    @Test
    void aHandleCompletesForATaskThatRanOnAnotherNode() throws Exception {
        String id = b.post("sched/notes?label=elsewhere&queue=a-only&priorities=0");

        assertEquals("SUCCEEDED", b.post("sched/await?id=" + id));
        assertEquals(List.of(nodeA), DB.strings("SELECT node FROM sched_effect WHERE label = 'elsewhere'"));
    }
}
