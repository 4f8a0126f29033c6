package dev.backgroundtasks.internal.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeoutWatchTest {

    private final ManualTicker ticker = new ManualTicker();
    private final Slots slots = new Slots();
    private final List<Execution> timedOut = new ArrayList<>();
    private final TimeoutWatch watch = new TimeoutWatch(slots, ticker, timedOut::add);

    /** Claims a task with a timeout of {@code timeoutMillis} and starts it on {@code thread}. */
    private Execution run(long id, long timeoutMillis, Thread thread) throws InterruptedException {
        var row = ClaimedRows.claimed(id, "default", 1, 3);
        row.setTimeoutMillis(timeoutMillis);
        slots.accept(List.of(row), 0L);
        Execution execution = slots.takeReady(0);
        assertTrue(execution.begin());
        execution.started(thread, Instant.now(), ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        return execution;
    }

    @Test
    void aTaskTimesOutOnlyOnceItsTimeoutHasPassed() throws Exception {
        Thread sleeper = new Thread(() -> sleepQuietly(60_000));
        sleeper.start();
        try {
            Execution execution = run(1, 1_000, sleeper);
            assertEquals(0, watch.checkOnce());
            ticker.advance(Duration.ofMillis(1_000));
            assertEquals(0, watch.checkOnce(), "at the deadline itself it is not late yet");
            ticker.advance(Duration.ofMillis(1));
            assertEquals(1, watch.checkOnce());
            assertEquals(List.of(execution), timedOut);
            sleeper.join(5_000);
            assertFalse(sleeper.isAlive(), "the late task's thread was interrupted");
            assertTrue(execution.hasTimedOut(), "marked: its runner stores a timeout");
            assertEquals(0, watch.checkOnce(), "a task times out once");
            assertEquals(1, slots.size(), "it keeps its slot until its runner settles it");
            assertTrue(execution.settle(), "the runner, not the watch, settles it");
        } finally {
            sleeper.interrupt();
        }
    }

    @Test
    void onlyTheLateOnesOfSeveralTimeOut() throws Exception {
        Execution quick = run(1, 100, null);
        Execution slow = run(2, 10_000, null);
        ticker.advance(Duration.ofSeconds(1));
        assertEquals(1, watch.checkOnce());
        assertEquals(List.of(quick), timedOut);
        assertTrue(quick.hasTimedOut());
        assertFalse(slow.hasTimedOut(), "the slow one runs on");
    }

    @Test
    void aTaskThatSettledBeforeTheCheckIsNotTimedOut() throws Exception {
        Execution execution = run(1, 100, null);
        assertTrue(execution.settle());
        ticker.advance(Duration.ofSeconds(1));
        assertEquals(0, watch.checkOnce());
        assertFalse(execution.hasTimedOut());
    }

    @Test
    void aClaimNoRunnerBeganHasNoDeadline() {
        slots.accept(List.of(ClaimedRows.claimed(1, "default", 1, 3)), 0L);
        ticker.advance(Duration.ofDays(1));
        assertEquals(0, watch.checkOnce());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // Interrupted: what the timeout does.
        }
    }
}
