package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.Ticker;

import java.util.function.Consumer;

/**
 * Finds tasks running past their timeout, settles each (so its own completion, should it come,
 * stores nothing), interrupts its thread and hands it to {@code onTimeout}, which stores the
 * timeout and replaces the runner.
 *
 * <p>Thread: {@link #checkOnce()} runs on the managed scheduler every {@link #CHECK_MILLIS}, apart
 * from the claim loop, so a claim loop that waits for the database (a lock, a half-open connection)
 * holds back no timeout. It reads the slots, which are safe from any thread, and the settle decides
 * races with the runner.
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
            if (execution.isLate(now) && execution.settle()) {
                execution.interrupt();
                onTimeout.accept(execution);
                late++;
            }
        }
        return late;
    }
}
