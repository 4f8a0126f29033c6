package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.enqueue.Enqueuer;
import dev.backgroundtasks.internal.store.dialect.Finished;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity.Outcome;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.task.Schedule;

import java.time.Duration;
import java.time.Instant;

/**
 * What an attempt's end means for its row, decided without touching the database: a one-off
 * success joins the next archive batch; a repeating task's success, a cancel and a final failure
 * archive the row (with the schedule's next run, if any); a retryable failure with attempts left
 * goes back to the queue after the backoff or the wait the task asked for. After a cancellation
 * request a failure (a timeout included) is a cancel, and a repeat ends whether the run failed or
 * returned; a cron task, whose schedule is code, only skips that run. Pure; safe from any thread.
 */
sealed interface OutcomeDecision {

    /** A one-off success, archived with others in the next batch. */
    record Batch(Finished finished) implements OutcomeDecision {
    }

    /**
     * The row is archived now, in one transaction with the schedule's next run.
     *
     * @param nextRun the next run of a repeating task, or null
     */
    record Archive(Outcome outcome, String result, String error, Instant finishedAt, Instant nextRun)
            implements OutcomeDecision {
    }

    /** The row goes back to the queue, due at {@code at}, keeping {@code error} as its last error. */
    record Retry(Instant at, String error) implements OutcomeDecision {
    }

    /**
     * Decides.
     *
     * @param claimed   the row as claimed
     * @param startedAt when the attempt started
     * @param attempt   how it ended
     * @param cancelRequested whether someone asked to cancel the run before it ended
     * @param now       when it ended
     */
    static OutcomeDecision of(TaskEntity claimed, Instant startedAt, Attempt attempt, boolean cancelRequested, Instant now,
                              RetryPolicy retries) {
        if (attempt instanceof Attempt.Succeeded s) {
            return claimed.getSchedule() == null
                    ? new Batch(new Finished(claimed, s.resultJson(), s.note(), startedAt, now))
                    : new Archive(Outcome.SUCCEEDED, s.resultJson(), s.note(), now, next(claimed, now, cancelRequested));
        }
        String cancelled = attempt instanceof Attempt.Cancelled c ? c.error()
                : cancelRequested ? ((Attempt.Failed) attempt).error() : null;
        if (cancelled != null) {
            return new Archive(Outcome.CANCELLED, null, "Cancelled while running: " + cancelled, now, next(claimed, now, true));
        }
        Attempt.Failed f = (Attempt.Failed) attempt;
        if (f.retryable() && claimed.getAttempts() < claimed.getMaxAttempts()) {
            Duration wait = f.retryAfter() != null ? f.retryAfter() : retries.delayAfter(claimed.getAttempts());
            return new Retry(now.plus(wait), f.error());
        }
        return new Archive(Outcome.FAILED, null, f.error(), now, next(claimed, now, false));
    }

    /**
     * A cron task's run stored under a schedule this node's code no longer declares (written by
     * another version, or before a deploy that changed it) is followed under the declared one: the
     * next run this node stores carries the declared schedule, so a changed cron takes effect at the
     * first run a new node finishes, not at the next restart.
     *
     * @param declared the schedule this node declares for the task, or null when it declares none
     */
    static void followDeclaredSchedule(TaskEntity claimed, String declared) {
        if (declared != null && claimed.getSchedule() != null
                && (Enqueuer.CRON_KEY_PREFIX + claimed.getTaskName()).equals(claimed.getDedupeKey())
                && !declared.equals(claimed.getSchedule())) {
            claimed.setSchedule(declared);
        }
    }

    private static Instant next(TaskEntity claimed, Instant ended, boolean cancelled) {
        return Schedule.following(claimed.getSchedule(), claimed.getRunAt(), ended, cancelled,
                claimed.label());
    }
}
