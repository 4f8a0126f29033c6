package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.TaskProgress;
import dev.backgroundtasks.internal.store.TaskReads;
import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

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
    private final IntSupplier reconcileMarks;
    private final Consumer<Map<TaskEntity, TaskProgress>> storeProgress;
    private final Slots slots;
    private final String nodeId;
    private final Runnable wake;
    private final FailureLog failureLog;
    private volatile Set<String> paused = Set.of();
    private volatile Set<String> capped = Set.of();

    ControlRefresh(TaskReads reads, IntSupplier reconcileMarks, Consumer<Map<TaskEntity, TaskProgress>> storeProgress,
                   Slots slots, String nodeId, Runnable wake, FailureLog failureLog) {
        this.reads = reads;
        this.reconcileMarks = reconcileMarks;
        this.storeProgress = storeProgress;
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
     * Brings the marks of waiting rows in line with their queues' pauses (rows stored into a paused
     * queue since its pause, marks a resume of an earlier release left): until then claims leave
     * such rows alone by queue name but read them one by one. On the refresh timer only, never on a
     * commit's callback; a pause or resume marks the rows it finds itself.
     */
    void reconcileMarks() {
        try {
            if (reconcileMarks.getAsInt() > 0) {
                wake.run(); // rows a resume left marked may be due now
            }
        } catch (RuntimeException e) {
            failureLog.failed("could not reconcile the marks of paused queues' rows", e);
        }
    }

    /**
     * Stores the last progress each running task reported since the previous turn, in one statement;
     * on the refresh timer, so a task's own thread never waits for it. A report that fails to store
     * is kept for the next turn.
     */
    void storeProgress() {
        Map<Execution, TaskProgress> taken = new HashMap<>();
        Map<TaskEntity, TaskProgress> reports = new HashMap<>();
        for (Execution execution : slots.all()) {
            TaskProgress report = execution.takeProgress();
            if (report != null) {
                taken.put(execution, report);
                reports.put(execution.task, report);
            }
        }
        try {
            storeProgress.accept(reports);
        } catch (RuntimeException e) {
            taken.forEach(Execution::keepProgress); // stored at the next turn, unless replaced
            failureLog.failed("could not store the progress of running tasks", e);
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
