package dev.backgroundtasks.worker;

import dev.backgroundtasks.config.LibraryClock;
import dev.backgroundtasks.config.WorkerSettings;
import dev.backgroundtasks.enqueue.TasksCommitted;
import dev.backgroundtasks.store.Database;
import dev.backgroundtasks.store.HeldConnection;
import dev.backgroundtasks.store.Jndi;
import dev.backgroundtasks.store.TaskEntity;
import dev.backgroundtasks.store.TaskStore;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedExecutors;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedTask;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's worker. A claim loop on a managed thread claims due tasks for the free slots and
 * hands them to runners, long-running tasks on the managed executor, one per slot. The loop waits
 * for a signal: a commit of new tasks on this node or (through the {@link Listener}) on any node,
 * a freed slot while work may be waiting, a retry coming due, or the fallback poll timer on the
 * managed scheduled executor. The same loop enforces timeouts.
 *
 * <p>Runners and the loop are started once: submitting each task to the container's executor
 * would capture the application's context for every task, which costs more than most tasks.
 */
@ApplicationScoped
public class Poller {

    private static final Logger LOG = Logger.getLogger(Poller.class.getName());
    /** The longest wait between claims while the database keeps failing. */
    static final Duration MAX_FAILURE_BACKOFF = Duration.ofSeconds(30);
    /** The first wait after a failed claim; it doubles with each further failure. */
    static final Duration FIRST_FAILURE_BACKOFF = Duration.ofMillis(500);
    /**
     * Payara binds the persistence context of a library jar's beans only after the application's
     * start event: the loop's first claim and the first rescue wait this long (a slower start is
     * retried with the failure backoff).
     */
    static final Duration START_DELAY = Duration.ofSeconds(1);
    /** How often the loop checks running tasks against their timeouts. */
    static final long TIMEOUT_CHECK_MILLIS = 50;
    /** How long an idle runner waits for work before checking whether the worker is stopping. */
    static final long RUNNER_IDLE_MILLIS = 250;

    @Inject
    WorkerSettings settings;

    @Inject
    TaskStore store;

    @Inject
    Database database;

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

    /** Claimed tasks not yet settled: their number is the number of slots in use. */
    private final Map<Long, Execution> executions = new ConcurrentHashMap<>();
    /** Claimed tasks waiting for a runner. */
    private final BlockingQueue<Execution> ready = new LinkedBlockingQueue<>();
    private final Object signal = new Object();
    private boolean signalled;
    /** Set when a claim may have left due work behind: a full claim, or no free slot to claim into. */
    private volatile boolean backlog;
    private volatile boolean active;
    private int failures;
    private Instant claimNotBefore = Instant.MIN;
    private volatile Instant lastFailureLogged = Instant.MIN;

