package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ClaimSettings;
import dev.backgroundtasks.internal.config.ControlSettings;
import dev.backgroundtasks.internal.config.LeaseSettings;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.NodeSettings;
import dev.backgroundtasks.internal.config.Ticker;
import dev.backgroundtasks.internal.enqueue.CancelRequested;
import dev.backgroundtasks.internal.enqueue.ControlChanged;
import dev.backgroundtasks.internal.enqueue.TasksCommitted;
import dev.backgroundtasks.internal.store.Database;
import dev.backgroundtasks.internal.store.NodeRegistry;
import dev.backgroundtasks.internal.store.OutcomeWrites;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.worker.WorkerParts.Parts;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's worker: starts its parts with the application and stops them with it, draining
 * running tasks. The parts, each on its own thread: the {@link ClaimLoop}, the {@link Runners},
 * the {@link SuccessBatcher}, the {@link NotificationListener}, the {@link TimeoutWatch}, and
 * timers on the managed scheduler for the poll, the {@link Rescuer} (with the renewal of overdue
 * tasks' claims) and the {@link ControlRefresh}. It observes the call side's events
 * ({@link TasksCommitted}, {@link ControlChanged}, {@link CancelRequested}) and joins a runner's
 * outcome to the slot it frees.
 *
 * <p>Threads: {@link #start()} and {@link #stop} are synchronized and run on the application's
 * start and stop; the parts are created at start and published through a volatile field.
 */
@ApplicationScoped
public class Worker {

    private static final Logger LOG = Logger.getLogger(Worker.class.getName());
    /**
     * Payara binds the persistence context of a library jar's beans only after the application's
     * start event: the loop's first claim and the first rescue wait this long (a slower start is
     * retried with the failure backoff).
     */
    static final Duration START_DELAY = Duration.ofSeconds(1);

    @Inject
    NodeSettings node;

    @Inject
    ClaimSettings claimSettings;

    @Inject
    LeaseSettings leaseSettings;

    @Inject
    ControlSettings controlSettings;

    @Inject
    Database database;

    @Inject
    OutcomeWrites outcomes;

    @Inject
    SuccessBatcher batcher;

    @Inject
    Rescuer rescuer;

    @Inject
    NotificationListener listener;

    @Inject
    WorkerStats stats;

    @Inject
    WorkerParts assembly;

    @Inject
    NodeRegistry nodes;

    @Inject
    @Library
    ManagedScheduledExecutorService scheduler;

    @Inject
    @Library
    ManagedThreadFactory threads;

    @Inject
    @Library
    Clock clock;

    @Inject
    @Library
    Ticker ticker;

    private volatile Parts parts;
    private volatile boolean running;
    private Thread loopThread;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    /**
     * Whether this start's timeout watch goes on: until the drain is over, so tasks still running at
     * a stop keep their timeouts. One per start, so a watch that has not yet seen a stop never goes
     * on under the next start.
     */
    private AtomicBoolean watching = new AtomicBoolean();

    /** Starts the worker; called once when the application starts and the worker is enabled. */
    public synchronized void start() {
        if (running) {
            return;
        }
        Parts p = assembly.assemble(this::wake);
        ClaimLoop loop = p.loop();
        ControlRefresh control = p.control();
        FailureLog failures = p.failures();
        parts = p;
        running = true;
        stats.working(true);

        batcher.start(threads, loop::wake);
        p.runners().start(claimSettings.slots());
        loopThread = threads.newThread(() -> loop.run(database));
        loopThread.setName("background-tasks-poller");
        loopThread.setDaemon(true);
        loopThread.start();
        boolean listening = listener.start(loop::wake, control::refreshOnce);
        timers.add(scheduler.scheduleWithFixedDelay(loop::wake, START_DELAY.toMillis(),
                claimSettings.pollInterval().toMillis(), TimeUnit.MILLISECONDS));
        timers.add(scheduler.scheduleWithFixedDelay(this::rescue, START_DELAY.toMillis(),
                leaseSettings.rescueInterval().toMillis(), TimeUnit.MILLISECONDS));
        timers.add(scheduler.scheduleWithFixedDelay(() -> refresh(true), START_DELAY.toMillis(),
                controlSettings.refreshInterval().toMillis(), TimeUnit.MILLISECONDS));
        timers.add(scheduler.scheduleWithFixedDelay(this::beat, START_DELAY.toMillis(), NodeRegistry.BEAT.toMillis(),
                TimeUnit.MILLISECONDS));
        AtomicBoolean watch = new AtomicBoolean(true);
        watching = watch;
        Thread watcher = threads.newThread(() -> p.timeouts().watch(watch, failures));
        watcher.setName("background-tasks-timeouts");
        watcher.setDaemon(true);
        watcher.start();
        LOG.info(() -> "background-tasks worker started on node " + node.nodeId() + ": "
                + (claimSettings.servesEveryQueue() ? "every queue, concurrency " + claimSettings.concurrency()
                : "queues " + claimSettings.queues()) + ", poll interval " + claimSettings.pollInterval()
                + (listening ? ", woken by database notifications" : ""));
    }

    /**
     * Stops claiming, gives back at once the claimed tasks that have not started (so other nodes
     * take them), then waits up to {@code drain} for running tasks to finish (their timeouts still
     * fire meanwhile), and interrupts those still running.
     */
    public synchronized void stop(Duration drain) {
        if (!running) {
            return;
        }
        running = false;
        stats.working(false);
        Parts p = parts;
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        listener.stop();
        p.loop().stop();
        p.runners().stop();
        join(loopThread, 5_000);
        long released = p.slots().releaseUnstarted().stream().filter(e -> releaseQuietly(e.task)).count();
        long deadline = ticker.nanoTime() + drain.toNanos();
        while (!p.slots().isEmpty() && ticker.nanoTime() - deadline < 0) {
            sleep(20);
        }
        watching.set(false);
        // The application is going away: whatever still runs is asked to stop now, and its row is
        // left to its lease.
        p.slots().all().forEach(Execution::interrupt);
        batcher.stop();
        try {
            nodes.leave(node.nodeId());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not remove this node's row; it drops out of the node list within "
                    + NodeRegistry.GONE_AFTER, e);
        }
        List<Long> left = p.slots().ids();
        stats.abandoned(left.size());
        LOG.info(() -> "background-tasks worker stopped on node " + node.nodeId() + ": " + released
                + " claimed task(s) released unstarted" + (left.isEmpty() ? "; none left running"
                : "; still running after the drain timeout, interrupted and left to lease expiry: " + left));
    }

    /** Asks the claim loop to look for work now. */
    private void wake() {
        Parts p = parts;
        if (p != null) {
            p.loop().wake();
        }
    }

    /** Re-reads control state now, while running; on the timer, also reconciles paused rows' marks. */
    private void refresh(boolean reconcile) {
        Parts p = parts;
        if (running && p != null) {
            p.control().refreshOnce();
            if (reconcile) {
                p.control().reconcileMarks();
                p.control().storeProgress();
            }
        }
    }

    void onCommit(@Observes TasksCommitted committed) {
        wake();
    }

    void onControlChanged(@Observes ControlChanged changed) {
        refresh(false);
    }

    void onCancelRequested(@Observes CancelRequested request) {
        Parts p = parts;
        if (p != null) {
            p.slots().cancel(request.taskId());
            p.loop().wake();
        }
    }

    /** Writes this node's row for operators: what it serves, its slots and how many are busy. */
    private void beat() {
        try {
            nodes.beat(node.nodeId(), claimSettings.servesEveryQueue() ? "every queue"
                    : claimSettings.queues().entrySet().stream().map(q -> q.getKey() + ":" + q.getValue())
                    .collect(java.util.stream.Collectors.joining(",")), claimSettings.slots(), stats.busySlots());
        } catch (RuntimeException e) {
            parts.failures().failed("could not write this node's row", e);
        }
    }

    /** Every rescue interval: renews the claims of tasks running past their timeout here, then takes back expired ones. */
    private void rescue() {
        try {
            parts.settlement().renewOverdue(clock.instant().plus(leaseSettings.leaseGrace())
                    .plus(leaseSettings.rescueInterval()));
            if (rescuer.rescueOnce() > 0) {
                wake();
            }
        } catch (RuntimeException e) {
            parts.failures().failed("could not rescue expired claims", e);
        }
    }

    private boolean releaseQuietly(TaskEntity task) {
        try {
            return outcomes.release(task);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not give back task " + task.getId() + "; it runs once its lease expires", e);
            return false;
        }
    }

    private static void join(Thread thread, long millis) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
