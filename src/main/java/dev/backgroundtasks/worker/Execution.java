package dev.backgroundtasks.worker;

import dev.backgroundtasks.store.TaskEntity;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One claimed task on this node, from claim to stored outcome. Exactly one of the task's
 * completion, its timeout and a drain gets to decide what happens to the row.
 */
final class Execution {

    private static final int CLAIMED = 0;
    private static final int RUNNING = 1;
    private static final int SETTLED = 2;
    private static final int RELEASED = 3;

    final TaskEntity task;
    private final AtomicInteger state = new AtomicInteger(CLAIMED);
    /** The thread running the task, for the timeout's interrupt. */
    volatile Thread thread;
    volatile Instant startedAt;
    /** {@link System#nanoTime()} past which the attempt has timed out; zero until the attempt starts. */
    volatile long deadline;
    /** Someone asked to cancel this run. */
    volatile boolean cancelRequested;

    Execution(TaskEntity task) {
        this.task = task;
        this.cancelRequested = task.isCancelRequested();
    }

    /**
     * Asks the running task to stop: the flag its context shows, and an interrupt of its thread.
     * Synchronized with {@link #settle()}, so the interrupt never reaches a runner that has
     * already settled the task and moved on to storing its outcome.
     */
    synchronized void cancel() {
        cancelRequested = true;
        Thread t = thread;
        if (t != null && state.get() == RUNNING) {
            t.interrupt();
        }
    }

    /** A runner starts the task; false when a drain released it first. */
    boolean begin() {
        return state.compareAndSet(CLAIMED, RUNNING);
    }

    /** The completion or the timeout claims the outcome; false for whichever comes second. */
    synchronized boolean settle() {
        return state.compareAndSet(RUNNING, SETTLED);
    }

    /** A drain takes back a task that has not started; false once it has. */
    boolean release() {
        return state.compareAndSet(CLAIMED, RELEASED);
    }
}