    private ManagedScheduledExecutorService scheduler;
    private ManagedExecutorService executor;
    private Thread loop;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    /** Starts the worker; called once when the application starts and the worker is enabled. */
    public synchronized void start() {
        if (active) {
            return;
        }
        scheduler = Jndi.lookup(settings.scheduler(), ManagedScheduledExecutorService.class);
        executor = Jndi.lookup(settings.executor(), ManagedExecutorService.class);
        ManagedThreadFactory threads = Jndi.lookup(settings.threadFactory(), ManagedThreadFactory.class);
        active = true;
        claimNotBefore = clock.instant().plus(START_DELAY);
        completer.start(threads, this::wake);
        for (int i = 0; i < settings.concurrency(); i++) {
            startRunner();
        }
        loop = threads.newThread(this::loop);
        loop.setName("background-tasks-poller");
        loop.setDaemon(true);
        loop.start();
        boolean listening = listener.start(this::wake);
        timers.add(scheduler.scheduleWithFixedDelay(this::wake, START_DELAY.toMillis(),
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
        wake();
        join(loop, 5_000);
        int released = 0;
        for (Execution execution = ready.poll(); execution != null; execution = ready.poll()) {
            if (execution.release()) {
                executions.remove(execution.task.getId());
                released += releaseQuietly(execution.task) ? 1 : 0;
            }
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (!executions.isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }
        completer.stop();
        int given = released;
        List<Long> left = new ArrayList<>(executions.keySet());
        LOG.info(() -> "background-tasks worker stopped on node " + settings.nodeId() + ": " + given
                + " claimed task(s) released unstarted" + (left.isEmpty() ? "; none left running"
                : "; still running after the drain timeout, left to lease expiry: " + left));
    }

    void onCommit(@Observes TasksCommitted committed) {
        wake();
    }

    /** Asks the claim loop to look for work now. */
    public void wake() {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    private void wakeAt(Instant due) {
        // Rounded up and a little late rather than early: an early claim finds nothing due.
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis() + 2);
        try {
            scheduler.schedule(this::wake, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: the rescheduled task is in the table for any node's next poll.
        }
    }

    private void loop() {
        try (HeldConnection connection = database.hold("claim loop")) {
            loop(connection);
        }
    }

    private void loop(HeldConnection connection) {
        while (active) {
            awaitSignal(executions.isEmpty() ? settings.pollInterval().toMillis() : TIMEOUT_CHECK_MILLIS);
            if (!active) {
                return;
            }
            checkTimeouts();
            if (clock.instant().isBefore(claimNotBefore)) {
                continue;
            }
            try {
                claimIntoFreeSlots(connection);
                failures = 0;
            } catch (RuntimeException e) {
                backOff(e);
            }
        }
    }

    private void awaitSignal(long millis) {
        synchronized (signal) {
            try {
                if (!signalled) {
                    signal.wait(Math.max(1, millis));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                active = false;
            }
            signalled = false;
        }
    }

    private void claimIntoFreeSlots(HeldConnection connection) {
        while (active) {
            int free = completer.isBackedUp() ? 0 : settings.concurrency() - executions.size();
            if (free <= 0) {
                backlog = true;
                return;
            }
            int limit = Math.min(free, settings.batchSize());
            List<TaskEntity> claimed = store.claim(connection, settings.nodeId(), clock.instant(),
                    settings.leaseGrace().toMillis(), limit);
            backlog = claimed.size() == limit;
            for (TaskEntity task : claimed) {
                Execution execution = new Execution(task);
                executions.put(task.getId(), execution);
                ready.add(execution);
            }
            if (!backlog) {
                return;
            }
        }
    }

    private void startRunner() {
        Runnable loopTask = ManagedExecutors.managedTask(this::runTasks,
                Map.of(ManagedTask.LONGRUNNING_HINT, "true", ManagedTask.IDENTITY_NAME, "background-tasks-runner"), null);
        try {
            executor.execute(loopTask);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "The executor " + settings.executor() + " refused a task runner; this node runs "
                    + "fewer tasks at once than background-tasks.worker.concurrency", e);
        }
    }

    /** A runner: takes claimed tasks one at a time until the worker stops or a timeout abandons it. */
    private void runTasks() {
        while (active) {
            Execution execution;
            try {
                execution = ready.poll(RUNNER_IDLE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (execution == null || !execution.begin()) {
                continue;
            }
            if (!runOne(execution)) {
                return;
            }
            // A timeout's interrupt that arrived as the task returned must not reach the next task.
            Thread.interrupted();
        }
    }

    /** Runs one task; false when its timeout settled it first, which hands this runner's slot to a new one. */
    private boolean runOne(Execution execution) {
        TaskEntity task = execution.task;
        execution.thread = Thread.currentThread();
        execution.startedAt = clock.instant();
        execution.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(task.getTimeoutMillis());
        Attempt attempt = runner.invoke(task);
        if (execution.settle()) {
            finish(execution, attempt);
            return true;
        }
        LOG.info(() -> "Task " + task.getId() + " (" + task.getTaskName() + ") returned after its timeout; "
                + "its outcome was already stored as a timeout");
        return false;
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        for (Execution execution : executions.values()) {
            long deadline = execution.deadline;
            // Zero until the runner has set it: a task that has just begun is not late.
            if (deadline != 0 && now - deadline > 0 && execution.settle()) {
                timeOut(execution);
            }
        }
    }

    private void timeOut(Execution execution) {
        Thread thread = execution.thread;
        if (thread != null) {
            thread.interrupt();
        }
        if (active) {
            // The timed-out runner may never return; its slot goes to a new one at once.
            startRunner();
        }
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

    /** The database is failing: wait longer before each claim, up to {@link #MAX_FAILURE_BACKOFF}. */
    private void backOff(RuntimeException e) {
        int n = Math.min(++failures, 16);
        Duration wait = FIRST_FAILURE_BACKOFF.multipliedBy(1L << Math.min(n - 1, 10));
        if (wait.compareTo(MAX_FAILURE_BACKOFF) > 0) {
            wait = MAX_FAILURE_BACKOFF;
        }
        claimNotBefore = clock.instant().plus(wait);
        logFailure("could not claim tasks (failure " + n + "); next try in " + wait, e);
        wakeAt(claimNotBefore);
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

    private static void join(Thread thread, long millis) {
        if (thread != null) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }
}
