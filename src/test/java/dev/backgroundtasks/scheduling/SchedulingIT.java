package dev.backgroundtasks.scheduling;

import dev.backgroundtasks.DuplicateAction;
import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskHandle;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.TaskStateException;
import dev.backgroundtasks.internal.enqueue.Completions;
import dev.backgroundtasks.it.Deployments;
import dev.backgroundtasks.it.Effects;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
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
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When and in what order tasks run, and what the application can do with them, on one node (every
 * server and database of the portability suite). This node serves three queues: {@code default} with 4 slots,
 * {@code limited} with 2 and {@code ordered} with 1; any other queue is not its business.
 */
@ExtendWith(ArquillianExtension.class)
@Tag("portable")
class SchedulingIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(15);
    /** The poll interval: a due task starts within it even when nothing wakes the worker. */
    private static final Duration POLL = Duration.ofMillis(200);

    @Deployment
    static WebArchive deployment() {
        return Deployments.library("scheduling.war",
                        "background-tasks.worker.queues=default:4,limited:2,ordered:1",
                        "background-tasks.worker.poll-interval=PT0.2S",
                        "background-tasks.worker.refresh-interval=PT0.2S")
                .addClasses(SchedulingTasks.class, Runs.class, Runs.Run.class, Effects.class);
    }

    @Inject
    TaskQueue queue;

    @Inject
    Runs runs;

    @Inject
    Completions completions;

    @Inject
    Effects effects;

    @BeforeEach
    void clean() {
        for (String paused : queue.pausedQueues()) {
            queue.resume(paused);
        }
        effects.update("DELETE FROM background_task WHERE task_name <> 'sched.hourly'");
        runs.reset();
    }

    private static UserTransaction transaction() throws Exception {
        return (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
    }

    private TaskInfo finished(TaskId id) throws Exception {
        return queue.handle(id).completion().toCompletableFuture().get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    }

    // ---- when and in what order ----------------------------------------------------------------

    @Test
    void aTaskNeverRunsBeforeItsTimeAndRunsPromptlyAfterIt() throws Exception {
        Instant due = Instant.now().plusMillis(1500).truncatedTo(ChronoUnit.MILLIS);
        queue.enqueue("sched.note", TaskOptions.at(due), "later", "at");
        Instant delayedAt = Instant.now();
        queue.enqueue("sched.note", TaskOptions.in(Duration.ofMillis(1500)), "later", "in");

        await().atMost(PROMPTLY).until(() -> runs.of("later").size() == 2);
        for (Runs.Run run : runs.of("later")) {
            assertTrue(!run.at().isBefore(run.scheduledAt()), run + " started before it was due");
            Duration late = Duration.between(run.scheduledAt(), run.at());
            assertTrue(late.compareTo(POLL.multipliedBy(5)) < 0, run + " started " + late + " after it was due");
        }
        assertEquals(due, runs.of("later").stream().filter(r -> r.value().equals("at")).findFirst().orElseThrow().scheduledAt());
        Runs.Run delayed = runs.of("later").stream().filter(r -> r.value().equals("in")).findFirst().orElseThrow();
        assertTrue(!delayed.at().isBefore(delayedAt.plusMillis(1500)), "the delay was kept: " + delayed);
    }

    @Test
    void higherPrioritiesRunFirstWithinAQueue() throws Exception {
        UserTransaction tx = transaction();
        tx.begin();
        for (int priority : new int[] {1, 5, 3, -2, 5}) {
            queue.enqueue("sched.note", TaskOptions.defaults().queue("ordered").priority(priority), "ordered", "p" + priority);
        }
        tx.commit();

        await().atMost(PROMPTLY).until(() -> runs.of("ordered").size() == 5);
        assertEquals(List.of("p5", "p5", "p3", "p1", "p-2"), runs.values("ordered"));
    }

    @Test
    void aCappedTaskKeepsItsPlaceAheadOfABacklogOfUncappedWork() throws Exception {
        UserTransaction tx = transaction();
        tx.begin();
        for (int i = 0; i < 4; i++) {
            queue.enqueue("sched.note", TaskOptions.defaults().queue("ordered"), "mixed", "uncapped");
        }
        queue.enqueue("sched.capped", TaskOptions.defaults().queue("ordered").priority(5), "mixed", "capped");
        tx.commit();

        await().atMost(PROMPTLY).until(() -> runs.of("mixed").size() == 5);
        assertEquals("capped", runs.values("mixed").get(0), "the capped task has the highest priority: " + runs.values("mixed"));
    }

    @Test
    void aNodeRunsOnlyItsQueuesAndNoMoreAtOnceThanEachAllows() throws Exception {
        TaskId elsewhere = queue.enqueue("sched.note", TaskOptions.defaults().queue("elsewhere"), "elsewhere", "x");
        UserTransaction tx = transaction();
        tx.begin();
        for (int i = 0; i < 8; i++) {
            queue.enqueue("sched.hold", TaskOptions.defaults().queue("limited"), "limited", "t" + i, 250L);
        }
        tx.commit();

        await().atMost(PROMPTLY).until(() -> runs.of("limited").size() == 8);
        assertEquals(2, runs.mostRunning("limited"), "the queue's two slots were used, never more");
        assertTrue(runs.of("elsewhere").isEmpty(), "a queue this node does not serve is left alone");
        assertEquals(TaskState.PENDING, queue.find(elsewhere).orElseThrow().state());
    }

    @Test
    void aPausedQueueStartsNothingUntilItIsResumed() throws Exception {
        queue.pause("limited");
        queue.pause("limited");
        assertEquals(Set.of("limited"), queue.pausedQueues());
        queue.enqueue("sched.note", TaskOptions.defaults().queue("limited"), "paused", "1");
        queue.enqueue("sched.note", TaskOptions.defaults().queue("ordered"), "not paused", "1");

        await().atMost(PROMPTLY).until(() -> runs.of("not paused").size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> runs.of("paused").isEmpty());

        queue.resume("limited");
        assertEquals(Set.of(), queue.pausedQueues());
        await().atMost(PROMPTLY).until(() -> runs.of("paused").size() == 1);
        assertThrows(IllegalArgumentException.class, () -> queue.pause(" "));
    }

    // ---- repeat and cron -------------------------------------------------------------------------

    @Test
    void aRepeatingTaskRunsOnItsGridUntilItsEnd() throws Exception {
        Instant first = Instant.now().plusMillis(500).truncatedTo(ChronoUnit.MILLIS);
        queue.enqueue("sched.note", TaskOptions.at(first).repeatEvery(Duration.ofSeconds(1)).repeatUntil(first.plusMillis(2500)),
                "repeat", "r");

        await().atMost(PROMPTLY).until(() -> runs.of("repeat").size() == 3);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> runs.of("repeat").size() == 3);
        List<Instant> scheduled = runs.of("repeat").stream().map(Runs.Run::scheduledAt).toList();
        assertEquals(List.of(first, first.plusSeconds(1), first.plusSeconds(2)), scheduled);
        assertEquals(0, effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.note'"),
                "no run is scheduled after the end");
    }

    /**
     * S4: the cron's waiting run carries a schedule this version no longer declares (every hour at
     * :30, as an older version stored it). It runs, and the run that follows it is stored under the
     * declared schedule (on the hour), not the old one.
     */
    @Test
    void aCronRunStoredUnderAnOlderScheduleIsFollowedUnderTheDeclaredOne() throws Exception {
        await().atMost(PROMPTLY).until(() ->
                effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.hourly'") == 1);
        String declared = effects.strings("SELECT schedule FROM background_task WHERE task_name = 'sched.hourly'").get(0);
        String older = declared.replace("0 0 * * * *", "0 30 * * * *");
        assertNotEquals(declared, older, declared);
        LocalDateTime dueAtHalfPast = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).minusMinutes(30);
        effects.update("UPDATE background_task SET schedule = ?, run_at = ? WHERE task_name = 'sched.hourly'", older,
                dueAtHalfPast);

        await().atMost(PROMPTLY).until(() -> runs.of("hourly").size() == 1);
        await().atMost(PROMPTLY).until(() -> effects.number("SELECT COUNT(*) FROM background_task "
                + "WHERE task_name = 'sched.hourly' AND locked_by IS NULL") == 1);
        LocalDateTime nextHour = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).plusHours(1);
        assertEquals(List.of(declared), effects.strings("SELECT schedule FROM background_task WHERE task_name = 'sched.hourly'"));
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.hourly' AND run_at = ?",
                nextHour), "the next run is on the declared schedule");
    }

    @Test
    void aCronWindowMissedWhileNoNodeWasUpRunsOnce() throws Exception {
        // Each node stores the schedule's waiting run shortly after it starts.
        await().atMost(PROMPTLY).until(() ->
                effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.hourly'") == 1);
        // As if every node had been down for the last three windows.
        LocalDateTime threeHoursAgo = LocalDateTime.now(ZoneOffset.UTC).minusHours(3).truncatedTo(ChronoUnit.HOURS);
        effects.update("UPDATE background_task SET run_at = ? WHERE task_name = 'sched.hourly'", threeHoursAgo);

        await().atMost(PROMPTLY).until(() -> runs.of("hourly").size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> runs.of("hourly").size() == 1);
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.hourly'"));
        LocalDateTime nextHour = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).plusHours(1);
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.hourly' AND run_at = ?",
                nextHour), "the next run is the next window, not a missed one");
    }

    // ---- dedupe ----------------------------------------------------------------------------------

    @Test
    void fiftyConcurrentEnqueuesOfOneKeyStoreOneTask() throws Exception {
        ManagedThreadFactory threads = (ManagedThreadFactory) new InitialContext().lookup("java:comp/DefaultManagedThreadFactory");
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String value = "v" + i;
            Thread thread = threads.newThread(() -> {
                try {
                    start.await();
                    results.add(queue.enqueue("sched.note", TaskOptions.defaults().queue("held").dedupeKey("report-7"),
                            "dedupe", value));
                } catch (Throwable e) {
                    results.add(e);
                }
            });
            thread.start();
            started.add(thread);
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join(30_000);
        }

        assertEquals(50, results.size());
        results.forEach(r -> assertTrue(r instanceof TaskId, "every enqueue returned an id: " + r));
        assertEquals(1, new HashSet<>(results).size(), "all fifty got the same task");
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task WHERE queue = 'held'"));
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task WHERE dedupe_key = 'report-7'"));
    }

    /**
     * S7: the task holding a key starts (its claim gives the key up) between an enqueue's insert,
     * which found the key taken, and its read of the holder. The enqueue tries again and its task
     * takes the key: it is not stored without it, which would let the next enqueue of the key add a
     * second waiting task.
     */
    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = ".*mariadb.*",
            disabledReason = "finds the waiting statement in PostgreSQL's pg_stat_activity")
    void aHolderThatStartsWhileAnEnqueueWaitsPassesTheKeyOn() throws Exception {
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        TaskOptions keyed = TaskOptions.in(Duration.ofHours(1)).dedupeKey("race-1");
        TaskId holder = queue.enqueue("sched.note", keyed, "race", "holder");
        TaskId stored;
        try (Connection claim = dataSource.getConnection()) {
            claim.setAutoCommit(false);
            try (PreparedStatement lock = claim.prepareStatement("SELECT id FROM background_task WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, holder.value());
                lock.executeQuery().close();
            }
            // Stored from another thread: a transaction on this one could share, and commit, the lock's connection.
            CompletableFuture<TaskId> second = queue.enqueueAsync("sched.note", keyed, "race", "second").toCompletableFuture();
            await().atMost(PROMPTLY).until(() -> waitingHolderReads() > 0);
            // As a claim does: the holder starts and gives up its key.
            try (PreparedStatement start = claim.prepareStatement("UPDATE background_task SET dedupe_key = NULL, "
                    + "locked_by = 'elsewhere', attempts = attempts + 1 WHERE id = ?")) {
                start.setLong(1, holder.value());
                start.executeUpdate();
            }
            claim.commit();
            stored = second.get(10, TimeUnit.SECONDS);
        } finally {
            effects.update("DELETE FROM background_task WHERE id = ?", holder.value());
        }
        assertNotEquals(holder, stored);
        assertEquals(List.of(Long.toString(stored.value())),
                effects.strings("SELECT id FROM background_task WHERE dedupe_key = 'race-1'"), "the new task holds the key");
        assertEquals(stored, queue.enqueue("sched.note", keyed, "race", "third"), "the next enqueue finds it");
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.note' "
                + "AND params LIKE '[\"race\"%'"));
    }

    /** Enqueues whose read of a key's holder waits for a row lock. */
    private long waitingHolderReads() {
        return effects.number("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                + "AND query LIKE '%dedupe_key = $1 FOR UPDATE%'");
    }

    @Test
    void eachDuplicateActionBehavesAsDocumented() throws Exception {
        Instant inAnHour = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        TaskOptions keyed = TaskOptions.at(inAnHour).dedupeKey("user-42");
        TaskId first = queue.enqueue("sched.note", keyed, "dup", "a");

        assertEquals(first, queue.enqueue("sched.note", keyed, "dup", "b"), "SKIP returns the waiting task");
        assertEquals(1, effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.note'"));

        Instant later = inAnHour.plus(Duration.ofHours(1));
        assertEquals(first, queue.enqueue("sched.note", keyed.runAt(later).onDuplicate(DuplicateAction.RESCHEDULE), "dup", "c"));
        TaskInfo moved = queue.find(first).orElseThrow();
        assertEquals(later, moved.runAt(), "RESCHEDULE moves the waiting task");
        assertEquals(List.of("[\"dup\",\"c\"]"),
                effects.strings("SELECT params FROM background_task WHERE id = ?", first.value()), "and gives it the new arguments");

        TaskId another = queue.enqueue("sched.note", keyed.onDuplicate(DuplicateAction.INSERT), "dup", "d");
        assertNotEquals(first, another, "INSERT stores another task");
        assertEquals(2, effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.note'"));
        assertEquals(List.of(Long.toString(first.value())),
                effects.strings("SELECT id FROM background_task WHERE dedupe_key = 'user-42'"), "the key stays with its holder");

        queue.runNow(first);
        assertEquals(TaskState.SUCCEEDED, finished(first).state());
        assertEquals(List.of("c"), runs.values("dup"));
        TaskId afterStart = queue.enqueue("sched.note", keyed, "dup", "e");
        assertNotEquals(first, afterStart, "a task that started gave up its key");
    }

    // ---- inside a task, results and handles ------------------------------------------------------

    @Test
    void theContextIsRightOnARetryAndTheResultRoundTrips() throws Exception {
        TaskId id = queue.enqueue("sched.flaky", "ctx");
        TaskHandle handle = queue.handle(id);
        TaskInfo done = handle.completion().toCompletableFuture().get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);

        assertEquals(TaskState.SUCCEEDED, done.state());
        assertEquals(2, done.attempts());
        assertEquals("done on attempt 2", handle.result(String.class).orElseThrow());
        List<Runs.Run> seen = runs.of("ctx");
        assertEquals(List.of(1, 2), seen.stream().map(Runs.Run::attempt).toList());
        seen.forEach(run -> assertEquals(id.value(), run.id()));
        seen.forEach(run -> assertEquals("default", run.queue()));
        assertTrue(seen.get(1).scheduledAt().isAfter(seen.get(0).scheduledAt()), "the retry has its own due time");

        TaskId sum = queue.enqueue("sched.sum", 2L, 40L);
        assertEquals(TaskState.SUCCEEDED, finished(sum).state());
        assertEquals(42L, queue.handle(sum).result(Long.class).orElseThrow());
        assertEquals(TaskState.SUCCEEDED, finished(sum).state(), "a handle on an archived task completes at once");
        assertThrows(IllegalArgumentException.class, () -> queue.handle(sum).result(List.class));
    }

    // ---- control ---------------------------------------------------------------------------------

    @Test
    void aWaitingTaskIsCancelledAndARunningOneIsStopped() throws Exception {
        TaskId waiting = queue.enqueue("sched.note", TaskOptions.in(Duration.ofHours(1)), "cancel", "never");
        assertEquals(TaskState.CANCELLED, queue.cancel(waiting));
        assertEquals(TaskState.CANCELLED, finished(waiting).state());
        assertEquals(TaskState.CANCELLED,
                assertThrows(TaskStateException.class, () -> queue.cancel(waiting)).state());

        TaskId running = queue.enqueue("sched.endless", "endless");
        await().atMost(PROMPTLY).until(() -> runs.values("endless").contains("started"));
        assertEquals(TaskState.RUNNING, queue.cancel(running));
        TaskInfo stopped = finished(running);
        assertEquals(TaskState.CANCELLED, stopped.state());
        assertEquals(List.of("started", "interrupted, flag true"), runs.values("endless"));
        assertTrue(stopped.failure().orElseThrow().startsWith("Cancelled while running"), stopped.failure().orElseThrow());
        assertTrue(runs.values("cancel").isEmpty());
    }

    /**
     * R4: a timeout fires on time while the claim loop waits for the database. The test locks the
     * capped tasks' table, which the loop's next claim needs, so the loop hangs in that claim; the
     * overdue task is interrupted at its 2 s timeout all the same.
     */
    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = ".*mariadb.*",
            disabledReason = "holds PostgreSQL's ACCESS EXCLUSIVE table lock")
    void aTimeoutFiresOnTimeWhileTheClaimLoopWaitsForTheDatabase() throws Exception {
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        TaskId overdue = queue.enqueue("sched.overdue", "overdue");
        await().atMost(PROMPTLY).until(() -> runs.values("overdue").contains("started"));
        Instant started = runs.of("overdue").get(0).at();
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("LOCK TABLE background_task_cap IN ACCESS EXCLUSIVE MODE");
            }
            // A commit wakes the claim loop, whose first claim (capped tasks first) now waits for the lock.
            // Stored from another thread: a transaction on this one could share, and commit, the lock's connection.
            queue.enqueueAsync("sched.note", TaskOptions.defaults(), "behind-the-lock", "runs once the lock is gone")
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.values("overdue").contains("interrupted"));
            Duration late = Duration.between(started, runs.of("overdue").get(1).at());
            assertTrue(late.compareTo(Duration.ofSeconds(4)) < 0, "interrupted " + late + " after it started");
            assertTrue(runs.values("behind-the-lock").isEmpty(), "the claim loop was held up meanwhile");
            lock.rollback();
        }
        assertEquals(TaskState.FAILED, finished(overdue).state());
        await().atMost(PROMPTLY).until(() -> runs.values("behind-the-lock").size() == 1);
    }

    /** L3: stages their callers give up (cancel) are not kept until the task is archived, however many there are. */
    @Test
    void stagesTheirCallersGiveUpAreNotKept() throws Exception {
        TaskId later = queue.enqueue("sched.note", TaskOptions.in(Duration.ofHours(1)), "stages", "later");
        int before = completions.waitingCount();
        for (int i = 0; i < 500; i++) {
            queue.handle(later).completion().toCompletableFuture().cancel(false);
        }
        assertEquals(before, completions.waitingCount(), "cancelled stages are let go");
        CompletableFuture<TaskInfo> kept = queue.handle(later).completion().toCompletableFuture();
        assertEquals(before + 1, completions.waitingCount());
        assertEquals(TaskState.CANCELLED, queue.cancel(later));
        assertEquals(TaskState.CANCELLED, kept.get(10, TimeUnit.SECONDS).state());
        assertEquals(before, completions.waitingCount());
    }

    /** A repeat cancelled while it runs ends, even when the run never sees the cancel and returns. */
    @Test
    void cancellingARunningRepeatEndsItEvenWhenTheRunReturns() throws Exception {
        TaskId run = queue.enqueue("sched.busy", TaskOptions.defaults().repeatEvery(Duration.ofSeconds(1)), "busy", 1_500L);
        await().atMost(PROMPTLY).until(() -> runs.values("busy").contains("started"));
        assertEquals(TaskState.RUNNING, queue.cancel(run));
        assertEquals(TaskState.SUCCEEDED, finished(run).state(), "a run that returns still succeeds");
        assertEquals(0, effects.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'sched.busy'"),
                "no next run is stored");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> runs.values("busy").size() == 2);
        assertEquals(List.of("started", "returned"), runs.values("busy"));
    }

    @Test
    void aFailedTaskIsRetriedAndAWaitingOneRunsNow() throws Exception {
        TaskId failing = queue.enqueue("sched.fail", "retry");
        assertEquals(TaskState.FAILED, finished(failing).state());
        queue.retry(failing);
        assertEquals(TaskState.FAILED, finished(failing).state());
        assertEquals(2, runs.of("retry").size(), "the retry ran the same task again");
        runs.of("retry").forEach(run -> assertEquals(failing.value(), run.id()));

        TaskId later = queue.enqueue("sched.note", TaskOptions.in(Duration.ofHours(1)), "now", "1");
        assertEquals(TaskState.PENDING,
                assertThrows(TaskStateException.class, () -> queue.retry(later)).state());
        Instant asked = Instant.now();
        queue.runNow(later);
        assertEquals(TaskState.SUCCEEDED, finished(later).state());
        assertTrue(runs.of("now").get(0).at().isBefore(asked.plusSeconds(5)));
        assertEquals(TaskState.SUCCEEDED,
                assertThrows(TaskStateException.class, () -> queue.runNow(later)).state());
        assertEquals(TaskState.SUCCEEDED,
                assertThrows(TaskStateException.class, () -> queue.retry(later)).state());
    }

    @Test
    void unknownIdsAreNamed() {
        TaskId nobody = new TaskId(-4242);
        for (Runnable call : List.<Runnable>of(() -> queue.cancel(nobody), () -> queue.retry(nobody),
                () -> queue.runNow(nobody), () -> queue.handle(nobody))) {
            NoSuchTaskException error = assertThrows(NoSuchTaskException.class, call::run);
            assertEquals(nobody, error.id());
            assertTrue(error.getMessage().contains("-4242"), error.getMessage());
        }
    }
}
