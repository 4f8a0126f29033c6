package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.PruneSettings;
import dev.backgroundtasks.internal.store.ArchivePruner;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prunes the archive every {@code background-tasks.archive.prune-interval} on nodes whose worker
 * runs; the database lock in {@link ArchivePruner} lets one node at a time do it. Runs on the
 * managed scheduler.
 */
@ApplicationScoped
public class PruneTimer {

    private static final Logger LOG = Logger.getLogger(PruneTimer.class.getName());

    @Inject
    ArchivePruner pruner;

    @Inject
    PruneSettings settings;

    @Inject
    @Library
    ManagedScheduledExecutorService scheduler;

    @Inject
    @Library
    Clock clock;

    private final AtomicLong pruned = new AtomicLong();
    private ScheduledFuture<?> timer;
    private volatile boolean stopping;

    /** Starts pruning, unless every outcome is kept for ever. */
    synchronized void start() {
        if (timer == null && settings.prunes()) {
            timer = scheduler.scheduleWithFixedDelay(this::pruneOnce, Worker.START_DELAY.toMillis(),
                    settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    synchronized void stop() {
        stopping = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Archived rows this node deleted since it started. */
    public long prunedRows() {
        return pruned.get();
    }

    private void pruneOnce() {
        try {
            pruner.pruneOnce(clock.instant(), () -> stopping).ifPresent(p -> {
                pruned.addAndGet(p.total());
                if (p.total() > 0) {
                    LOG.info(() -> "Pruned " + p.total() + " archived task(s) past their retention " + p.rows()
                            + " in " + p.statements() + " statement(s)");
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "background-tasks could not prune the archive; trying again in " + settings.interval(), e);
        }
    }
}
