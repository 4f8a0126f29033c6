package dev.backgroundtasks.internal.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs the worker's database failures without flooding the log: a warning with the stack trace at
 * most once per {@link #EVERY}, the others at FINE. Shared by the claim loop, the refresh and the
 * rescue timers; safe from any thread.
 */
final class FailureLog {

    private static final Logger LOG = Logger.getLogger(FailureLog.class.getName());
    static final Duration EVERY = Duration.ofSeconds(60);

    private final String nodeId;
    private final Clock clock;
    private volatile Instant lastWarned = Instant.MIN;

    FailureLog(String nodeId, Clock clock) {
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /** Logs that the worker {@code what} (a clause such as "could not claim tasks"). */
    void failed(String what, Throwable e) {
        Instant now = clock.instant();
        if (now.isAfter(lastWarned.plus(EVERY))) {
            lastWarned = now;
            LOG.log(Level.WARNING, "background-tasks on node " + nodeId + " " + what, e);
        } else {
            LOG.fine(() -> "background-tasks on node " + nodeId + " " + what + ": " + e);
        }
    }
}
