package dev.backgroundtasks.internal.worker;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutionTest {

    @Test
    void aDrainTakesBackOnlyWhatNoRunnerBegan() {
        Execution unstarted = new Execution(ClaimedRows.claimed(1, "default", 1, 3));
        assertTrue(unstarted.release());
        assertFalse(unstarted.begin(), "a released execution never starts");

        Execution started = new Execution(ClaimedRows.claimed(2, "default", 1, 3));
        assertTrue(started.begin());
        assertFalse(started.release(), "a started execution is never given back");
        assertTrue(started.settle());
        assertFalse(started.settle(), "only one outcome per attempt");
    }

    @Test
    void lateOnlyAfterItsDeadlineOnTheTicker() {
        ManualTicker ticker = new ManualTicker();
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3));
        assertFalse(execution.isLate(Long.MAX_VALUE), "not late before it started");
        execution.begin();
        execution.started(Thread.currentThread(), Instant.now(), ticker.nanoTime() + 1_000);
        assertFalse(execution.isLate(ticker.nanoTime() + 1_000));
        assertTrue(execution.isLate(ticker.nanoTime() + 1_001));
    }

    @Test
    void aCancelInterruptsOnlyWhileRunningAndReportsTheFirstRequest() throws Exception {
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3));
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
        assertTrue(new Execution(row).isCancellationRequested());
    }

    /** The runner's completion and the timeout watch race for the outcome: exactly one wins, every time. */
    @RepeatedTest(20)
    void completionAndTimeoutSettleExactlyOnceFromTwoThreads() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Execution> executions = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                Execution e = new Execution(ClaimedRows.claimed(i, "default", 1, 3));
                e.begin();
                executions.add(e);
            }
            CountDownLatch go = new CountDownLatch(1);
            Callable<Integer> settleAll = () -> {
                go.await();
                int won = 0;
                for (Execution e : executions) {
                    won += e.settle() ? 1 : 0;
                }
                return won;
            };
            Future<Integer> runner = threads.submit(settleAll);
            Future<Integer> watch = threads.submit(settleAll);
            go.countDown();
            assertEquals(executions.size(), runner.get() + watch.get());
        } finally {
            threads.shutdownNow();
        }
    }

    /** A cancel racing the settle never leaves an interrupt on a thread that settled. */
    @RepeatedTest(20)
    void noInterruptFollowsASettle() throws Exception {
        Execution execution = new Execution(ClaimedRows.claimed(1, "default", 1, 3));
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
}
