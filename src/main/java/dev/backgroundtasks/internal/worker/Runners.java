package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.internal.config.Ticker;
import dev.backgroundtasks.internal.metrics.NodeMetrics;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.trace.RunSpan;
import dev.backgroundtasks.internal.trace.TraceContext;
import dev.backgroundtasks.internal.trace.Tracing;
import jakarta.enterprise.concurrent.ManagedThreadFactory;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The runner threads, one per slot: each takes claimed tasks one at a time, runs them through the
 * {@link TaskInvoker} and hands the outcome on, until the worker stops. A task that ignores its
 * timeout's interrupt keeps its runner, and so its slot: no thread is ever added for it, so a
 * node's task threads never outnumber its slots. Threads of the managed thread factory, which
 * carry the application's context; not the managed executor: runners never return, and a server
 * whose default executor has a fixed pool and an unbounded queue (WildFly: twice the cores) would
 * give them every thread and leave the application's own asynchronous work queued forever.
 *
 * <p>Threads: {@link #start} from the worker's start; each runner thread touches only the
 * execution it took (whose monitor orders a timeout's interrupt before the runner's settle) and
 * the slots, which are safe from any thread.
 */
final class Runners {

    private static final Logger LOG = Logger.getLogger(Runners.class.getName());
    /** How long an idle runner waits for work before checking whether the worker is stopping. */
    static final long IDLE_MILLIS = 250;

    private final ManagedThreadFactory threads;
    private final Slots slots;
    private final TaskInvoker invoker;
    private final Clock clock;
    private final Ticker ticker;
    private final BiConsumer<Execution, Attempt> finish;
    private final Consumer<Execution> giveBack;
    private final long graceNanos;
    private final NodeMetrics metrics;
    private final Tracing tracing;
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean running = true;

    /**
     * @param finish   stores an outcome and frees the slot; called on the runner's thread
     * @param giveBack gives back a claim that waited past half of {@code grace} for a runner, unstarted, and frees its slot
     */
    Runners(ManagedThreadFactory threads, Slots slots, TaskInvoker invoker, Clock clock, Ticker ticker,
            BiConsumer<Execution, Attempt> finish, Consumer<Execution> giveBack, Duration grace, NodeMetrics metrics,
            Tracing tracing) {
        this.giveBack = giveBack;
        this.metrics = metrics;
        this.tracing = tracing;
        // Half the grace: the other half covers the timeout's check, the interrupt, the outcome's
        // write and the clock's error, all of which must fall within the lease.
        this.graceNanos = grace.toNanos() / 2;
        this.threads = threads;
        this.slots = slots;
        this.invoker = invoker;
        this.clock = clock;
        this.ticker = ticker;
        this.finish = finish;
    }

    /** Starts {@code n} runners. */
    void start(int n) {
        for (int i = 0; i < n; i++) {
            startRunner();
        }
    }

    /** Starts one runner; a refusal of the thread factory is logged, and the node runs fewer tasks at once. */
    private void startRunner() {
        if (!running) {
            return;
        }
        try {
            Thread runner = threads.newThread(this::runTasks);
            runner.setName("background-tasks-runner-" + count.incrementAndGet());
            runner.setDaemon(true);
            runner.start();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The thread factory refused a task runner; this node runs fewer tasks at once "
                    + "than configured", e);
        }
    }

    /** Idle runners end; busy ones end after their task. */
    void stop() {
        running = false;
    }

    private void runTasks() {
        while (running) {
            Execution execution;
            try {
                execution = slots.takeReady(IDLE_MILLIS);
            } catch (InterruptedException e) {
                // An interrupt is not a stop: a runner that ended here would leave its slot claimed into
                // but never run. Only stop() ends runners.
                continue;
            }
            if (execution == null) {
                continue;
            }
            if (execution.isStale(ticker.nanoTime(), graceNanos)) {
                // Runs hold their slots far longer than the moving average says: no more claims ahead
                // until about twenty shorter runs bring it down (ClaimSizing.ahead: slots x grace is past any).
                slots.holdAtLeast(Math.max(1, count.get()) * 2 * graceNanos);
                if (execution.release()) {
                    giveBack.accept(execution);
                }
                continue;
            }
            if (execution.begin()) {
                runOne(execution);
            }
        }
    }

    /** Runs one task and hands its outcome on; a run past its timeout ends as a timeout, retried as any failure. */
    private void runOne(Execution execution) {
        TaskEntity task = execution.task;
        // As in the lease: a row written around the API's bounds still gets a deadline the ticker can hold.
        long timeoutMillis = Math.min(task.getTimeoutMillis(), TaskOptions.MAX_TIMEOUT.toMillis());
        long startNanos = ticker.nanoTime();
        Instant startedAt = clock.instant();
        execution.started(Thread.currentThread(), startedAt, startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        metrics.started(task.getQueue(), task.getTaskName(), Duration.between(task.getRunAt(), startedAt));
        RunSpan span = tracing.start(task.getTaskName(), task.getQueue(), task.getId(), task.getAttempts(),
                task.getTraceParent() == null ? null : new TraceContext(task.getTraceParent(), task.getTraceState()));
        execution.span = span;
        Attempt attempt = null;
        boolean last = false;
        try {
            attempt = execution.isCancellationRequested()
                    ? new Attempt.Cancelled("Cancelled before it started")
                    : invoker.invoke(execution);
            execution.settle();
            // No interrupt can follow a settle; one that came during the task (a cancel, a timeout
            // racing its return, or the task's own) must reach neither the outcome's writes (a
            // connection pool may refuse an interrupted thread a connection; WildFly's does) nor the
            // runner's next task.
            Thread.interrupted();
            if (execution.hasTimedOut()) {
                // Whatever it returned: cut short by the interrupt, its work may be half done.
                attempt = new Attempt.Failed("Task timeout after " + seconds(task.getTimeoutMillis()) + "s", true, null);
            }
            last = attempt instanceof Attempt.Failed f && (!f.retryable() || task.getAttempts() >= task.getMaxAttempts());
        } finally {
            // Ended on this thread whatever happens, so the span never stays current on the runner.
            span.end(attempt == null ? "failed" : outcome(attempt, execution.hasTimedOut(), last),
                    attempt == null ? "The worker failed around the task" : summary(attempt));
        }
        long heldNanos = ticker.nanoTime() - startNanos;
        metrics.attemptEnded(task.getQueue(), task.getTaskName(), Duration.ofNanos(heldNanos),
                failureReason(attempt, execution.hasTimedOut()), last);
        finish.accept(execution, attempt);
        slots.held(heldNanos);
    }

    /** How a failed attempt failed, as the metrics name it; null when it did not fail. */
    static String failureReason(Attempt attempt, boolean timedOut) {
        if (!(attempt instanceof Attempt.Failed failed)) {
            return null;
        }
        return timedOut ? "timeout" : failed.retryAfter() != null ? "retry_requested" : "exception";
    }

    /** How an attempt ended, as its span says. */
    static String outcome(Attempt attempt, boolean timedOut, boolean last) {
        if (attempt instanceof Attempt.Succeeded) {
            return "succeeded";
        }
        if (attempt instanceof Attempt.Cancelled) {
            return "cancelled";
        }
        return (timedOut ? "timed_out" : "failed") + (last ? "" : "_retried");
    }

    /** The first line of an attempt's error, for its span's status; null when it succeeded. */
    static String summary(Attempt attempt) {
        String error = attempt instanceof Attempt.Failed failed ? failed.error()
                : attempt instanceof Attempt.Cancelled cancelled ? cancelled.error() : null;
        if (error == null) {
            return null;
        }
        int end = error.indexOf('\n');
        String line = (end < 0 ? error : error.substring(0, end)).strip();
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }
}
