package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.Ticker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Finds tasks running past their timeout, marks and interrupts each once ({@link
 * Execution#timeOut}), and hands it to {@code onTimeout}, which reports it. Its runner stores the
 * timeout when the task returns.
 *
 * <p>Thread: {@link #checkOnce()} runs every {@link #CHECK_MILLIS} on a thread of its own that
 * never touches the database, so a claim loop, rescue or refresh waiting for the database (a lock,
 * a half-open connection) holds back no timeout. It reads the slots, which are safe from any
 * thread, and the execution's monitor orders its interrupt before the runner's settle.
 */
final class TimeoutWatch {

    /** How often running tasks are checked against their timeouts. */
    static final long CHECK_MILLIS = 50;

    private final Slots slots;
    private final Ticker ticker;
    private final Consumer<Execution> onTimeout;

    TimeoutWatch(Slots slots, Ticker ticker, Consumer<Execution> onTimeout) {
        this.slots = slots;
        this.ticker = ticker;
        this.onTimeout = onTimeout;
    }

    /**
     * One look at every running task.
     *
     * @return how many timed out
     */
    int checkOnce() {
        long now = ticker.nanoTime();
        int late = 0;
        for (Execution execution : slots.all()) {
            if (execution.timeOut(now)) {
                onTimeout.accept(execution);
                late++;
            }
        }
        return late;
    }

    /**
     * The watch's own thread: a check every {@link #CHECK_MILLIS} while {@code watching} holds (the
     * worker clears it once its drain is over). Nothing may end it but that: a check that throws is
     * logged, an interrupt ignored.
     */
    void watch(AtomicBoolean watching, FailureLog failures) {
        while (watching.get()) {
            try {
                checkOnce();
            } catch (RuntimeException | Error e) {
                failures.failed("could not check running tasks against their timeouts", e);
            }
            try {
                Thread.sleep(CHECK_MILLIS);
            } catch (InterruptedException e) {
                // Not a stop: only the end of the drain ends the watch.
            }
        }
    }
}
