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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's worker loop: claims due tasks for its free slots and hands each to the managed
 * executor. It polls on a fixed delay as a fallback, and at once when a transaction on this node
 * commits new tasks or a finished task frees a slot while work may be waiting.
 */
@ApplicationScoped
public class Poller {

    private static final Logger LOG = Logger.getLogger(Poller.class.getName());

    @Inject
    WorkerSettings settings;

    @Inject
    TaskStore store;

    @Inject
    TaskRunner runner;

    @Inject
    @LibraryClock
    Clock clock;

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final ReentrantLock pollLock = new ReentrantLock();
    private volatile boolean pollAgain;
    /** Set when a poll may have left due work behind: a full claim, or no free slot to claim into. */
    private volatile boolean backlog;
    private volatile boolean active;
    private volatile Instant lastFailureLogged = Instant.MIN;

    private ManagedScheduledExecutorService scheduler;
    private ManagedExecutorService executor;
    private ScheduledFuture<?> timer;

    /** Starts polling; called once when the application starts and the worker is enabled. */
    public synchronized void start() {
        if (active) {
            return;
        }
        scheduler = Jndi.lookup(settings.scheduler(), ManagedScheduledExecutorService.class);
        executor = Jndi.lookup(settings.executor(), ManagedExecutorService.class);
        active = true;
        long interval = settings.pollInterval().toMillis();
        timer = scheduler.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.MILLISECONDS);
        LOG.info(() -> "background-tasks worker started on node " + settings.nodeId() + ": concurrency "
                + settings.concurrency() + ", poll interval " + settings.pollInterval());
    }

    /** Stops claiming, then waits up to {@code drain} for running tasks to finish. */
    public synchronized void stop(Duration drain) {
        if (!active) {
            return;
        }
        active = false;
        timer.cancel(false);
        long deadline = System.nanoTime() + drain.toNanos();
        while (running.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = running.get();
        if (left > 0) {
            LOG.warning(() -> left + " task(s) still running at shutdown on node " + settings.nodeId()
                    + "; they run again once their leases expire");
        }
    }

    /** How many tasks this node is running now. */
    public int running() {
        return running.get();
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

    void poll() {
        if (!pollLock.tryLock()) {
            pollAgain = true;
            return;
        }
        try {
            do {
                pollAgain = false;
                claimIntoFreeSlots();
            } while (pollAgain && active);
        } catch (RuntimeException e) {
            logPollFailure(e);
        } finally {
            pollLock.unlock();
        }
    }

    private void claimIntoFreeSlots() {
        while (active) {
            int free = settings.concurrency() - running.get();
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
        running.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    runner.run(task);
                } finally {
                    running.decrementAndGet();
                    if (backlog) {
                        wake();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            running.decrementAndGet();
            LOG.log(Level.WARNING, "The executor refused task " + task.getId() + "; it runs again once its lease expires", e);
        }
    }

    private void logPollFailure(RuntimeException e) {
        Instant now = clock.instant();
        if (now.isAfter(lastFailureLogged.plusSeconds(60))) {
            lastFailureLogged = now;
            LOG.log(Level.WARNING, "background-tasks could not claim tasks; retrying every " + settings.pollInterval(), e);
        }
    }
}
