package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * Ends an attempt on this node: stores its outcome ({@link OutcomeRecorder}), frees its slot, and
 * wakes the claim loop when a retry comes due or when work may wait for the slot. A timed-out
 * attempt gets its timeout stored as its outcome.
 *
 * <p>Threads: {@link #finish} on the runner that ran the task; {@link #timedOut} on the managed
 * scheduler's thread of the {@link TimeoutWatch}. Stateless apart from what it was built with.
 */
final class Settlement {

    private static final Logger LOG = Logger.getLogger(Settlement.class.getName());

    private final OutcomeRecorder recorder;
    private final WorkerStats stats;
    private final Slots slots;
    private final ClaimLoop loop;

    Settlement(OutcomeRecorder recorder, WorkerStats stats, Slots slots, ClaimLoop loop) {
        this.recorder = recorder;
        this.stats = stats;
        this.slots = slots;
        this.loop = loop;
    }

    /** Stores a settled attempt's outcome and frees its slot. */
    void finish(Execution execution, Attempt attempt) {
        try {
            Instant next = recorder.record(execution.task, execution.startedAt(), attempt,
                    execution.isCancellationRequested());
            if (next != null) {
                loop.wakeAt(next);
            }
        } finally {
            slots.remove(execution);
            loop.slotFreed();
        }
    }

    /** A task ran past its timeout and was interrupted (its runner already replaced): the timeout is its outcome. */
    void timedOut(Execution execution) {
        TaskEntity task = execution.task;
        String reason = "Task timeout after " + seconds(task.getTimeoutMillis()) + "s";
        long count = stats.abandon();
        LOG.warning(() -> "Task " + task.label() + " attempt " + task.getAttempts()
                + ": " + reason + "; interrupted and its slot freed. Abandoned executions on this node: " + count);
        finish(execution, new Attempt.Failed(reason, true, null));
    }

    private static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }
}
