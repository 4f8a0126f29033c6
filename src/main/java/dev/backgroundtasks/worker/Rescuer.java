package dev.backgroundtasks.worker;

import dev.backgroundtasks.config.LibraryClock;
import dev.backgroundtasks.enqueue.Schedule;
import dev.backgroundtasks.store.TaskEntity;
import dev.backgroundtasks.store.TaskStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * Ends claims whose lease has expired, on any node: the node that held them died, hung or lost
 * the database for longer than the task's timeout plus the lease grace. A task with attempts left
 * goes back to the queue; one on its last attempt is archived as failed.
 */
@ApplicationScoped
public class Rescuer {

    private static final Logger LOG = Logger.getLogger(Rescuer.class.getName());
    /** Rows one transaction rescues; a pass repeats until it finds fewer. */
    static final int BATCH = 100;

    @Inject
    TaskStore store;

    @Inject
    Archiver archiver;

    @Inject
    WorkerStats stats;

    @Inject
    @LibraryClock
    Clock clock;

    /**
     * One pass over the expired claims.
     *
     * @return how many claims it ended
     */
    public int rescue() {
        int total = 0;
        TaskStore.Rescue pass;
        do {
            Instant now = clock.instant();
            pass = store.rescueExpired(now, BATCH, row -> reason(row, now), row -> Schedule.following(row, now, false));
            total += pass.expired();
            pass.failed().forEach(archiver::notifyFailed);
        } while (pass.expired() == BATCH);
        if (total > 0) {
            stats.rescue(total);
            int count = total;
            LOG.info(() -> "Rescued " + count + " task(s) whose lease had expired");
        }
        return total;
    }

    private static String reason(TaskEntity row, Instant now) {
        String end = row.getAttempts() >= row.getMaxAttempts() ? "no attempts left" : "released for another attempt";
        return "Lease of node " + row.getLockedBy() + " expired at " + row.getLockedUntil() + " during attempt "
                + row.getAttempts() + " of " + row.getMaxAttempts() + " (rescued at " + now + "); " + end;
    }
}
