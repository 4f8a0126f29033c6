package dev.backgroundtasks.worker;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskSucceeded;
import dev.backgroundtasks.config.WorkerSettings;
import dev.backgroundtasks.store.Finished;
import dev.backgroundtasks.store.TaskStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Archives succeeded tasks in batches: whatever finished within {@code archive-delay} of the first,
 * or {@code archive-batch-size} tasks, whichever comes first, in one statement. Committing each
 * task on its own would cap the whole worker near the database's single-commit rate.
 */
@ApplicationScoped
public class Completer {

    private static final Logger LOG = Logger.getLogger(Completer.class.getName());

    @Inject
    TaskStore store;

    @Inject
    WorkerSettings settings;

    @Inject
    WorkerStats stats;

    @Inject
    Event<TaskSucceeded> succeededEvents;

    private final Object lock = new Object();
    private List<Finished> pending = new ArrayList<>();
    private boolean flushScheduled;
    private volatile ScheduledExecutorService scheduler;

    /** Starts batching; until then, and after {@link #stop()}, each task is archived at once. */
    void start(ScheduledExecutorService timer) {
        scheduler = timer;
    }

    /** Archives what is waiting and stops batching. */
    void stop() {
        scheduler = null;
        flush();
    }

    /** Queues a succeeded task for the next batch. */
    void add(Finished finished) {
        List<Finished> full = null;
        boolean schedule = false;
        synchronized (lock) {
            pending.add(finished);
            if (pending.size() >= settings.archiveBatchSize()) {
                full = take();
            } else if (!flushScheduled) {
                flushScheduled = true;
                schedule = true;
            }
        }
        if (full != null) {
            write(full);
        } else if (schedule && !scheduleFlush()) {
            flush();
        }
    }

    private boolean scheduleFlush() {
        ScheduledExecutorService timer = scheduler;
        if (timer == null) {
            return false;
        }
        try {
            timer.schedule(this::flush, settings.archiveDelay().toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void flush() {
        List<Finished> batch;
        synchronized (lock) {
            flushScheduled = false;
            batch = take();
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private List<Finished> take() {
        List<Finished> batch = pending;
        pending = new ArrayList<>();
        return batch;
    }

    private void write(List<Finished> batch) {
        Set<Long> archived;
        try {
            archived = store.archiveSucceeded(settings.nodeId(), batch);
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
        try {
            succeededEvents.fire(new TaskSucceeded(new TaskId(f.task().getId()), f.task().getTaskName(),
                    f.task().getAttempts(), f.finishedAt(), f.resultJson()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of TaskSucceeded threw; ignored", e);
        }
    }
}
