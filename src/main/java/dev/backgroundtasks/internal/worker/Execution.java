package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.TaskContext;
import dev.backgroundtasks.TaskProgress;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.trace.RunSpan;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One claimed task on this node, from claim to stored outcome. Exactly one of the task's runner
 * and a drain gets to decide what happens to the row; a timeout interrupts the run and marks it,
 * but the run keeps its slot and its claim until its thread returns.
 *
 * <p>Threads: created by the claim loop; begun, run and settled by a runner; timed out by the
 * timeout watch (on its own thread) when late; released by a stopping worker; cancelled
 * from any thread. The state is one atomic; {@link #cancel()}, {@link #timeOut} and {@link
 * #settle()} share the monitor so that no interrupt reaches a runner after it settled.
 */
final class Execution implements TaskContext {

    private static final int CLAIMED = 0;
    private static final int RUNNING = 1;
    private static final int SETTLED = 2;
    private static final int RELEASED = 3;

    final TaskEntity task;
    /** The span of the attempt, set and read by the runner's thread only. */
    RunSpan span = RunSpan.NONE;
    /** The ticker reading when the claim was made: its lease runs from about then. */
    private final long claimedNanos;
    private final AtomicInteger state = new AtomicInteger(CLAIMED);
    /** The thread running the task, for the timeout's and the cancel's interrupt. */
    private volatile Thread thread;
    private volatile Instant startedAt;
    /** The ticker reading past which the attempt has timed out; meaningful once {@link #timed} is set. */
    private volatile long deadline;
    private volatile boolean timed;
    /** Someone asked to cancel this run. */
    private volatile boolean cancelRequested;
    /** The cancel has interrupted the running task; later requests (every refresh repeats them) do not again. */
    private boolean cancelInterrupted;
    /** The run went past its deadline and was interrupted for it, once. */
    private volatile boolean timedOut;
    /** The last progress the task reported and not yet stored, or null. */
    private final AtomicReference<TaskProgress> unstoredProgress = new AtomicReference<>();

    Execution(TaskEntity task, long claimedNanos) {
        this.task = task;
        this.claimedNanos = claimedNanos;
        this.cancelRequested = task.isCancelRequested();
    }

    /**
     * Whether the claim waited for a runner too long to start now: its lease (timeout plus {@code
     * graceNanos}, from the claim) would end before the attempt's own timeout, so another node could
     * take the task while it still ran here.
     */
    boolean isStale(long nowNanos, long graceNanos) {
        return nowNanos - claimedNanos > graceNanos;
    }

    /** A runner starts the task; false when a drain released it first. */
    boolean begin() {
        return state.compareAndSet(CLAIMED, RUNNING);
    }

    /**
     * Records who runs the task from when, and when it times out: {@code deadlineNanos} on the
     * worker's ticker. Called by the runner right after {@link #begin()}.
     */
    void started(Thread runner, Instant at, long deadlineNanos) {
        thread = runner;
        startedAt = at;
        deadline = deadlineNanos;
        timed = true;
    }

    /** Whether the attempt has run past its deadline at ticker reading {@code nowNanos}. */
    boolean isLate(long nowNanos) {
        return timed && nowNanos - deadline > 0;
    }

    /**
     * The run's timeout: when it is running past its deadline at ticker reading {@code nowNanos},
     * marks it timed out and interrupts its thread, once. The run keeps its slot and its claim until
     * its thread returns: a thread that ignores the interrupt is never replaced, so such threads
     * never outnumber the slots, and its task never runs twice at once on its node's account.
     *
     * @return whether it timed out now
     */
    synchronized boolean timeOut(long nowNanos) {
        if (timedOut || state.get() != RUNNING || !isLate(nowNanos)) {
            return false;
        }
        timedOut = true;
        interrupt();
        return true;
    }

    /** Whether a runner has begun the task and not settled it yet. */
    boolean isRunning() {
        return state.get() == RUNNING;
    }

    /** Whether the run went past its timeout. */
    boolean hasTimedOut() {
        return timedOut;
    }

    /** The runner claims the outcome, as its task returned; false when a drain released it before it began. */
    synchronized boolean settle() {
        return state.compareAndSet(RUNNING, SETTLED);
    }

    /** A drain takes back a task that has not started; false once it has. */
    boolean release() {
        return state.compareAndSet(CLAIMED, RELEASED);
    }

    /**
     * Asks the running task to stop: the flag its context shows, and one interrupt of its thread
     * while it runs (never after it settled, and not again at a repeated request, so a task cleaning
     * up after the first is left to finish).
     *
     * @return whether this was the first request
     */
    synchronized boolean cancel() {
        boolean first = !cancelRequested;
        cancelRequested = true;
        Thread t = thread;
        if (t != null && state.get() == RUNNING && !cancelInterrupted) {
            cancelInterrupted = true;
            t.interrupt();
        }
        return first;
    }

    /** Interrupts the thread running the task, if any (a timeout, or a stopping worker's last word). */
    synchronized void interrupt() {
        if (state.get() != RUNNING) {
            return;
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    Instant startedAt() {
        return startedAt;
    }

    @Override
    public TaskId id() {
        return new TaskId(task.getId());
    }

    @Override
    public int attempt() {
        return task.getAttempts();
    }

    @Override
    public int maxAttempts() {
        return task.getMaxAttempts();
    }

    @Override
    public String queue() {
        return task.getQueue();
    }

    @Override
    public Instant scheduledAt() {
        return task.getRunAt();
    }

    @Override
    public boolean isCancellationRequested() {
        return cancelRequested;
    }

    @Override
    public void progress(double fraction, String message) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("progress " + fraction + " is not a fraction from 0 to 1");
        }
        String note = message == null || message.length() <= TaskProgress.MAX_MESSAGE ? message
                : message.substring(0, TaskProgress.MAX_MESSAGE);
        unstoredProgress.set(new TaskProgress(fraction, note, null));
    }

    /** The progress reported since the last call, or null; the caller stores it. */
    TaskProgress takeProgress() {
        return unstoredProgress.getAndSet(null);
    }

    /** Gives back a report that could not be stored, unless the task has reported again since. */
    void keepProgress(TaskProgress report) {
        unstoredProgress.compareAndSet(null, report);
    }
}
