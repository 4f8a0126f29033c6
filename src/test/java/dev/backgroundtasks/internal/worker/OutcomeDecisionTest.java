package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.RetrySettings;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity.Outcome;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.backgroundtasks.internal.worker.ClaimedRows.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class OutcomeDecisionTest {

    private static final RetryPolicy RETRIES = new RetryPolicy(
            new RetrySettings(RetrySettings.Backoff.EXPONENTIAL, Duration.ofSeconds(5), Duration.ofHours(1), 2.0, 0.2),
            () -> 0.5);
    private static final Instant STARTED = T0.plusMillis(100);
    private static final Instant NOW = T0.plusSeconds(2);

    private static OutcomeDecision decide(TaskEntity row, Attempt attempt) {
        return OutcomeDecision.of(row, STARTED, attempt, false, NOW, RETRIES);
    }

    private static OutcomeDecision decideAfterCancel(TaskEntity row, Attempt attempt) {
        return OutcomeDecision.of(row, STARTED, attempt, true, NOW, RETRIES);
    }

    @Test
    void aOneOffSuccessJoinsTheNextBatchWithItsResultAndTimes() {
        var batch = assertInstanceOf(OutcomeDecision.Batch.class,
                decide(ClaimedRows.claimed(7, "default", 1, 3), new Attempt.Succeeded("42", null)));
        assertEquals(7L, batch.finished().task().getId());
        assertEquals("42", batch.finished().resultJson());
        assertEquals(STARTED, batch.finished().startedAt());
        assertEquals(NOW, batch.finished().finishedAt());
    }

    @Test
    void aRepeatingSuccessIsArchivedAtOnceWithItsNextRunOnTheGrid() {
        TaskEntity row = ClaimedRows.claimed(7, "default", 1, 3);
        row.setSchedule("every PT1H");
        var archive = assertInstanceOf(OutcomeDecision.Archive.class, decide(row, new Attempt.Succeeded(null, null)));
        assertEquals(Outcome.SUCCEEDED, archive.outcome());
        assertEquals(T0.plus(Duration.ofHours(1)), archive.nextRun());
    }

    @Test
    void aRetryableFailureWithAttemptsLeftGoesBackAfterTheBackoff() {
        var retry = assertInstanceOf(OutcomeDecision.Retry.class,
                decide(ClaimedRows.claimed(7, "default", 2, 3), new Attempt.Failed("boom", true, null)));
        assertEquals(NOW.plusSeconds(10), retry.at(), "second failure: 5 s doubled, jitter at its middle");
        assertEquals("boom", retry.error());
    }

    @Test
    void aFailureAskingForItsOwnWaitGetsIt() {
        var retry = assertInstanceOf(OutcomeDecision.Retry.class, decide(ClaimedRows.claimed(7, "default", 1, 3),
                new Attempt.Failed("later", true, Duration.ofMinutes(3))));
        assertEquals(NOW.plus(Duration.ofMinutes(3)), retry.at());
    }

    @Test
    void theLastAttemptOrAPermanentFailureIsArchivedFailed() {
        var last = assertInstanceOf(OutcomeDecision.Archive.class,
                decide(ClaimedRows.claimed(7, "default", 3, 3), new Attempt.Failed("boom", true, null)));
        assertEquals(Outcome.FAILED, last.outcome());
        assertEquals("boom", last.error());
        assertNull(last.nextRun());
        var permanent = assertInstanceOf(OutcomeDecision.Archive.class,
                decide(ClaimedRows.claimed(7, "default", 1, 3), Attempt.Failed.permanently("bad row")));
        assertEquals(Outcome.FAILED, permanent.outcome());
    }

    @Test
    void aFailedCronRunStillSchedulesTheNextOne() {
        TaskEntity row = ClaimedRows.claimed(7, "default", 3, 3);
        row.setSchedule("cron UTC 0 * * * *");
        var archive = assertInstanceOf(OutcomeDecision.Archive.class, decide(row, Attempt.Failed.permanently("boom")));
        assertEquals(Outcome.FAILED, archive.outcome());
        assertEquals(Instant.parse("2026-12-01T11:00:00Z"), archive.nextRun());
    }

    /** A run that did not see the cancel (it never blocked) and returned still succeeds, and its repeat ends. */
    @Test
    void aRepeatCancelledWhileRunningEndsEvenWhenTheRunReturns() {
        TaskEntity repeat = ClaimedRows.claimed(7, "default", 1, 3);
        repeat.setSchedule("every PT1H");
        var ended = assertInstanceOf(OutcomeDecision.Archive.class, decideAfterCancel(repeat, new Attempt.Succeeded("1", null)));
        assertEquals(Outcome.SUCCEEDED, ended.outcome());
        assertNull(ended.nextRun());
        TaskEntity cron = ClaimedRows.claimed(8, "default", 1, 3);
        cron.setSchedule("cron UTC 0 * * * *");
        var skipped = assertInstanceOf(OutcomeDecision.Archive.class, decideAfterCancel(cron, new Attempt.Succeeded("1", null)));
        assertEquals(Instant.parse("2026-12-01T11:00:00Z"), skipped.nextRun(), "a cron schedule is code: it goes on");
    }

    /** A cancelled run that then times out (or fails any other way) is cancelled: not retried, not failed. */
    @Test
    void aFailureAfterACancelRequestIsACancel() {
        var cancelled = assertInstanceOf(OutcomeDecision.Archive.class, decideAfterCancel(
                ClaimedRows.claimed(7, "default", 1, 3), new Attempt.Failed("Task timeout after 1s", true, null)));
        assertEquals(Outcome.CANCELLED, cancelled.outcome());
        assertEquals("Cancelled while running: Task timeout after 1s", cancelled.error());
    }

    @Test
    void aCancelledRepeatEndsButACancelledCronRunOnlySkips() {
        TaskEntity repeat = ClaimedRows.claimed(7, "default", 1, 3);
        repeat.setSchedule("every PT1H");
        var ended = assertInstanceOf(OutcomeDecision.Archive.class, decide(repeat, new Attempt.Cancelled("stopped")));
        assertEquals(Outcome.CANCELLED, ended.outcome());
        assertEquals("Cancelled while running: stopped", ended.error());
        assertNull(ended.nextRun());

        TaskEntity cron = ClaimedRows.claimed(8, "default", 1, 3);
        cron.setSchedule("cron UTC 0 * * * *");
        var skipped = assertInstanceOf(OutcomeDecision.Archive.class, decide(cron, new Attempt.Cancelled("stopped")));
        assertEquals(Instant.parse("2026-12-01T11:00:00Z"), skipped.nextRun());
    }

    /** S4: a cron task's run follows the schedule this node declares; other rows keep their own. */
    @Test
    void aCronRunStoredUnderAnOlderScheduleFollowsTheDeclaredOne() {
        TaskEntity cron = ClaimedRows.claimed(8, "default", 1, 3);
        cron.setTaskName("report");
        cron.setDedupeKey("cron:report");
        cron.setSchedule("cron UTC 30 * * * *");
        OutcomeDecision.followDeclaredSchedule(cron, "cron UTC 0 * * * *");
        assertEquals("cron UTC 0 * * * *", cron.getSchedule());
        var next = assertInstanceOf(OutcomeDecision.Archive.class, decide(cron, new Attempt.Succeeded("1", null)));
        assertEquals(Instant.parse("2026-12-01T11:00:00Z"), next.nextRun(), "on the declared schedule");

        TaskEntity repeat = ClaimedRows.claimed(9, "default", 1, 3);
        repeat.setTaskName("report");
        repeat.setSchedule("every PT1H");
        OutcomeDecision.followDeclaredSchedule(repeat, "cron UTC 0 * * * *");
        assertEquals("every PT1H", repeat.getSchedule(), "a repeat a caller asked for is the caller's");
        OutcomeDecision.followDeclaredSchedule(cron, null);
        assertEquals("cron UTC 0 * * * *", cron.getSchedule(), "a node that declares no cron for it changes nothing");
    }
}
