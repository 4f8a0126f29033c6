package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.Library;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.logging.Logger;

/**
 * Ends claims whose lease has expired, on any node: the node that held them died, hung or lost
 * the database for longer than the task's timeout plus the lease grace. A task with attempts left
 * goes back to the queue; one on its last attempt is archived as failed.
 *
 * <p>Thread: the managed scheduler's, every {@code rescue-interval}; one pass at a time.
 */
@ApplicationScoped
public class Rescuer {

    private static final Logger LOG = Logger.getLogger(Rescuer.class.getName());
    /** Rows one transaction rescues; a pass repeats until it finds fewer. */
    static final int BATCH = 100;

    @Inject
    RescueBatch batches;

    @Inject
    OutcomeEvents events;

    @Inject
    WorkerStats stats;

    @Inject
    @Library
    Clock clock;

    /**
     * One pass over the expired claims.
     *
     * @return how many claims it ended
     */
    public int rescueOnce() {
        int total = 0;
        RescueBatch.Result batch;
        do {
            batch = batches.rescue(clock.instant(), BATCH);
            total += batch.expired();
            batch.failed().forEach(events::failed);
        } while (batch.expired() == BATCH);
        if (total > 0) {
            stats.rescue(total);
            int count = total;
            LOG.info(() -> "Rescued " + count + " task(s) whose lease had expired");
        }
        return total;
    }
}
