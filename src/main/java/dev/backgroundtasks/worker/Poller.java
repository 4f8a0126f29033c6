package dev.backgroundtasks.worker;

import dev.backgroundtasks.config.LibraryClock;
import dev.backgroundtasks.config.WorkerSettings;
import dev.backgroundtasks.enqueue.TasksCommitted;
import dev.backgroundtasks.store.Jndi;
import dev.backgroundtasks.store.TaskEntity;
import dev.backgroundtasks.store.TaskStore;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's worker loop: claims due tasks for its free slots, runs each on the managed executor
 * under a timeout, and has the outcome stored. It polls on a fixed delay as a fallback, and at once
 * when a transaction on this node commits new tasks, when a finished task frees a slot while work
 * may be waiting, or when a task it rescheduled becomes due.
 */
@ApplicationScoped
public class Poller {

    private static final Logger LOG = Logger.getLogger(Poller.class.getName());
    /** The longest wait between polls while the database keeps failing. */
    static final Duration MAX_FAILURE_BACKOFF = Duration.ofSeconds(30);
    /** The first wait after a failed poll; it doubles with each further failure. */
    static final Duration FIRST_FAILURE_BACKOFF = Duration.ofMillis(500);
    /**
     * Payara binds the persistence context of a library jar's beans only after the application's
     * start event: the first timed poll and rescue wait this long (a slower start is retried with
     * the failure backoff). Commits on this node still wake the worker at once.
     */
    static final Duration START_DELAY = Duration.ofSeconds(1);

    @Inject
    WorkerSettings settings;

    @Inject
    TaskStore store;

    @Inject
    TaskRunner runner;

    @Inject
    Archiver archiver;

    @Inject
    Rescuer rescuer;

    @Inject
    Completer completer;

    @Inject
    Listener listener;

    @Inject
    WorkerStats stats;

    @Inject
    @LibraryClock
    Clock clock;

    private final Map<Long, Execution> executions = new ConcurrentHashMap<>();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final ReentrantLock pollLock = new ReentrantLock();
    private volatile boolean pollAgain;
    /** Set when a poll may have left due work behind: a full claim, or no free slot to claim into. */
    private volatile boolean backlog;
    private volatile boolean active;
    private volatile int failures;
    private volatile Instant pollNotBefore = Instant.MIN;
    private volatile Instant lastFailureLogged = Instant.MIN;

    private ManagedScheduledExecutorService scheduler;
    private ManagedExecutorService executor;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    /** Starts polling and rescuing; called once when the application starts and the worker is enabled. */
    public synchronized void start() {
        if (active) {
            return;
        }
        scheduler = Jndi.lookup(settings.scheduler(), ManagedScheduledExecutorService.class);
        executor = Jndi.lookup(settings.executor(), ManagedExecutorService.class);
        active = true;
        completer.start(scheduler);
        boolean listening = listener.start(this::wake);
        timers.add(scheduler.scheduleWithFixedDelay(this::poll, START_DELAY.toMillis(),
                settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS));
        timers.add(scheduler.scheduleWithFixedDelay(this::rescue, START_DELAY.toMillis(),
                settings.rescueInterval().toMillis(), TimeUnit.MILLISECONDS));
        LOG.info(() -> "background-tasks worker started on node " + settings.nodeId() + ": concurrency "
                + settings.concurrency() + ", poll interval " + settings.pollInterval()
                + (listening ? ", woken by database notifications" : ""));
    }

