package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends an attempt on this node: stores its outcome ({@link OutcomeRecorder}), frees its slot, and
 * wakes the claim loop when a retry comes due or when work may wait for the slot.
 *
 * <p>Threads: {@link #finish} on the runner that ran the task; {@link #timedOut} on the {@link
 * TimeoutWatch}'s thread; {@link #giveBack} on a runner. Stateless apart from what it was built with.
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

    /**
     * Renews the claims of the tasks here that run past their timeout, to {@code until}: such a
     * task keeps its claim, and so its place against its cap, until its thread ends, however long
     * that is. Its node dying ends the renewals, and its lease then expires as any other.
     *
     * @return how many claims it renewed
     */
    int renewOverdue(Instant until) {
        int renewed = 0;
        for (Execution execution : slots.all()) {
            if (execution.hasTimedOut() && execution.isRunning() && recorder.renew(execution.task, until)) {
                renewed++;
            }
        }
        return renewed;
    }

    /**
     * A claim waited for a runner longer than its lease allows to start it: it goes back to the queue
     * unstarted, its attempt not counted, for this node or another to claim afresh.
     */
    void giveBack(Execution execution) {
        TaskEntity task = execution.task;
        try {
            boolean given = recorder.release(task);
            LOG.warning(() -> "Task " + task.label() + " waited for a runner past half its lease grace; "
                    + (given ? "given back unstarted" : "its claim was already gone"));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not give back task " + task.label() + ", which waited for a runner past half its "
                    + "lease grace; it runs once its lease expires", e);
        } finally {
            slots.remove(execution);
            // Its row is due work again: look now, whether or not the last claim left any behind.
            loop.wake();
        }
    }

    /**
     * A task ran past its timeout and was interrupted: said at once; its outcome is stored when its
     * thread returns, and until then it keeps its slot and its claim.
     */
    void timedOut(Execution execution) {
        TaskEntity task = execution.task;
        long count = stats.overrun();
        LOG.warning(() -> "Task " + task.label() + " attempt " + task.getAttempts() + " ran past its timeout of "
                + Runners.seconds(task.getTimeoutMillis()) + "s; interrupted. It keeps its slot until it returns. "
                + "Timeouts on this node: " + count);
    }
}
