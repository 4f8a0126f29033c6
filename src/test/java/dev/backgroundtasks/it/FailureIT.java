package dev.backgroundtasks.it;

import dev.backgroundtasks.TaskAttemptFailed;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.internal.store.DatabaseClock;
import dev.backgroundtasks.internal.web.Probes;
import dev.backgroundtasks.internal.worker.Worker;
import dev.backgroundtasks.internal.worker.WorkerStats;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries, backoff, timeouts, lost leases, bad rows and events, on one Payara Micro node against
 * PostgreSQL. The poll interval is a minute: retries run because the worker wakes itself when a
 * task it rescheduled becomes due.
 */
@ExtendWith(ArquillianExtension.class)
@Tag("portable")
class FailureIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(15);

    @Deployment
    static WebArchive deployment() {
        return Deployments.library("failure.war",
                        "background-tasks.worker.concurrency=2",
                        "background-tasks.worker.poll-interval=PT1M",
                        "background-tasks.worker.rescue-interval=PT0.5S",
                        "background-tasks.worker.lease-grace=PT2S",
                        "background-tasks.worker.network-timeout=PT3S",
                        "background-tasks.health.stuck-after=PT1S",
                        "background-tasks.health.database-cache=PT0.2S",
                        "background-tasks.retry.initial-delay=PT0.5S",
                        "background-tasks.retry.multiplier=2",
                        "background-tasks.retry.jitter=0.2")
                .addClasses(FailingTasks.class, EventLog.class, Effects.class, LogRecords.class);
    }

    @Inject
    FailingTasks tasks;

    @Inject
    TaskQueue queue;

    @Inject
    Effects effects;

    @Inject
    Probes probes;

    @Inject
    EventLog events;

    @Inject
    WorkerStats stats;

    @Inject
    Worker worker;

    @Inject
    DatabaseClock databaseClock;

    @BeforeEach
    void clean() {
        effects.reset();
        events.reset();
        tasks.reset();
    }

    private TaskInfo awaitFinished(TaskId id) {
        return awaitFinished(id, PROMPTLY);
    }

    private TaskInfo awaitFinished(TaskId id, Duration within) {
        await().atMost(within).until(() -> queue.find(id).orElseThrow().state().isFinished());
        return queue.find(id).orElseThrow();
    }

    /** The start time of each attempt the task recorded, in order. */
    private List<Long> attemptTimes(String key) {
        return effects.values(key).stream()
                .sorted((a, b) -> Integer.compare(Integer.parseInt(a.split(":")[1]), Integer.parseInt(b.split(":")[1])))
                .map(v -> Long.parseLong(v.split(":")[0]))
                .toList();
    }

    @Test
    void failsTwiceThenSucceedsWithBackoffBetweenAttempts() {
        TaskId id = queue.enqueue("failing.flaky", "flaky", 2);
        TaskInfo done = awaitFinished(id);

        assertEquals(TaskState.SUCCEEDED, done.state());
        assertEquals(3, done.attempts());
        assertEquals("\"ok after 3\"", done.resultJson());
        List<Long> times = attemptTimes("flaky");
        assertEquals(3, times.size());
        long first = times.get(1) - times.get(0);
        long second = times.get(2) - times.get(1);
        // Exponential from 0.5 s with ±20 % jitter: 0.4–0.6 s, then 0.8–1.2 s; a second of slack for waking.
        assertTrue(first >= 400 && first <= 1600, "first wait " + first + " ms");
        assertTrue(second >= 800 && second <= 2200, "second wait " + second + " ms");
        List<TaskAttemptFailed> failures = events.attemptsFailed(id.value());
        assertEquals(2, failures.size());
        assertTrue(failures.stream().allMatch(e -> e.nextRunAt() != null));
        assertEquals(1, events.succeeded(id.value()).size());
    }

    @Test
    void alwaysFailingIsArchivedAfterMaxAttemptsAndReportedOnce() {
        TaskId id = queue.enqueue("failing.always", "always");
        TaskInfo done = awaitFinished(id);

        assertEquals(TaskState.FAILED, done.state());
        assertEquals(3, done.attempts());
        assertTrue(done.error().startsWith("java.lang.IllegalStateException: always fails, attempt 3"), done.error());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> events.failed(id.value()).size() == 1);
        List<TaskAttemptFailed> attempts = events.attemptsFailed(id.value());
        assertEquals(List.of(1, 2, 3), attempts.stream().map(TaskAttemptFailed::attempt).toList());
        assertNull(attempts.get(2).nextRunAt(), "the last failure schedules nothing");
        assertEquals(3, effects.values("always").size());
    }

    /**
     * An interrupt (from a library, a container or a stray {@code Thread.interrupt()}) stops neither
     * the claim loop nor the success batcher: tasks enqueued afterwards still run and are archived,
     * more of them than one archive batch holds.
     */
    @Test
    void theClaimLoopAndTheSuccessBatcherSurviveInterrupts() {
        for (String name : List.of("background-tasks-poller", "background-tasks-completer")) {
            List<Thread> threads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).toList();
            assertEquals(1, threads.size(), name + " threads: " + threads);
            threads.get(0).interrupt();
        }
        List<TaskId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(queue.enqueue("failing.flaky", "interrupted-" + i, 0));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> ids.stream().allMatch(
                id -> queue.find(id).orElseThrow().state() == TaskState.SUCCEEDED));
    }

    /** An operator sees each failed attempt, and the final failure with its stack trace, in the server log. */
    @Test
    void eachFailedAttemptIsLoggedAndTheFinalFailureWithItsStackTrace() {
        try (LogRecords log = LogRecords.of("dev.backgroundtasks")) {
            TaskId id = queue.enqueue("failing.always", "logged");
            assertEquals(TaskState.FAILED, awaitFinished(id).state());
            String task = "Task " + id.value() + " (failing.always) ";
            await().atMost(PROMPTLY).until(() -> log.messages(java.util.logging.Level.WARNING, task).size() == 3);
            List<String> lines = log.messages(java.util.logging.Level.WARNING, task);
            assertTrue(lines.get(0).startsWith(task + "attempt 1 of 3 failed; next attempt at "), lines.get(0));
            assertTrue(lines.get(0).endsWith(": java.lang.IllegalStateException: always fails, attempt 1"), lines.get(0));
            assertTrue(lines.get(1).startsWith(task + "attempt 2 of 3 failed; next attempt at "), lines.get(1));
            assertTrue(lines.get(2).startsWith(task + "failed after 3 attempt(s) and is archived as FAILED: "
                    + "java.lang.IllegalStateException: always fails, attempt 3"), lines.get(2));
            // WildFly prefixes each frame with its module ("at deployment.failure.war//dev…").
            assertTrue(lines.get(2).contains("dev.backgroundtasks.it.FailingTasks.always(FailingTasks.java:"),
                    "with its stack trace: " + lines.get(2));
        }
    }

    @Test
    void retryTaskWaitsTheDelayItAskedForAndTheRowShowsIt() {
        // Due times are on the database's clock, which the node carries a little slow between readings.
        Instant before = databaseClock.now();
        TaskId id = queue.enqueue("failing.later", "later", 3);
        await().atMost(PROMPTLY).until(() -> queue.find(id).orElseThrow().attempts() == 1
                && queue.find(id).orElseThrow().state() == TaskState.PENDING);

        TaskInfo waiting = queue.find(id).orElseThrow();
        assertTrue(waiting.error().contains("dev.backgroundtasks.RetryTask: not yet"), waiting.error());
        assertTrue(!waiting.runAt().isBefore(before.plusSeconds(3)), "due again no sooner than asked: " + waiting.runAt());
        assertEquals(1, effects.values("later").size());

        TaskInfo done = awaitFinished(id);
        assertEquals(TaskState.SUCCEEDED, done.state());
        assertEquals(2, done.attempts());
        List<Long> times = attemptTimes("later");
        assertTrue(times.get(1) - times.get(0) >= 2900, "waited " + (times.get(1) - times.get(0)) + " ms");
    }

    @Test
    void nonRetryableFailuresEndAtTheFirstAttempt() {
        TaskId marker = queue.enqueue("failing.permanent", "marker", true);
        TaskId listed = queue.enqueue("failing.permanent", "listed", false);
        TaskInfo markerDone = awaitFinished(marker);
        TaskInfo listedDone = awaitFinished(listed);

        assertEquals(TaskState.FAILED, markerDone.state());
        assertEquals(1, markerDone.attempts());
        assertTrue(markerDone.error().startsWith("dev.backgroundtasks.NonRetryableException: give up now"));
        assertEquals(TaskState.FAILED, listedDone.state());
        assertEquals(1, listedDone.attempts());
        assertTrue(listedDone.error().startsWith("java.lang.IllegalArgumentException: listed as not worth retrying"));
        assertEquals(1, events.failed(marker.value()).size());
    }

    @Test
    void aTaskPastItsTimeoutIsInterruptedAndArchived() {
        TaskId id = queue.enqueue("failing.sleeper", "sleeper", 30_000L);
        TaskInfo done = awaitFinished(id);

        assertEquals(TaskState.FAILED, done.state());
        assertEquals("Task timeout after 1s", done.error());
        assertTrue(Duration.between(done.startedAt(), done.finishedAt()).toMillis() < 5_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> tasks.wasInterrupted("sleeper"));
    }

    /**
     * L2: a task that ignores its timeout's interrupt keeps its runner, and so its slot, until it
     * returns: no thread is added for it, so a node's task threads never outnumber its slots. Its
     * outcome, stored when it returns, is the timeout.
     */
    @Test
    void aTaskIgnoringItsTimeoutKeepsItsSlotUntilItReturns() {
        long overrunsBefore = stats.overruns();
        TaskId first = queue.enqueue("failing.stubborn", "stubborn-1", 3_000L);
        TaskId second = queue.enqueue("failing.stubborn", "stubborn-2", 3_000L);
        await().atMost(PROMPTLY).until(() -> tasks.stubbornRunning() == 2);
        queue.enqueue("failing.quick", "quick");

        await().atMost(PROMPTLY).until(() -> effects.values("quick").size() == 1);
        // It ran in the slot the first stubborn task gave up by returning: never beside both.
        assertTrue(List.of("0 stubborn running", "1 stubborn running").containsAll(effects.values("quick")),
                "no runner was added beside the overrunning tasks: " + effects.values("quick"));
        assertTrue(tasks.wasInterrupted("stubborn-1") && tasks.wasInterrupted("stubborn-2"), "both were interrupted");
        assertEquals(2, stats.overruns() - overrunsBefore);
        for (TaskId id : List.of(first, second)) {
            TaskInfo done = awaitFinished(id);
            assertEquals(TaskState.FAILED, done.state());
            assertEquals("Task timeout after 1s", done.error());
        }
    }

    /**
     * L2: a task still running when a stopping worker's drain is over is interrupted then, not
     * left running into the undeployed application until its own timeout.
     */
    @Test
    void aStoppingWorkerInterruptsWhatStillRunsAfterItsDrain() {
        queue.enqueue("failing.patient", "patient", 30_000L);
        await().atMost(PROMPTLY).until(() -> effects.values("patient").size() == 1);
        try {
            worker.stop(Duration.ofMillis(500));
        } finally {
            worker.start();
        }
        // Its timeout is a minute and its sleep 30 s: only the stop can have interrupted it by now.
        await().atMost(Duration.ofSeconds(5)).until(() -> tasks.wasInterrupted("patient"));
    }

    /**
     * R5: a capped task (one at a time) overruns its 1 s timeout by 4 s, ignoring the interrupt, past
     * the lease it was claimed with (timeout plus a 2 s grace): its node renews the claim, so its row
     * stays claimed, and counts against the cap, until its thread ends. The retry starts only after
     * the first run ended; the two runs never overlap.
     */
    @Test
    void aCappedTaskPastItsTimeoutCountsAgainstItsCapUntilItsThreadEnds() {
        TaskId id = queue.enqueue("failing.overrun", "overrun", 5_000L);
        TaskInfo done = awaitFinished(id, Duration.ofSeconds(20));
        assertEquals(TaskState.SUCCEEDED, done.state());
        assertEquals(2, done.attempts());
        await().atMost(PROMPTLY).until(() -> effects.values("overrun-end").size() == 1);
        List<Long> starts = attemptTimes("overrun");
        List<Long> ends = attemptTimes("overrun-end");
        assertEquals(2, starts.size());
        assertTrue(starts.get(1) >= ends.get(0), "the retry started " + (ends.get(0) - starts.get(1))
                + " ms before the first run ended");
        assertTrue(tasks.wasInterrupted("overrun"));
    }

    /**
     * The success batch's connection dies while its statement waits (a PostgreSQL backend ended as
     * by a crash or a failover): the batch is written again on a fresh connection, not dropped, so
     * the task is archived as soon as the database lets it, long before its lease would run it again.
     */
    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = ".*mariadb.*",
            disabledReason = "ends a backend with PostgreSQL's pg_terminate_backend")
    void aSuccessBatchWhoseConnectionDiesIsWrittenAgainNotDropped() throws Exception {
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        tasks.hold();
        TaskId id = queue.enqueue("failing.held", "killed-batch");
        await().atMost(PROMPTLY).until(() -> effects.values("killed-batch").size() == 1);
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement hold = lock.prepareStatement("SELECT id FROM background_task WHERE id = ? FOR UPDATE")) {
                hold.setLong(1, id.value());
                hold.executeQuery().close();
            }
            tasks.letGo();
            // The batch's delete now waits for this lock: end its connection.
            await().atMost(PROMPTLY).until(() -> terminateWaitingArchive(dataSource) > 0);
            lock.commit();
        }
        assertEquals(TaskState.SUCCEEDED, awaitFinished(id).state());
        assertEquals(1, effects.values("killed-batch").size(), "archived, not run again");
    }

    /**
     * The worker stops (as at undeploy): the connection its listener held goes back to the pool no
     * longer subscribed, so whoever borrows it next does not collect the cluster's notifications.
     */
    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = ".*mariadb.*",
            disabledReason = "LISTEN/NOTIFY is PostgreSQL's")
    void theListenersConnectionGoesBackToThePoolNoLongerListening() throws Exception {
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        await().atMost(PROMPTLY).until(() -> listeningBackends() >= 1);
        worker.stop(Duration.ZERO);
        List<Connection> borrowed = new ArrayList<>();
        try {
            // More than the idle pool holds once the worker is stopped, so the listener's connection is among them.
            for (int i = 0; i < 40; i++) {
                borrowed.add(dataSource.getConnection());
            }
            for (Connection c : borrowed) {
                try (PreparedStatement channels = c.prepareStatement("SELECT pg_listening_channels()");
                     ResultSet listening = channels.executeQuery()) {
                    assertFalse(listening.next(), "a pooled connection still listens");
                }
            }
        } finally {
            for (Connection c : borrowed) {
                c.close();
            }
            worker.start();
        }
        await().atMost(PROMPTLY).until(() -> listeningBackends() >= 1);
    }

    /**
     * A claim loop whose connection hangs without an error (its PostgreSQL backend stopped with
     * SIGSTOP: no answer and no reset, as behind a half-open connection) gives the connection up
     * after the network timeout (3 s here) and claims on a fresh one; without the timeout it would
     * wait for the backend forever.
     */
    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = ".*mariadb.*",
            disabledReason = "stops a PostgreSQL backend process")
    void aClaimLoopWhoseConnectionHangsGivesItUpAfterTheNetworkTimeout() throws Exception {
        assertEquals(TaskState.SUCCEEDED, awaitFinished(queue.enqueue("failing.quick", "before-the-hang")).state());
        // The claim loop's connection: the only one whose last statement is a claim or a read of due priorities.
        long backend = effects.number("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                + "AND pid <> pg_backend_pid() AND (query LIKE '%UPDATE background_task t%RETURNING t.*%' "
                + "OR query LIKE '%SELECT r.priority%') ORDER BY query_start DESC LIMIT 1");
        signal("STOP", backend);
        try {
            long start = System.nanoTime();
            TaskId after = queue.enqueue("failing.quick", "after-the-hang");
            // Stuck past health.stuck-after (1 s here): liveness says so while the turn hangs.
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> !probes.live().up());
            assertEquals(TaskState.SUCCEEDED, awaitFinished(after, Duration.ofSeconds(30)).state());
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(Duration.ofMillis(2500)) > 0, "the claim hung first: " + waited);
            assertTrue(probes.live().up(), "live again once the loop gave the connection up: " + probes.live());
        } finally {
            signal("CONT", backend);
        }
    }

    /**
     * The database refuses every connection (PostgreSQL told to allow none, this application's
     * connections ended): readiness goes DOWN, naming the database, and comes back UP once it
     * answers again; liveness stays UP throughout, because the claim loop's turns fail at once
     * rather than hang (restarting every pod would not bring the database back).
     */
    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = ".*(mariadb|wildfly|liberty).*",
            disabledReason = "uses PostgreSQL's ALLOW_CONNECTIONS from the driver on Payara's class path")
    void readinessIsDownWhileTheDatabaseRefusesConnectionsAndLivenessStaysUp() throws Exception {
        await().atMost(PROMPTLY).until(() -> probes.ready().up());
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        String url;
        String name;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet db = s.executeQuery("SELECT current_database()")) {
            db.next();
            name = db.getString(1);
            url = c.getMetaData().getURL();
        }
        // A database cannot refuse connections from a session of its own: from the maintenance database.
        String maintenance = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
        try (Connection admin = DriverManager.getConnection(maintenance, "postgres", "postgres");
             Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE \"" + name + "\" ALLOW_CONNECTIONS false");
            try {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
                await().atMost(PROMPTLY).until(() -> !probes.ready().up());
                assertTrue(String.valueOf(probes.ready().data().get("database")).contains(name), probes.ready().toString());
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> probes.live().up());
            } finally {
                s.execute("ALTER DATABASE \"" + name + "\" ALLOW_CONNECTIONS true");
            }
        }
        await().atMost(PROMPTLY).until(() -> probes.ready().up());
        assertTrue(probes.live().up());
        assertEquals(TaskState.SUCCEEDED, awaitFinished(queue.enqueue("failing.quick", "after-the-refusal")).state());
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    /** Backends whose last statement subscribed them: the listener's, while it waits. */
    private long listeningBackends() {
        return effects.number("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND query = 'LISTEN background_tasks'");
    }

    private static int terminateWaitingArchive(DataSource dataSource) throws Exception {
        try (Connection admin = dataSource.getConnection();
             PreparedStatement end = admin.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     + "WHERE pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE '%background_task_completed%'");
             ResultSet ended = end.executeQuery()) {
            int n = 0;
            while (ended.next()) {
                n += ended.getBoolean(1) ? 1 : 0;
            }
            return n;
        }
    }

    @Test
    void aLateCompletionAfterTheLeaseWasLostChangesNothingAndIsCounted() {
        tasks.hold();
        long lostBefore = stats.lostClaims();
        TaskId id = queue.enqueue("failing.held", "held");
        await().atMost(PROMPTLY).until(() -> effects.values("held").size() == 1);

        // The node stalls past its lease: the rescuer takes the row back and the worker runs it again.
        effects.update("UPDATE background_task SET locked_until = locked_until - INTERVAL '1' HOUR WHERE id = ?", id.value());
        TaskInfo second = awaitFinished(id);
        assertEquals(TaskState.SUCCEEDED, second.state());
        assertEquals(2, second.attempts());
        assertTrue(stats.rescued() >= 1);

        tasks.letGo();
        await().atMost(PROMPTLY).until(() -> stats.lostClaims() == lostBefore + 1);
        TaskInfo after = queue.find(id).orElseThrow();
        assertEquals(TaskState.SUCCEEDED, after.state());
        assertEquals(2, after.attempts(), "the late first attempt did not overwrite the archive");
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task_completed WHERE id = ?", id.value()));
        assertEquals(1, events.succeeded(id.value()).size());
    }

    @Test
    void badRowsFailAloneAndTasksThisNodeDoesNotHaveWaitForOneThatHasThem() {
        effects.update("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, "
                + "max_attempts, timeout_millis, created_at) VALUES (-1, 'gone.task', '[]', 'default', 0, "
                + "TIMESTAMP '2000-01-01 00:00:00', 0, 3, 60000, TIMESTAMP '2000-01-01 00:00:00')");
        effects.update("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, "
                + "max_attempts, timeout_millis, created_at) VALUES (-2, 'failing.flaky', '{oops', 'default', 0, "
                + "TIMESTAMP '2000-01-01 00:00:00', 0, 3, 60000, TIMESTAMP '2000-01-01 00:00:00')");
        TaskId good = queue.enqueue("failing.flaky", "good", 0);

        assertEquals(TaskState.SUCCEEDED, awaitFinished(good).state());
        TaskInfo undecodable = awaitFinished(new TaskId(-2));
        assertEquals(TaskState.FAILED, undecodable.state());
        assertEquals(3, undecodable.attempts(), "retried: another node's version may read them");
        assertTrue(undecodable.error().startsWith("Cannot decode the arguments of task 'failing.flaky': params are not valid JSON"),
                undecodable.error());
        assertEquals(1, events.failed(-2).size());
        // A task of another version (or another application on the same tables) is not this node's to fail.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> {
            TaskInfo unknown = queue.find(new TaskId(-1)).orElseThrow();
            return unknown.state() == TaskState.PENDING && unknown.attempts() == 0;
        });
        effects.update("DELETE FROM background_task WHERE id = -1");
    }

    @Test
    void anObserverThatThrowsChangesNeitherTheOutcomeNorTheWorker() {
        TaskId observed = queue.enqueue(EventLog.THROWING, "observed");
        assertEquals(TaskState.SUCCEEDED, awaitFinished(observed).state());
        assertEquals(1, events.succeeded(observed.value()).size());

        TaskId next = queue.enqueue("failing.flaky", "after-observer", 0);
        assertEquals(TaskState.SUCCEEDED, awaitFinished(next).state());
        assertNotNull(queue.find(observed).orElseThrow().finishedAt());
    }
}