    /**
     * Stops claiming, gives back at once the claimed tasks that have not started (so other nodes
     * take them), then waits up to {@code drain} for running tasks to finish.
     */
    public synchronized void stop(Duration drain) {
        if (!active) {
            return;
        }
        active = false;
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        listener.stop();
        // Wait for a poll in progress: it sees the flag and claims nothing more.
        pollLock.lock();
        pollLock.unlock();
        int released = 0;
        for (Execution execution : executions.values()) {
            if (execution.release()) {
                cancel(execution.future, false);
                executions.remove(execution.task.getId());
                released += releaseQuietly(execution.task) ? 1 : 0;
            }
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (!executions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        completer.stop();
        int given = released;
        List<Long> left = new ArrayList<>(executions.keySet());
        LOG.info(() -> "background-tasks worker stopped on node " + settings.nodeId() + ": " + given
                + " claimed task(s) released unstarted" + (left.isEmpty() ? "; none left running"
                : "; still running after the drain timeout, left to lease expiry: " + left));
    }

    /** How many tasks this node holds now, running or about to. */
    public int running() {
        return executions.size();
    }

    void onCommit(@Observes TasksCommitted committed) {
        wake();
    }

    /** Asks for a poll now; calls that arrive while one is queued share it. */
    public void wake() {
        if (active && wakeQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    wakeQueued.set(false);
                    poll();
                });
            } catch (RejectedExecutionException e) {
                wakeQueued.set(false);
            }
        }
    }

    private void wakeAt(Instant due) {
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        try {
            scheduler.schedule(this::wake, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: the rescheduled task is in the table for any node's next poll.
        }
    }

    void poll() {
        if (!pollLock.tryLock()) {
            pollAgain = true;
            return;
        }
        try {
            if (clock.instant().isBefore(pollNotBefore)) {
                return;
            }
            do {
                pollAgain = false;
                claimIntoFreeSlots();
            } while (pollAgain && active);
            failures = 0;
        } catch (RuntimeException e) {
            backOff(e);
        } finally {
            pollLock.unlock();
        }
    }

    private void claimIntoFreeSlots() {
        while (active) {
            int free = settings.concurrency() - executions.size();
            if (free <= 0) {
                backlog = true;
                return;
            }
            int limit = Math.min(free, settings.batchSize());
            List<TaskEntity> claimed = store.claim(settings.nodeId(), clock.instant(),
                    settings.leaseGrace().toMillis(), limit);
            backlog = claimed.size() == limit;
            claimed.forEach(this::submit);
            if (!backlog) {
                return;
            }
        }
    }

    private void submit(TaskEntity task) {
        Execution execution = new Execution(task);
        executions.put(task.getId(), execution);
        try {
            execution.future = executor.submit(() -> run(execution));
        } catch (RejectedExecutionException e) {
            executions.remove(task.getId());
            LOG.log(Level.WARNING, "The executor refused task " + task.getId() + "; giving it back", e);
            releaseQuietly(task);
        }
    }

    private void run(Execution execution) {
        if (!execution.begin()) {
            return;
        }
        TaskEntity task = execution.task;
        execution.startedAt = clock.instant();
        try {
            execution.timer = scheduler.schedule(() -> timeOut(execution), task.getTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: the task runs without a timer; the drain timeout bounds the wait for it.
        }
        Attempt attempt = runner.invoke(task);
        if (execution.settle()) {
            cancel(execution.timer, false);
            finish(execution, attempt);
        } else {
            LOG.info(() -> "Task " + task.getId() + " (" + task.getTaskName() + ") returned after its timeout; "
                    + "its outcome was already stored as a timeout");
        }
    }

    private void timeOut(Execution execution) {
        if (!execution.settle()) {
            return;
        }
        cancel(execution.future, true);
        TaskEntity task = execution.task;
        String reason = "Task timeout after " + seconds(task.getTimeoutMillis()) + "s";
        long count = stats.abandon();
        LOG.warning(() -> "Task " + task.getId() + " (" + task.getTaskName() + ") attempt " + task.getAttempts()
                + ": " + reason + "; interrupted and its slot freed. Abandoned executions on this node: " + count);
        finish(execution, new Attempt.Failed(reason, true, null));
    }

    private void finish(Execution execution, Attempt attempt) {
        try {
            Instant next = archiver.record(execution.task, execution.startedAt, attempt);
            if (next != null) {
                wakeAt(next);
            }
        } finally {
            executions.remove(execution.task.getId());
            if (backlog) {
                wake();
            }
        }
    }

    private void rescue() {
        try {
            if (rescuer.rescue() > 0) {
                wake();
            }
        } catch (RuntimeException e) {
            logFailure("could not rescue expired claims", e);
        }
    }

    private boolean releaseQuietly(TaskEntity task) {
        try {
            return store.release(task);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not give back task " + task.getId() + "; it runs once its lease expires", e);
            return false;
        }
    }

    /** The database is failing: wait longer before each poll, up to {@link #MAX_FAILURE_BACKOFF}. */
    private void backOff(RuntimeException e) {
        int n = Math.min(++failures, 16);
        Duration wait = FIRST_FAILURE_BACKOFF.multipliedBy(1L << Math.min(n - 1, 10));
        if (wait.compareTo(MAX_FAILURE_BACKOFF) > 0) {
            wait = MAX_FAILURE_BACKOFF;
        }
        pollNotBefore = clock.instant().plus(wait);
        logFailure("could not claim tasks (failure " + n + "); next try in " + wait, e);
        wakeAt(pollNotBefore);
    }

    private void logFailure(String what, RuntimeException e) {
        Instant now = clock.instant();
        if (now.isAfter(lastFailureLogged.plusSeconds(60))) {
            lastFailureLogged = now;
            LOG.log(Level.WARNING, "background-tasks on node " + settings.nodeId() + " " + what, e);
        } else {
            LOG.fine(() -> "background-tasks on node " + settings.nodeId() + " " + what + ": " + e);
        }
    }

    private static void cancel(Future<?> future, boolean interrupt) {
        if (future != null) {
            future.cancel(interrupt);
        }
    }

    private static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }
}
