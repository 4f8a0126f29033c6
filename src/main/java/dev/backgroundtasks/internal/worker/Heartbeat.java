package dev.backgroundtasks.internal.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether one of the worker's loops (the claim loop, the success batcher) is inside a turn, and
 * since when: set at the start of every turn and cleared at its end, a failed turn included. A
 * loop that waits for work is between turns; a loop whose turn does not end is stuck. Safe from
 * any thread.
 */
public final class Heartbeat {

    private final AtomicLong busySince = new AtomicLong();
    private final AtomicLong turns = new AtomicLong();

    void begin(long nanos) {
        busySince.set(nanos == 0 ? 1 : nanos);
    }

    void end() {
        busySince.set(0);
        turns.incrementAndGet();
    }

    /** How long the current turn has run at {@code nowNanos} (the ticker's), or zero between turns. */
    public Duration busyFor(long nowNanos) {
        long since = busySince.get();
        return since == 0 ? Duration.ZERO : Duration.ofNanos(nowNanos - since);
    }

    /** Turns ended so far. */
    public long turns() {
        return turns.get();
    }
}
