package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.Ticker;
import dev.backgroundtasks.internal.store.dialect.Finished;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Succeeded tasks waiting to be archived together. A batch is ready when it is full, or when the
 * first task in it has waited {@code delayNanos}; while one batch is written the next one gathers,
 * so batches grow with the load. A full batch waiting is back-pressure: the claim loop claims
 * nothing until it is written.
 *
 * <p>Threads: runners add, the batcher's thread takes, the claim loop asks {@link #isBackedUp()};
 * everything is under this object's monitor but that read of a volatile count.
 */
final class PendingSuccesses {

    private final int batchSize;
    private final long delayNanos;
    private final Ticker ticker;
    private List<Finished> pending = new ArrayList<>();
    /** The ticker reading when the oldest pending task was added. */
    private long oldest;
    private volatile int waiting;
    private boolean open = true;

    PendingSuccesses(int batchSize, long delayNanos, Ticker ticker) {
        this.batchSize = batchSize;
        this.delayNanos = delayNanos;
        this.ticker = ticker;
    }

    /**
     * Adds a task to the next batch.
     *
     * @return false once closed: the caller archives it on its own
     */
    synchronized boolean add(Finished finished) {
        if (!open) {
            return false;
        }
        if (pending.isEmpty()) {
            oldest = ticker.nanoTime();
        }
        pending.add(finished);
        waiting = pending.size();
        if (pending.size() == 1 || pending.size() >= batchSize) {
            notifyAll();
        }
        return true;
    }

    /** Whether a full batch is waiting. */
    boolean isBackedUp() {
        return waiting >= batchSize;
    }

    /** The next batch if one is ready now (full, or its oldest task waited long enough), else an empty list. */
    synchronized List<Finished> takeIfReady() {
        if (pending.isEmpty() || (pending.size() < batchSize && ticker.nanoTime() - oldest < delayNanos)) {
            return List.of();
        }
        return take(batchSize);
    }

    /**
     * Waits for the next batch and takes it.
     *
     * @return the batch; empty once closed
     */
    synchronized List<Finished> awaitBatch() throws InterruptedException {
        while (open) {
            List<Finished> batch = takeIfReady();
            if (!batch.isEmpty()) {
                return batch;
            }
            if (pending.isEmpty()) {
                wait();
            } else {
                long left = delayNanos - (ticker.nanoTime() - oldest);
                if (left > 0) {
                    wait(left / 1_000_000, (int) (left % 1_000_000));
                }
            }
        }
        return List.of();
    }

    /** Stops batching: waiters return, later adds are refused; returns what was still waiting. */
    synchronized List<Finished> close() {
        open = false;
        notifyAll();
        return take(Integer.MAX_VALUE);
    }

    synchronized boolean isClosed() {
        return !open;
    }

    /** Waits up to {@code wait}, or until closed. */
    synchronized void awaitClose(Duration wait) {
        long end = ticker.nanoTime() + wait.toNanos();
        try {
            for (long left = wait.toNanos(); open && left > 0; left = end - ticker.nanoTime()) {
                wait(left / 1_000_000, (int) (left % 1_000_000));
            }
        } catch (InterruptedException e) {
            // An interrupt is not a close; the caller goes on.
        }
    }

    private List<Finished> take(int most) {
        List<Finished> batch;
        if (pending.size() <= most) {
            batch = pending;
            pending = new ArrayList<>();
        } else {
            batch = new ArrayList<>(pending.subList(0, most));
            pending = new ArrayList<>(pending.subList(most, pending.size()));
            oldest = ticker.nanoTime();
        }
        waiting = pending.size();
        return batch;
    }
}
