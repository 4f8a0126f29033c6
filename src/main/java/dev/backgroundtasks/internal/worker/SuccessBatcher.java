package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ArchiveSettings;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.NodeSettings;
import dev.backgroundtasks.internal.config.Ticker;
import dev.backgroundtasks.internal.store.Database;
import dev.backgroundtasks.internal.store.HeldConnection;
import dev.backgroundtasks.internal.store.OutcomeWrites;
import dev.backgroundtasks.internal.store.dialect.Finished;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Archives succeeded one-off tasks in batches ({@link PendingSuccesses}), one statement per batch, on
 * a thread of its own ({@code background-tasks-completer}) with a connection it keeps. Committing
 * each task on its own would cap the worker near the database's commit rate.
 *
 * <p>The thread outlives whatever one batch throws and any interrupt; only {@link #stop()} ends it.
 *
 * <p>Threads: runners {@link #add}; the batcher's thread writes; the claim loop reads
 * {@link #isBackedUp()}; the worker starts and stops it. Before {@link #start} and after
 * {@link #stop()} a success is archived at once on the caller's thread.
 */
@ApplicationScoped
public class SuccessBatcher {

    private static final Logger LOG = Logger.getLogger(SuccessBatcher.class.getName());

    @Inject
    OutcomeWrites writes;

    @Inject
    OutcomeEvents events;

    @Inject
    WorkerStats stats;

    @Inject
    Database database;

    @Inject
    NodeSettings node;

    @Inject
    ArchiveSettings settings;

    @Inject
    @Library
    Ticker ticker;

    private volatile PendingSuccesses pending;
    private Runnable afterWrite = () -> { };
    private Thread thread;

    /**
     * Starts the batching thread.
     *
     * @param written run after each batch is written, when room for more has opened
     */
    void start(ManagedThreadFactory threads, Runnable written) {
        afterWrite = written;
        pending = new PendingSuccesses(settings.batchSize(), settings.delay().toNanos(), ticker);
        thread = threads.newThread(this::loop);
        thread.setName("background-tasks-completer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Archives what is waiting and stops the thread. */
    void stop() {
        PendingSuccesses p = pending;
        if (p == null) {
            return;
        }
        List<Finished> rest = p.close();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!rest.isEmpty()) {
            writeOnce(rest);
        }
    }

    /** Whether a full batch waits to be archived: the claim loop then claims nothing. */
    boolean isBackedUp() {
        PendingSuccesses p = pending;
        return p != null && p.isBackedUp();
    }

    /** Queues a succeeded task for the next batch, or archives it at once when not batching. */
    void add(Finished finished) {
        PendingSuccesses p = pending;
        if (p == null || !p.add(finished)) {
            writeOnce(List.of(finished));
        }
    }

    private void loop() {
        try (HeldConnection connection = database.hold("completer")) {
            while (true) {
                List<Finished> batch;
                try {
                    batch = pending.awaitBatch();
                } catch (InterruptedException e) {
                    // An interrupt is not a stop (stop() closes the batch): without this thread nothing
                    // succeeded would be archived, and the claim loop would wait for it forever.
                    continue;
                }
                if (batch.isEmpty()) {
                    return;
                }
                flush(connection, batch);
            }
        }
    }

    /**
     * Writes one batch until it is stored ({@link BatchWriter}): while the database is out of reach,
     * what is left of it again after a backoff, until it is back or the worker stops. The thread
     * outlives any one batch.
     */
    private void flush(HeldConnection connection, List<Finished> batch) {
        FailureBackoff backoff = new FailureBackoff();
        Set<Long> archived = new HashSet<>();
        Set<Long> refused = new HashSet<>();
        while (true) {
            List<Finished> left = batch.stream()
                    .filter(f -> !archived.contains(f.task().getId()) && !refused.contains(f.task().getId())).toList();
            Heartbeat beat = stats.successBatcher();
            beat.begin(ticker.nanoTime());
            try {
                BatchWriter.store(left, b -> writes.archiveSucceeded(connection, node.nodeId(), b), archived, refused);
                beat.end();
                break;
            } catch (RuntimeException | Error e) {
                beat.end(); // a wait for the database is not a stuck write
                Duration wait = backoff.failed();
                if (pending.isClosed()) {
                    LOG.log(Level.WARNING, "Could not archive " + left.size() + " succeeded task(s) while stopping; "
                            + "they run again once their leases expire", e);
                    report(batch, archived, refused, false);
                    return;
                }
                LOG.log(Level.WARNING, "Could not archive " + left.size() + " succeeded task(s) (failure "
                        + backoff.failures() + "); trying again in " + wait, e);
                pending.awaitClose(wait);
            }
        }
        // Observers of the outcomes run here: one that hangs holds up every later batch, so it counts as a stuck write.
        Heartbeat beat = stats.successBatcher();
        beat.begin(ticker.nanoTime());
        try {
            report(batch, archived, refused, true);
            afterWrite.run();
        } finally {
            beat.end();
        }
    }

    /** Archives one batch at once on a connection from the pool (before start, after stop). */
    private void writeOnce(List<Finished> batch) {
        Set<Long> archived = new HashSet<>();
        Set<Long> refused = new HashSet<>();
        try {
            BatchWriter.store(batch, b -> writes.archiveSucceeded(null, node.nodeId(), b), archived, refused);
            report(batch, archived, refused, true);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not archive " + (batch.size() - archived.size()) + " succeeded task(s); they "
                    + "run again once their leases expire", e);
            report(batch, archived, refused, false);
        }
    }

    /**
     * Tells the application of the archived tasks; the rest either lost their claim (when
     * {@code complete}) or wait for their leases.
     */
    private void report(List<Finished> batch, Set<Long> archived, Set<Long> refused, boolean complete) {
        for (Finished f : batch) {
            long id = f.task().getId();
            if (archived.contains(id)) {
                events.succeeded(f.task(), f.finishedAt(), f.resultJson());
            } else if (refused.contains(id)) {
                LOG.warning(() -> "Task " + f.task().label() + " succeeded but the database refused its "
                        + "archive row even without its result; it runs again once its lease expires");
            } else if (complete) {
                events.lost(f.task());
            }
        }
    }
}
