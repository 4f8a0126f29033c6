package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.TaskReads;

import java.util.Collection;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Re-reads what other nodes may have changed: the paused queues (waking the claim loop when one was
 * resumed), the capped tasks, and cancellation requests for the tasks running here.
 *
 * <p>Threads: {@link #refreshOnce()} runs on the managed scheduler every {@code refresh-interval},
 * on the listener's thread at a control notification, and after this node's own pause commits;
 * {@link #paused()} and {@link #capped()} are read by the claim loop. Each is an immutable set in a
 * volatile field.
 */
final class ControlRefresh {

    private final TaskReads reads;
    private final ToIntFunction<Collection<String>> markPausedRows;
    private final Slots slots;
    private final String nodeId;
    private final Runnable wake;
    private final FailureLog failureLog;
    private volatile Set<String> paused = Set.of();
    private volatile Set<String> capped = Set.of();

    ControlRefresh(TaskReads reads, ToIntFunction<Collection<String>> markPausedRows, Slots slots, String nodeId,
                   Runnable wake, FailureLog failureLog) {
        this.reads = reads;
        this.markPausedRows = markPausedRows;
        this.slots = slots;
        this.nodeId = nodeId;
        this.wake = wake;
        this.failureLog = failureLog;
    }

    /** The queues no node may start tasks from now, as last read. */
    Set<String> paused() {
        return paused;
    }

    /**
     * The tasks some node caps (they have a lock row), as last read: rows of them stored with a cap
     * are claimed under it here too, whatever this node's own version says.
     */
    Set<String> capped() {
        return capped;
    }

    /**
     * Marks the waiting rows of the paused queues that were stored unmarked since their pause
     * (enqueued into a paused queue, or moved back from the archive): claims leave them alone by
     * queue name, but read them one by one until they are marked. On the refresh timer and after
     * a control change of this node (not on the listener's thread); a pause marks the rows it finds itself.
     */
    void markPausedRows() {
        Set<String> now = paused;
        if (now.isEmpty()) {
            return;
        }
        try {
            markPausedRows.applyAsInt(now);
        } catch (RuntimeException e) {
            failureLog.failed("could not mark the rows of paused queues", e);
        }
    }

    /** One read of the paused queues, the capped tasks and this node's cancellation requests; failures are logged. */
    void refreshOnce() {
        try {
            Set<String> cappedNow = Set.copyOf(reads.cappedTasks());
            if (!cappedNow.equals(capped)) {
                capped = cappedNow;
            }
            Set<String> now = Set.copyOf(reads.pausedQueues());
            Set<String> before = paused;
            paused = now;
            if (!now.containsAll(before)) {
                wake.run();
            }
            if (!slots.isEmpty()) {
                reads.cancelRequested(nodeId).forEach(slots::cancel);
            }
        } catch (RuntimeException e) {
            failureLog.failed("could not read paused queues, capped tasks and cancellation requests", e);
        }
    }
}
