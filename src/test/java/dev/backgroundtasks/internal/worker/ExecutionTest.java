package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.TaskProgress;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutionTest {

    @Test
    void aDrainTakesBackOnlyWhatNoRunnerBegan() {
        Execution unstarted = new Execution(ClaimedRows.claimed(1, "default", 1, 3), 0L);
        assertTrue(unstarted.release());
        assertFalse(unstarted.begin(), "a released execution never starts");

        Execution started = new Execution(ClaimedRows.claimed(2, "default", 1, 3), 0L);
        assertTrue(started.begin());
        assertFalse(started.release(), "a started execution is never given back");
        assertTrue(started.settle());
        assertFalse(started.settle(), "only one outcome per attempt");
    }

    /** A claim's lease runs from the claim: one that waited past the grace for a runner is not started. */
    @Test
    void aClaimThatWaitedPastTheGraceIsStale() {
        long grace = 1_000;
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3), 5_000);
        assertFalse(execution.isStale(5_000, grace));
        assertFalse(execution.isStale(6_000, grace), "the grace itself is still within the lease");
        assertTrue(execution.isStale(6_001, grace));
        assertTrue(new Execution(ClaimedRows.claimed(2, "default", 1, 3), Long.MAX_VALUE - 10).isStale(Long.MIN_VALUE + 2_000, grace),
                "across the ticker's wrap");
    }

    @Test
    void lateOnlyAfterItsDeadlineOnTheTicker() {
        ManualTicker ticker = new ManualTicker();
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3), 0L);
        assertFalse(execution.isLate(Long.MAX_VALUE), "not late before it started");
        execution.begin();
        execution.started(Thread.currentThread(), Instant.now(), ticker.nanoTime() + 1_000);
        assertFalse(execution.isLate(ticker.nanoTime() + 1_000));
        assertTrue(execution.isLate(ticker.nanoTime() + 1_001));
    }

    @Test
    void aCancelInterruptsOnlyWhileRunningAndReportsTheFirstRequest() throws Exception {
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3), 0L);
        execution.started(Thread.currentThread(), Instant.now(), 0);
        assertTrue(execution.cancel(), "first request");
        assertFalse(Thread.interrupted(), "not running yet: no interrupt");
        assertTrue(execution.isCancellationRequested());

        execution.begin();
        assertFalse(execution.cancel(), "a repeated request is not the first");
        assertTrue(Thread.interrupted(), "running: interrupted");
        execution.cancel();
        assertFalse(Thread.interrupted(), "once: a task cleaning up after the interrupt is not interrupted again");

        execution.settle();
        execution.cancel();
        assertFalse(Thread.interrupted(), "settled: the runner is storing the outcome, no interrupt may reach it");
    }

    @Test
    void aCancelRequestedAtClaimIsKept() {
        var row = ClaimedRows.claimed(1, "default", 1, 3);
        row.setCancelRequested(true);
        assertTrue(new Execution(row, 0L).isCancellationRequested());
    }

    /** The timeout racing the runner's settle: it either marks and interrupts the run before the settle, or does nothing. */
    @RepeatedTest(20)
    void aTimeoutRacingTheSettleNeverInterruptsASettledRunner() throws Exception {
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3), 0L);
        execution.begin();
        execution.started(Thread.currentThread(), Instant.now(), 0);
        AtomicBoolean watching = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watch = new Thread(() -> {
            watching.set(true);
            for (int i = 0; i < 1_000; i++) {
                timedOut.compareAndSet(false, execution.timeOut(1));
            }
        });
        watch.start();
        while (!watching.get()) {
            Thread.onSpinWait();
        }
        assertTrue(execution.settle());
        boolean interruptedBeforeSettle = Thread.interrupted();
        watch.join();
        assertFalse(Thread.currentThread().isInterrupted(), "an interrupt reached the runner after its settle");
        assertEquals(timedOut.get(), execution.hasTimedOut());
        assertEquals(timedOut.get(), interruptedBeforeSettle, "timed out exactly when interrupted");
    }

    /** A cancel racing the settle never leaves an interrupt on a thread that settled. */
    @RepeatedTest(20)
    void noInterruptFollowsASettle() throws Exception {
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3), 0L);
        execution.begin();
        AtomicBoolean cancelling = new AtomicBoolean();
        Thread canceller = new Thread(() -> {
            cancelling.set(true);
            for (int i = 0; i < 1_000; i++) {
                execution.cancel();
            }
        });
        execution.started(Thread.currentThread(), Instant.now(), 0);
        canceller.start();
        while (!cancelling.get()) {
            Thread.onSpinWait();
        }
        assertTrue(execution.settle());
        Thread.interrupted();
        canceller.join();
        assertFalse(Thread.currentThread().isInterrupted(), "an interrupt reached the runner after its settle");
    }

    /** Progress keeps the last report until it is taken for storing; a fraction outside 0..1 and NaN are refused, long notes cut. */
    @Test
    void progressKeepsTheLastReportUntilTakenAndRefusesWhatIsNotAFraction() {
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3), 0L);
        assertNull(execution.takeProgress());
        execution.progress(0.25, "a quarter");
        execution.progress(0.5, "x".repeat(300));
        TaskProgress last = execution.takeProgress();
        assertEquals(0.5, last.fraction());
        assertEquals(TaskProgress.MAX_MESSAGE, last.message().length());
        assertNull(execution.takeProgress(), "taken once");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> execution.progress(1.5, null));
        assertTrue(refused.getMessage().contains("1.5"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> execution.progress(Double.NaN, null));
        execution.progress(1, null);
        TaskProgress unstored = execution.takeProgress();
        assertNull(unstored.message());
        execution.keepProgress(unstored); // its write failed: stored at the next turn
        assertEquals(unstored, execution.takeProgress());
        execution.progress(0.75, "newer");
        execution.keepProgress(unstored); // a failed write never replaces a newer report
        assertEquals("newer", execution.takeProgress().message());
    }
}
