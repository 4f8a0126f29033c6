package dev.backgroundtasks;

import java.time.Instant;
import java.util.Optional;

/**
 * A CDI event fired after an attempt failed and its outcome was stored: either the task was
 * rescheduled ({@link #nextRunAt()} is set) or it was archived as failed.
 *
 * @param id          the task
 * @param name        its task name
 * @param attempt     which attempt failed, from 1
 * @param maxAttempts how many attempts it may have
 * @param error       why: an exception's stack trace, or a reason such as "Task timeout after 30s"
 * @param nextRunAt   when it runs again, or null when it will not
 */
public record TaskAttemptFailed(TaskId id, String name, int attempt, int maxAttempts, String error, Instant nextRunAt) {

    /** When the task runs again, if it does. */
    public Optional<Instant> nextRun() {
        return Optional.ofNullable(nextRunAt);
    }
}
