package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.TaskAttemptFailed;
import dev.backgroundtasks.TaskFailed;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskSucceeded;
import dev.backgroundtasks.internal.enqueue.Completions;
import dev.backgroundtasks.internal.metrics.NodeMetrics;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the application what a stored outcome was, after its write committed: the public events
 * and the completion stages of handles waiting on this node. Tells the operator too: each failed
 * attempt at WARNING with the task's name, id and attempt and the exception's first line, the
 * final failure at WARNING with its stack trace; and it logs and counts outcomes that could not be
 * stored because the claim was lost. An observer that throws changes nothing stored and does not
 * stop the worker. Safe from any thread.
 */
@ApplicationScoped
public class OutcomeEvents {

    private static final Logger LOG = Logger.getLogger(OutcomeEvents.class.getName());
    /** How much of an exception's first line a failed attempt's log line echoes. */
    static final int MAX_LOGGED_ERROR = 500;

    @Inject
    WorkerStats stats;

    @Inject
    Completions completions;

    @Inject
    NodeMetrics metrics;

    @Inject
    Event<TaskAttemptFailed> attemptFailedEvents;

    @Inject
    Event<TaskFailed> failedEvents;

    @Inject
    Event<TaskSucceeded> succeededEvents;

    void succeeded(TaskEntity claimed, Instant finishedAt, String resultJson) {
        metrics.completed(claimed.getQueue(), claimed.getTaskName(), "succeeded");
        completions.archived(claimed.getId());
        fire(succeededEvents, new TaskSucceeded(new TaskId(claimed.getId()), claimed.getTaskName(),
                claimed.getAttempts(), finishedAt, resultJson));
    }

    /** An attempt failed; {@code nextAttempt} is null when it was the last (then {@link #failed} logs it). */
    void attemptFailed(TaskEntity claimed, String error, Instant nextAttempt) {
        if (nextAttempt != null) {
            LOG.warning(() -> "Task " + claimed.label() + " attempt " + claimed.getAttempts()
                    + " of " + claimed.getMaxAttempts() + " failed; next attempt at " + nextAttempt + ": " + firstLine(error));
        }
        fire(attemptFailedEvents, new TaskAttemptFailed(new TaskId(claimed.getId()), claimed.getTaskName(),
                claimed.getAttempts(), claimed.getMaxAttempts(), error, nextAttempt));
    }

    /** The task was archived as failed. */
    void failed(CompletedTaskEntity done) {
        LOG.warning(() -> "Task " + done.label() + " failed after " + done.getAttempts()
                + " attempt(s) and is archived as FAILED: " + done.getError());
        metrics.completed(done.getQueue(), done.getTaskName(), "failed");
        completions.archived(done.getId());
        fire(failedEvents, new TaskFailed(new TaskId(done.getId()), done.getTaskName(), done.getAttempts(), done.getError()));
    }

    /** The task was archived as cancelled. */
    void cancelled(TaskEntity claimed) {
        metrics.completed(claimed.getQueue(), claimed.getTaskName(), "cancelled");
        completions.archived(claimed.getId());
    }

    /** The outcome was not stored: the row was no longer this claim's. */
    void lost(TaskEntity claimed) {
        long count = stats.lostClaim();
        LOG.warning(() -> "Task " + claimed.label() + " attempt " + claimed.getAttempts()
                + " finished on " + claimed.getLockedBy() + " after its claim was lost (lease expired and the row was "
                + "taken back); its outcome was not stored. Lost claims on this node: " + count);
    }

    /** The first line of an error, cut to {@link #MAX_LOGGED_ERROR} characters: it may echo user input. */
    static String firstLine(String error) {
        if (error == null) {
            return "(no message)";
        }
        int end = error.indexOf('\n');
        String line = (end < 0 ? error : error.substring(0, end)).strip();
        return line.length() <= MAX_LOGGED_ERROR ? line : line.substring(0, MAX_LOGGED_ERROR) + "…";
    }

    private static <T> void fire(Event<T> event, T payload) {
        try {
            event.fire(payload);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of " + payload.getClass().getSimpleName() + " threw; ignored", e);
        }
    }
}
