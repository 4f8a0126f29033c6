package dev.backgroundtasks.worker;

import dev.backgroundtasks.config.LibraryClock;
import dev.backgroundtasks.config.WorkerSettings;
import dev.backgroundtasks.enqueue.TaskDefinition;
import dev.backgroundtasks.enqueue.TaskRegistry;
import dev.backgroundtasks.enqueue.TasksCommitted;
import dev.backgroundtasks.store.ClaimRequest;
import dev.backgroundtasks.store.Database;
import dev.backgroundtasks.store.HeldConnection;
import dev.backgroundtasks.store.Jndi;
import dev.backgroundtasks.store.TaskEntity;
import dev.backgroundtasks.store.TaskStore;
import dev.backgroundtasks.store.UtcInstantConverter;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's worker. A claim loop on a managed thread claims due tasks for the free slots and
 * hands them to runners, threads of the managed thread factory, one per slot. The loop waits
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
    TaskRegistry registry;

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

    /** Queues no node may start tasks from now, as last read from the database. */
    private volatile Set<String> paused = Set.of();
    /** Task names with a concurrency cap, and the cap: claimed apart from the others. */
    private Map<String, Integer> caps = Map.of();

    private ManagedScheduledExecutorService scheduler;
    private ManagedThreadFactory threads;
    private final AtomicInteger runnerCount = new AtomicInteger();
    private Thread loop;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    /** Starts the worker; called once when the application starts and the worker is enabled. */
    public synchronized void start() {
        if (active) {
            return;
        }
        scheduler = Jndi.lookup(settings.scheduler(), ManagedScheduledExecutorService.class);
        threads = Jndi.lookup(settings.threadFactory(), ManagedThreadFactory.class);
        caps = registry.all().stream().filter(t -> t.settings().maxRunning() > 0)
                .collect(Collectors.toMap(TaskDefinition::name, t -> t.settings().maxRunning()));
        active = true;
        claimNotBefore = clock.instant().plus(START_DELAY);
        completer.start(threads, this::wake);
        for (int i = 0; i < settings.slots(); i++) {
            startRunner();
        }
        loop = threads.newThread(this::loop);
        loop.setName("background-tasks-poller");
        loop.setDaemon(true);
        loop.start();
        boolean listening = listener.start(this::wake, this::refresh);
        timers.add(scheduler.scheduleWithFixedDelay(this::wake, START_DELAY.toMillis(),
                settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS));
        timers.add(scheduler.scheduleWithFixedDelay(this::rescue, START_DELAY.toMillis(),
                settings.rescueInterval().toMillis(), TimeUnit.MILLISECONDS));
        timers.add(scheduler.scheduleWithFixedDelay(this::refresh, START_DELAY.toMillis(),
                settings.refreshInterval().toMillis(), TimeUnit.MILLISECONDS));
        LOG.info(() -> "background-tasks worker started on node " + settings.nodeId() + ": "
                + (settings.servesEveryQueue() ? "every queue, concurrency " + settings.concurrency()
                : "queues " + settings.queues()) + ", poll interval " + settings.pollInterval()
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
            if (completer.isBackedUp()) {
                backlog = true;
                return;
            }
            Map<String, Integer> running = runningByQueue();
            Set<String> pausedNow = paused;
            // A claim that filled its limit may have left due work behind; so may a queue with no free slot.
            boolean filled = false;
            boolean full = false;
            if (settings.servesEveryQueue()) {
                int free = settings.concurrency() - executions.size();
                full = free <= 0;
                filled = !full && claim(connection, null, pausedNow, free);
            } else {
                for (Map.Entry<String, Integer> queue : settings.queues().entrySet()) {
                    if (pausedNow.contains(queue.getKey())) {
                        continue;
                    }
                    int free = queue.getValue() - running.getOrDefault(queue.getKey(), 0);
                    if (free <= 0) {
                        full = true;
                    } else {
                        filled |= claim(connection, queue.getKey(), pausedNow, free);
                    }
                }
            }
            backlog = filled || full;
            if (!filled || !hasFreeSlot()) {
                return;
            }
        }
    }

    /**
     * Claims into {@code free} slots of one queue (or of every queue but the paused ones, when
     * {@code queue} is null): each capped task within its cap, then tasks without a cap.
     *
     * @return whether due work may have been left behind: a claim filled its limit
     */
    private boolean claim(HeldConnection connection, String queue, Set<String> pausedNow, int free) {
        LocalDateTime now = UtcInstantConverter.toUtc(clock.instant());
        List<String> paused = List.copyOf(pausedNow);
        long grace = settings.leaseGrace().toMillis();
        int left = free;
        // Capped tasks first: their caps bound the slots they can take, and a backlog of uncapped
        // work fills every claim, which would keep them waiting whatever their priority.
        for (Map.Entry<String, Integer> cap : caps.entrySet()) {
            if (left <= 0) {
                return true;
            }
            ClaimRequest capped = new ClaimRequest(settings.nodeId(), now, grace, Math.min(left, settings.batchSize()),
                    queue, paused, cap.getKey(), settings.ascending());
            List<TaskEntity> runs = store.claimCapped(connection, capped, cap.getValue());
            accept(runs);
            left -= runs.size();
        }
        if (left <= 0) {
            return true;
        }
        int limit = Math.min(left, settings.batchSize());
        List<TaskEntity> claimed = store.claim(connection,
                new ClaimRequest(settings.nodeId(), now, grace, limit, queue, paused, null, settings.ascending()));
        accept(claimed);
        return claimed.size() == limit;
    }

    private void accept(List<TaskEntity> claimed) {
        for (TaskEntity task : claimed) {
            Execution execution = new Execution(task);
            executions.put(task.getId(), execution);
            ready.add(execution);
        }
    }

    private boolean hasFreeSlot() {
        if (settings.servesEveryQueue()) {
            return executions.size() < settings.concurrency();
        }
        Map<String, Integer> running = runningByQueue();
        return settings.queues().entrySet().stream()
                .anyMatch(q -> !paused.contains(q.getKey()) && running.getOrDefault(q.getKey(), 0) < q.getValue());
    }

    private Map<String, Integer> runningByQueue() {
        Map<String, Integer> running = new HashMap<>();
        for (Execution execution : executions.values()) {
            running.merge(execution.task.getQueue(), 1, Integer::sum);
        }
        return running;
    }

    /**
     * Re-reads what other nodes may have changed: the paused queues (waking the loop when one was
     * resumed) and cancellation requests for the tasks running here.
     */
    public void refresh() {
        if (!active) {
            return;
        }
        try {
            Set<String> now = store.pausedQueues();
            Set<String> before = paused;
            paused = Set.copyOf(now);
            if (!now.containsAll(before)) {
                wake();
            }
            if (!executions.isEmpty()) {
                store.cancelRequested(settings.nodeId()).forEach(this::cancelLocal);
            }
        } catch (RuntimeException e) {
            logFailure("could not read paused queues and cancellation requests", e);
        }
    }

    /** Asks a task running on this node to stop; false when it does not run here. */
    public boolean cancelLocal(long id) {
        Execution execution = executions.get(id);
        if (execution == null) {
            return false;
        }
        if (!execution.cancelRequested) {
            LOG.info(() -> "Cancelling task " + id + " (" + execution.task.getTaskName() + ") at a cancellation request");
        }
        execution.cancel();
        return true;
    }

    /**
     * Starts one runner on a thread of the managed thread factory, which carries the application's
     * context. Not on the managed executor: runners never return, and a server whose default
     * executor has a fixed pool and an unbounded queue (WildFly: twice the cores) would give them
     * every thread and leave the application's own asynchronous work queued forever.
     */
    private void startRunner() {
        try {
            Thread runner = threads.newThread(this::runTasks);
            runner.setName("background-tasks-runner-" + runnerCount.incrementAndGet());
            runner.setDaemon(true);
            runner.start();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The thread factory " + settings.threadFactory() + " refused a task runner; this node "
                    + "runs fewer tasks at once than configured", e);
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
        }
    }

    /** Runs one task; false when its timeout settled it first, which hands this runner's slot to a new one. */
    private boolean runOne(Execution execution) {
        TaskEntity task = execution.task;
        execution.thread = Thread.currentThread();
        execution.startedAt = clock.instant();
        execution.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(task.getTimeoutMillis());
        Attempt attempt;
        CurrentTask.set(execution);
        try {
            if (execution.cancelRequested) {
                attempt = Attempt.Failed.permanently("Cancelled before it started");
            } else {
                attempt = runner.invoke(task);
            }
        } finally {
            CurrentTask.clear();
        }
        if (execution.cancelRequested && attempt instanceof Attempt.Failed failed) {
            attempt = new Attempt.Cancelled(failed.error());
        }
        if (execution.settle()) {
            // No interrupt can follow a settle; one that came during the task (a cancel, a timeout
            // racing its return, or the task's own) must reach neither the outcome's writes (a
            // connection pool may refuse an interrupted thread a connection; WildFly's does) nor
            // the runner's next task.
            Thread.interrupted();
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
