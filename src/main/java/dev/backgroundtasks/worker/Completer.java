package dev.backgroundtasks.worker;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskSucceeded;
import dev.backgroundtasks.config.WorkerSettings;
import dev.backgroundtasks.store.Finished;
import dev.backgroundtasks.store.Database;
import dev.backgroundtasks.store.HeldConnection;
import dev.backgroundtasks.store.TaskStore;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Archives succeeded tasks in batches, on a thread of its own: whatever finished within
 * {@code archive-delay} of the first, or {@code archive-batch-size} tasks, whichever comes first, in
 * one statement. While one batch is being written the next one gathers, so batches grow with the
 * load. Committing each task on its own would cap the worker near the database's commit rate.
 */
@ApplicationScoped
public class Completer {

    private static final Logger LOG = Logger.getLogger(Completer.class.getName());

    @Inject
    TaskStore store;

    @Inject
    Database database;

    @Inject
    WorkerSettings settings;

    @Inject
    WorkerStats stats;

    @Inject
    Event<TaskSucceeded> succeededEvents;

    @Inject
    Completions completions;

    private final Object lock = new Object();
    private List<Finished> pending = new ArrayList<>();
    private volatile boolean running;
    private volatile int waiting;
    private Runnable afterWrite = () -> { };
    private Thread thread;

    /**
     * Starts the batching thread; until then, and after {@link #stop()}, each task is archived at once.
     *
     * @param written run after each batch is written, when room for more has opened
     */
    void start(ManagedThreadFactory threads, Runnable written) {
        afterWrite = written;
        running = true;
        thread = threads.newThread(this::loop);
        thread.setName("background-tasks-completer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Archives what is waiting and stops the thread. */
    void stop() {
        synchronized (lock) {
            running = false;
            lock.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flushRemaining();
    }

    /**
     * Whether succeeded tasks are piling up faster than they are archived: a full batch is waiting.
     * The claim loop then claims nothing until the archive catches up, so a slow database cannot
     * make a node hold ever more finished but unarchived claims.
     */
    boolean isBackedUp() {
        return waiting >= settings.archiveBatchSize();
    }

    /** Queues a succeeded task for the next batch. */
    void add(Finished finished) {
        synchronized (lock) {
            if (running) {
                pending.add(finished);
                waiting = pending.size();
                if (pending.size() == 1 || pending.size() >= settings.archiveBatchSize()) {
                    lock.notifyAll();
                }
                return;
            }
        }
        write(null, List.of(finished));
    }

    private void loop() {
        try (HeldConnection connection = database.hold("completer")) {
            loop(connection);
        }
    }

    private void loop(HeldConnection connection) {
        long delay = settings.archiveDelay().toNanos();
        int size = settings.archiveBatchSize();
        while (running) {
            List<Finished> batch;
            synchronized (lock) {
                try {
                    while (pending.isEmpty() && running) {
                        lock.wait();
                    }
                    long deadline = System.nanoTime() + delay;
                    long left;
                    while (pending.size() < size && running && (left = deadline - System.nanoTime()) > 0) {
                        lock.wait(left / 1_000_000, (int) (left % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                batch = take(size);
            }
            if (!batch.isEmpty()) {
                try {
                    write(connection, batch);
                    afterWrite.run();
                } catch (RuntimeException | Error e) {
                    // The thread must outlive any one batch: without it nothing succeeded is archived.
                    LOG.log(Level.SEVERE, "Archiving a batch of " + batch.size() + " task(s) failed unexpectedly; "
                            + "they run again once their leases expire", e);
                }
            }
        }
    }

    private void flushRemaining() {
        List<Finished> rest;
        synchronized (lock) {
            rest = take(Integer.MAX_VALUE);
        }
        if (!rest.isEmpty()) {
            write(null, rest);
        }
    }

    private List<Finished> take(int most) {
        List<Finished> batch;
        if (pending.size() <= most) {
            batch = pending;
            pending = new ArrayList<>();
        } else {
            batch = new ArrayList<>(pending.subList(0, most));
            pending = new ArrayList<>(pending.subList(most, pending.size()));
        }
        waiting = pending.size();
        return batch;
    }

    /** Archives one batch, on the completer's own connection or, with null, on one from the pool. */
    private void write(HeldConnection connection, List<Finished> batch) {
        Set<Long> archived;
        try {
            archived = store.archiveSucceeded(connection, settings.nodeId(), batch);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not archive " + batch.size() + " succeeded task(s); they run again once "
                    + "their leases expire", e);
            return;
        }
        for (Finished f : batch) {
            if (archived.contains(f.task().getId())) {
                notifySucceeded(f);
            } else {
                long count = stats.lostClaim();
                LOG.warning(() -> "Task " + f.task().getId() + " (" + f.task().getTaskName() + ") attempt "
                        + f.task().getAttempts() + " succeeded after its claim was lost; its outcome was not stored. "
                        + "Lost claims on this node: " + count);
            }
        }
    }

    private void notifySucceeded(Finished f) {
        completions.archived(f.task().getId());
        try {
            succeededEvents.fire(new TaskSucceeded(new TaskId(f.task().getId()), f.task().getTaskName(),
                    f.task().getAttempts(), f.finishedAt(), f.resultJson()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of TaskSucceeded threw; ignored", e);
        }
    }
}
