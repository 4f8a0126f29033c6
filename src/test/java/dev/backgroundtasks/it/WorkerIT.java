package dev.backgroundtasks.it;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.internal.worker.Worker;
import dev.backgroundtasks.internal.worker.WorkerStats;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.naming.InitialContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enqueue, claim, run and archive on one Payara Micro node against PostgreSQL.
 *
 * <p>The poll interval is an hour, so every task here runs only because something woke the
 * worker: the commit of its enqueue, a finished task leaving a backlog, or a database notification.
 */
@ExtendWith(ArquillianExtension.class)
@Tag("portable")
class WorkerIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(15);

    @Deployment
    static WebArchive deployment() {
        return Deployments.library("worker.war",
                        "background-tasks.worker.concurrency=8",
                        "background-tasks.worker.claim-ahead=8",
                        "background-tasks.worker.poll-interval=PT1H",
                        "background-tasks.archive.retention.succeeded=PT1H",
                        "background-tasks.archive.prune-interval=PT1S")
                .addClasses(TestTasks.class, Effects.class, Received.class, Point.class, Color.class, Opaque.class);
    }

    @Inject
    TestTasks tasks;

    @Inject
    TaskQueue queue;

    @Inject
    Effects effects;

    @Inject
    Received received;

    @Inject
    WorkerStats stats;

    @Inject
    Worker worker;

    @BeforeEach
    void clean() {
        effects.reset();
        received.reset();
    }

    private static UserTransaction transaction() throws Exception {
        return (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
    }

    private long pending() {
        return effects.number("SELECT COUNT(*) FROM background_task");
    }

    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = ".*mariadb.*", disabledReason = "MariaDB has no notifications")
    void aTaskCommittedElsewhereWakesTheWorkerThroughDatabaseNotifications() {
        // As another node commits a task: the row and the notification, none of this node's own hooks.
        effects.update("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, "
                + "max_attempts, timeout_millis, created_at) VALUES (-10, 'test.record', '[\"notified\", 7]', "
                + "'default', 0, TIMESTAMP '2000-01-01 00:00:00', 0, 1, 60000, TIMESTAMP '2000-01-01 00:00:00')");
        effects.number("SELECT COUNT(*) FROM (SELECT pg_notify('background_tasks', '')) n");

        await().atMost(PROMPTLY).until(() -> effects.values("notified").size() == 1);
        assertEquals(List.of("7"), effects.values("notified"));
        // A listener that keeps failing also wakes the worker, each time it reconnects: it must not have failed.
        assertEquals(0, stats.listenerFailures());
    }

    @Test
    void committedEnqueueRunsExactlyOnceAfterCommit() throws Exception {
        UserTransaction tx = transaction();
        tx.begin();
        tasks.record("committed", 42);
        assertEquals(List.of(), effects.values("committed"), "the body must not run at the call");
        // A worker woken before the commit would find nothing and sleep for its minute-long poll interval.
        Thread.sleep(300);
        tx.commit();

        await().atMost(PROMPTLY).until(() -> effects.values("committed").size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> effects.values("committed").equals(List.of("42")));
        assertEquals(0, pending());
        assertEquals(List.of("SUCCEEDED"), effects.strings(
                "SELECT outcome FROM background_task_completed WHERE task_name = 'test.record'"));
    }

    @Test
    void callWithoutTransactionStoresTheTaskInItsOwn() {
        tasks.record("own-transaction", 7);
        await().atMost(PROMPTLY).until(() -> effects.values("own-transaction").equals(List.of("7")));
    }

    @Test
    void theBeansOwnInterceptorsApplyWhenTheWorkerRunsIt() throws Exception {
        tasks.inTransaction("tx");
        await().atMost(PROMPTLY).until(() -> effects.values("tx").equals(List.of("active")));
    }

    @Test
    void aBackgroundCallInsideARunningTaskIsStoredAsANewTask() {
        tasks.chain("chain");
        await().atMost(PROMPTLY).until(() -> effects.values("chain").equals(List.of("2")));
        assertEquals(List.of("done"), effects.values("chain-outer"));
        assertEquals(List.of("test.chain", "test.record"), effects.strings(
                "SELECT task_name FROM background_task_completed WHERE outcome = 'SUCCEEDED' ORDER BY task_name"));
    }

    @Test
    void rollbackLeavesNoTaskAndNothingRuns() throws Exception {
        UserTransaction tx = transaction();
        tx.begin();
        tasks.record("rolled-back", 1);
        tx.rollback();

        assertEquals(0, pending());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> effects.values("rolled-back").isEmpty());
        assertEquals(0, effects.number("SELECT COUNT(*) FROM background_task_completed"));
    }

    @Test
    void argumentsRoundTripIntoTheDeclaredTypes() {
        Point point = new Point(1, -2, "origin");
        List<Point> points = List.of(new Point(3, 4, "a"), new Point(5, 6, null));
        Map<String, Integer> counts = Map.of("apples", 3, "pears", 0);
        Instant instant = Instant.parse("2026-11-25T10:15:30.123456Z");
        LocalDate date = LocalDate.of(2024, 2, 29);
        List<Long> ids = List.of(1L, Long.MAX_VALUE, -5L);

        tasks.arguments("all", 7, 1L << 40, true, 2.5, "héllo \"world\"", Color.GREEN, point, points, counts,
                instant, date, ids, null, null);

        await().atMost(PROMPTLY).until(() -> received.arguments("all") != null);
        assertEquals(Arrays.asList(7, 1L << 40, true, 2.5, "héllo \"world\"", Color.GREEN, point, points, counts,
                instant, date, ids, null, null), received.arguments("all"));
    }

    @Test
    void unstorableArgumentThrowsAtTheCallAndWritesNothing() throws Exception {
        UserTransaction tx = transaction();
        tx.begin();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> tasks.opaque("label", new Opaque("s3cret")));
        tx.commit();

        assertTrue(error.getMessage().contains("'value'"), error.getMessage());
        assertTrue(error.getMessage().contains("test.opaque"), error.getMessage());
        assertEquals(0, pending());

        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> queue.enqueue("test.record", "key", "not a number"));
        assertTrue(wrongType.getMessage().contains("'value'"), wrongType.getMessage());
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class, () -> queue.enqueueAll(
                "test.record", TaskOptions.defaults(), List.of(new Object[]{"bad", "one"}, new Object[]{"bad", 2})));
        assertTrue(first.getMessage().startsWith("Argument set 0 (counting from 0) of 2: "), first.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> queue.enqueue("test.missing"));
        assertTrue(unknown.getMessage().contains("Unknown task 'test.missing'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().priority(5000));
        assertEquals(0, pending());
    }

    @Test
    void throwingTaskIsArchivedFailedWithItsException() {
        tasks.fail("boom-123");
        await().atMost(PROMPTLY).until(() -> effects.number("SELECT COUNT(*) FROM background_task_completed") == 1);
        assertEquals(List.of("FAILED"), effects.strings("SELECT outcome FROM background_task_completed"));
        String error = effects.strings("SELECT error FROM background_task_completed").get(0);
        assertTrue(error.startsWith("java.lang.IllegalStateException: boom-123"), error);
        // WildFly prefixes each frame with its module ("at deployment.worker.war//dev…").
        assertTrue(error.contains("dev.backgroundtasks.it.TestTasks.fail(TestTasks.java"), error);
        assertEquals(0, pending());
    }

    @Test
    void taskQueueEnqueuesByNameAndReportsStateAndResult() {
        TaskId later = queue.enqueue("test.sum", TaskOptions.in(Duration.ofHours(1)).queue("reports"), List.of(1, 2));
        TaskInfo waiting = queue.find(later).orElseThrow();
        assertEquals(TaskState.PENDING, waiting.state());
        assertEquals("reports", waiting.queue());
        assertEquals(5, waiting.priority(), "the annotation's priority applies when the call sets none");

        TaskId now = queue.enqueue("test.sum", List.of(1, 2, 3));
        await().atMost(PROMPTLY).until(() -> queue.find(now).orElseThrow().state() == TaskState.SUCCEEDED);
        TaskInfo done = queue.find(now).orElseThrow();
        assertEquals("6", done.resultJson());
        assertEquals(1, done.attempts());
        assertTrue(!done.finishedAt().isBefore(done.startedAt()));

        assertEquals(TaskState.PENDING, queue.find(later).orElseThrow().state(), "a task is never run before it is due");
        assertTrue(queue.find(new TaskId(-1)).isEmpty());
    }

    @Test
    void twoThousandTasksRunExactlyOnceEachWithEightWorkers() throws Exception {
        UserTransaction tx = transaction();
        tx.begin();
        for (int n = 0; n < 2000; n++) {
            tasks.count(n);
        }
        tx.commit();

        await().atMost(Duration.ofMinutes(3)).until(() -> effects.values("count").size() >= 2000);
        await().atMost(PROMPTLY).until(() -> pending() == 0);
        List<String> ran = effects.values("count");
        assertEquals(2000, ran.size(), "every task ran once, none twice");
        assertEquals(IntStream.range(0, 2000).mapToObj(Integer::toString).sorted().toList(), ran);
        assertEquals(2000, effects.number(
                "SELECT COUNT(*) FROM background_task_completed WHERE outcome = 'SUCCEEDED' AND task_name = 'test.count'"));
        assertTrue(received.maxRunning() <= 8, "at most 8 at once, saw " + received.maxRunning());
        assertTrue(received.maxRunning() > 1, "tasks ran in parallel, saw " + received.maxRunning());
    }

    /**
     * Progress a running task reports is stored off its thread and read back through its handle
     * while it still runs.
     */
    @Test
    void progressReportedByARunningTaskIsReadThroughItsHandle() throws Exception {
        TaskId running = queue.enqueue("test.progress", TaskOptions.defaults(), "halfway");
        try {
            await().atMost(PROMPTLY).until(() -> queue.handle(running).info().progress() != null);
            TaskInfo info = queue.handle(running).info();
            assertEquals(TaskState.RUNNING, info.state());
            assertEquals(0.5, info.progress().fraction());
            assertEquals("halfway", info.progress().message());
            assertTrue(info.progress().storedAt() != null);
        } finally {
            tasks.finishProgressing();
        }
        await().atMost(PROMPTLY).until(() -> effects.values("progress").equals(List.of("halfway")));
    }

    /**
     * A task enqueued into a paused queue is stored unmarked and marked by the refresh timer (so
     * claims no longer read it); a resume by a node of an earlier release, which updates the
     * queue's row only, has the marks cleared by the same timer, and the task runs.
     */
    @Test
    void aPausedQueuesLateRowsAreMarkedAndAResumeByAnEarlierReleaseIsReconciled() {
        queue.pause("marks");
        TaskId late = queue.enqueue("test.record", TaskOptions.defaults().queue("marks"), "marks", 1);
        await().atMost(PROMPTLY).until(() -> effects.number(
                "SELECT COUNT(*) FROM background_task WHERE id = ? AND paused = TRUE", late.value()) == 1);
        effects.update("UPDATE background_task_queue SET paused = FALSE WHERE queue = ?", "marks");
        await().atMost(PROMPTLY).until(() -> effects.values("marks").equals(List.of("1")));
        assertEquals(0, effects.number("SELECT COUNT(*) FROM background_task WHERE paused = TRUE"));
    }

    /**
     * The pruner deletes an archived task once its outcome's retention has passed (one hour here)
     * and keeps a recent one; a handle that waits for a task stored nowhere any more (its row
     * deleted, as a pruned or deleted task's is) fails with an error that says so, rather than
     * waiting for ever.
     */
    @Test
    void anArchivedTaskPastItsRetentionIsPrunedAndAHandleOfATaskStoredNowhereSaysSo() throws Exception {
        TaskId old = queue.enqueue("test.sum", TaskOptions.defaults(), List.of(1, 2));
        TaskId recent = queue.enqueue("test.sum", TaskOptions.defaults(), List.of(3, 4));
        queue.handle(old).completion().toCompletableFuture().get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        queue.handle(recent).completion().toCompletableFuture().get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        effects.update("UPDATE background_task_completed SET finished_at = ? WHERE id = ?",
                LocalDateTime.now(ZoneOffset.UTC).minusHours(2), old.value());
        await().atMost(PROMPTLY).until(() -> effects.number(
                "SELECT COUNT(*) FROM background_task_completed WHERE id = ?", old.value()) == 0);
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task_completed WHERE id = ?", recent.value()));

        TaskId later = queue.enqueue("test.sum", TaskOptions.in(Duration.ofHours(1)), List.of(5, 6));
        CompletableFuture<TaskInfo> outcome = queue.handle(later).completion().toCompletableFuture();
        effects.update("DELETE FROM background_task WHERE id = ?", later.value());
        ExecutionException gone = assertThrows(ExecutionException.class,
                () -> outcome.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS));
        assertTrue(gone.getCause() instanceof NoSuchTaskException && gone.getCause().getMessage().contains("pruned"),
                String.valueOf(gone.getCause()));
    }

    /**
     * A batch joins the caller's transaction like a single enqueue, next to one stored through JPA:
     * rolled back, nothing; committed, every task runs once, stored in the order of its arguments.
     * 2,520 tasks take three statements and an id block only partly used.
     */
    @Test
    void manyTasksEnqueuedInOneCallJoinTheCallersTransaction() throws Exception {
        List<Object[]> sets = IntStream.range(0, 2520).mapToObj(n -> new Object[]{"batch", n}).toList();
        UserTransaction tx = transaction();
        tx.begin();
        tasks.record("batch-single", 0);
        queue.enqueueAll("test.record", TaskOptions.defaults(), sets.subList(0, 10));
        tx.rollback();
        assertEquals(0, pending());

        tx.begin();
        tasks.record("batch-single", 1);
        List<TaskId> ids = queue.enqueueAll("test.record", TaskOptions.defaults().priority(3), sets);
        assertEquals(List.of(), effects.values("batch"), "nothing runs before the commit");
        tx.commit();

        assertEquals(2520, ids.size());
        assertEquals(2520, ids.stream().distinct().count());
        await().atMost(Duration.ofMinutes(2)).until(() -> effects.values("batch").size() >= 2520);
        await().atMost(PROMPTLY).until(() -> pending() == 0);
        assertEquals(IntStream.range(0, 2520).mapToObj(Integer::toString).sorted().toList(), effects.values("batch"));
        assertEquals(List.of("1"), effects.values("batch-single"));
        assertEquals(IntStream.range(0, 2520).mapToObj(n -> "[\"batch\"," + n + "]").toList(), effects.strings(
                "SELECT params FROM background_task_completed WHERE priority = 3 AND outcome = 'SUCCEEDED' ORDER BY id"));
        assertEquals(ids.get(0).value(), effects.number(
                "SELECT MIN(id) FROM background_task_completed WHERE priority = 3"));

        List<TaskId> streamed = queue.enqueueAll("test.record", TaskOptions.defaults(),
                IntStream.range(0, 3).mapToObj(n -> new Object[]{"streamed", n}));
        assertEquals(3, streamed.size());
        await().atMost(PROMPTLY).until(() -> effects.values("streamed").size() == 3);
    }

    /** A batch with one bad argument set, a null set or a dedupe key throws, naming it, and stores none of its tasks. */
    @Test
    void aBatchWithABadArgumentSetThrowsNamingItAndStoresNothing() throws Exception {
        UserTransaction tx = transaction();
        tx.begin();
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> queue.enqueueAll(
                "test.record", TaskOptions.defaults(),
                List.of(new Object[]{"bad", 1}, new Object[]{"bad", 2}, new Object[]{"bad", "three"})));
        tx.commit();
        assertTrue(wrongType.getMessage().startsWith("Argument set 2 (counting from 0) of 3: "), wrongType.getMessage());
        assertTrue(wrongType.getMessage().contains("'value'"), wrongType.getMessage());

        List<Object[]> withNull = new ArrayList<>();
        withNull.add(new Object[]{"bad", 1});
        withNull.add(null);
        IllegalArgumentException nullSet = assertThrows(IllegalArgumentException.class,
                () -> queue.enqueueAll("test.record", TaskOptions.defaults(), withNull));
        assertTrue(nullSet.getMessage().contains("Argument set 1 (counting from 0) of 2 is null"), nullSet.getMessage());

        IllegalArgumentException keyed = assertThrows(IllegalArgumentException.class, () -> queue.enqueueAll(
                "test.record", TaskOptions.defaults().dedupeKey("one"),
                List.of(new Object[]{"bad", 1}, new Object[]{"bad", 2})));
        assertTrue(keyed.getMessage().contains("dedupe key 'one'"), keyed.getMessage());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> queue.enqueueAll("test.missing", TaskOptions.defaults(), List.<Object[]>of(new Object[0])));
        assertTrue(unknown.getMessage().contains("Unknown task 'test.missing'"), unknown.getMessage());
        assertEquals(List.of(), queue.enqueueAll("test.record", TaskOptions.defaults(), List.<Object[]>of()));
        assertEquals(0, pending());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> effects.values("bad").isEmpty());
    }

    /**
     * With {@code claim-ahead}, a worker stopped in the middle of a backlog of short tasks gives back
     * what it had claimed ahead of its slots, unstarted and without counting an attempt: every task
     * runs once, at its first attempt, once a worker runs again.
     */
    @Test
    void aStoppedWorkerGivesBackWhatItClaimedAheadWithoutSpendingAnAttempt() throws Exception {
        effects.update("DELETE FROM background_task_completed WHERE task_name = 'test.count'");
        UserTransaction tx = transaction();
        tx.begin();
        for (int n = 0; n < 1000; n++) {
            tasks.count(n);
        }
        tx.commit();
        await().atMost(PROMPTLY).until(() -> effects.values("count").size() >= 200);
        worker.stop(Duration.ofSeconds(5));
        long waiting = pending();
        assertEquals(0, effects.number("SELECT COUNT(*) FROM background_task WHERE locked_by IS NOT NULL"),
                "nothing stays claimed by the stopped worker");
        worker.start();
        await().atMost(Duration.ofMinutes(2)).until(() -> pending() == 0);
        assertEquals(1000, effects.values("count").size(), "every task ran once, none twice (" + waiting + " waited for the restart)");
        assertEquals(1000, effects.number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'test.count' "
                + "AND outcome = 'SUCCEEDED' AND attempts = 1"), "each at its first attempt");
    }
}
