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
            try {
                write(null, rest);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not archive " + rest.size() + " succeeded task(s) while stopping; "
                        + "they run again once their leases expire", e);
            }
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
            try {
                write(null, List.of(finished));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not archive task " + finished.task().getId() + "; it runs again once its "
                        + "lease expires", e);
            }
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
     * again after a backoff, until it is back or the worker stops. The thread outlives any one batch.
     */
    private void flush(HeldConnection connection, List<Finished> batch) {
        FailureBackoff backoff = new FailureBackoff();
        while (true) {
            try {
                write(connection, batch);
                afterWrite.run();
                return;
            } catch (RuntimeException | Error e) {
                Duration wait = backoff.failed();
                if (pending.isClosed()) {
                    LOG.log(Level.WARNING, "Could not archive " + batch.size() + " succeeded task(s) while stopping; "
                            + "they run again once their leases expire", e);
                    return;
                }
                LOG.log(Level.WARNING, "Could not archive " + batch.size() + " succeeded task(s) (failure "
                        + backoff.failures() + "); trying again in " + wait, e);
                pending.awaitClose(wait);
            }
        }
    }

    /** Archives one batch, on the batcher's own connection or, with null, on one from the pool. */
    private void write(HeldConnection connection, List<Finished> batch) {
        Set<Long> archived = BatchWriter.store(batch, b -> writes.archiveSucceeded(connection, node.nodeId(), b));
        for (Finished f : batch) {
            if (archived.contains(f.task().getId())) {
                events.succeeded(f.task(), f.finishedAt(), f.resultJson());
            } else {
                events.lost(f.task());
            }
        }
    }
}
