package dev.backgroundtasks.worker;

import dev.backgroundtasks.TaskAttemptFailed;
import dev.backgroundtasks.TaskFailed;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskSucceeded;
import dev.backgroundtasks.config.LibraryClock;
import dev.backgroundtasks.config.RetrySettings;
import dev.backgroundtasks.enqueue.Schedule;
import dev.backgroundtasks.store.CompletedTaskEntity;
import dev.backgroundtasks.store.CompletedTaskEntity.Outcome;
import dev.backgroundtasks.store.Finished;
import dev.backgroundtasks.store.TaskEntity;
import dev.backgroundtasks.store.TaskStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stores how an attempt ended, then tells the application: a success goes to the
 * {@link Completer}'s next batch; a failure is rescheduled with backoff while attempts remain, else
 * archived as failed. Every write is fenced on the claim, and events fire only after their write
 * committed.
 */
@ApplicationScoped
public class Archiver {

    private static final Logger LOG = Logger.getLogger(Archiver.class.getName());

    @Inject
    TaskStore store;

    @Inject
    WorkerStats stats;

    @Inject
    RetrySettings retrySettings;

    @Inject
    @LibraryClock
    Clock clock;

    @Inject
    Completer completer;

    @Inject
    Completions completions;

    @Inject
    Event<TaskAttemptFailed> attemptFailedEvents;

    @Inject
    Event<TaskFailed> failedEvents;

    @Inject
    Event<TaskSucceeded> succeededEvents;

    private RetryPolicy retryPolicy;

    @PostConstruct
    void init() {
        retryPolicy = new RetryPolicy(retrySettings, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Stores the attempt's outcome.
     *
     * @return when the task runs again, if it was rescheduled; null otherwise
     */
    public Instant record(TaskEntity claimed, Instant startedAt, Attempt attempt) {
        try {
            if (attempt instanceof Attempt.Succeeded success) {
                succeed(claimed, startedAt, success);
                return null;
            }
            if (attempt instanceof Attempt.Cancelled cancelled) {
                cancel(claimed, startedAt, cancelled);
                return null;
            }
            return fail(claimed, startedAt, (Attempt.Failed) attempt);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not store the outcome of task " + claimed.getId() + " ("
                    + claimed.getTaskName() + "); it runs again once its lease expires", e);
            return null;
        }
    }

    private void succeed(TaskEntity claimed, Instant startedAt, Attempt.Succeeded success) {
        if (claimed.getSchedule() == null) {
            completer.add(new Finished(claimed, success.resultJson(), success.note(), startedAt, clock.instant()));
            return;
        }
        // A repeating task's next run is stored with its archive, in one transaction: not batched.
        CompletedTaskEntity done = finished(claimed, startedAt, Outcome.SUCCEEDED);
        done.setResult(success.resultJson());
        done.setError(success.note());
        if (archive(claimed, done, Schedule.following(claimed, done.getFinishedAt(), false))) {
            notify(succeededEvents, new TaskSucceeded(new TaskId(claimed.getId()), claimed.getTaskName(),
                    claimed.getAttempts(), done.getFinishedAt(), success.resultJson()));
        }
    }

    private void cancel(TaskEntity claimed, Instant startedAt, Attempt.Cancelled cancelled) {
        CompletedTaskEntity done = finished(claimed, startedAt, Outcome.CANCELLED);
        done.setError("Cancelled while running: " + cancelled.error());
        archive(claimed, done, Schedule.following(claimed, done.getFinishedAt(), true));
    }

    private Instant fail(TaskEntity claimed, Instant startedAt, Attempt.Failed failure) {
        TaskId id = new TaskId(claimed.getId());
        if (failure.retryable() && claimed.getAttempts() < claimed.getMaxAttempts()) {
            Duration wait = failure.retryAfter() != null ? failure.retryAfter() : retryPolicy.delayAfter(claimed.getAttempts());
            Instant next = clock.instant().plus(wait);
            if (!store.reschedule(claimed, next, failure.error())) {
                lost(claimed);
                return null;
            }
            notify(attemptFailedEvents, new TaskAttemptFailed(id, claimed.getTaskName(), claimed.getAttempts(),
                    claimed.getMaxAttempts(), failure.error(), next));
            return next;
        }
        CompletedTaskEntity done = finished(claimed, startedAt, Outcome.FAILED);
        done.setError(failure.error());
        if (archive(claimed, done, Schedule.following(claimed, done.getFinishedAt(), false))) {
            notify(attemptFailedEvents, new TaskAttemptFailed(id, claimed.getTaskName(), claimed.getAttempts(),
                    claimed.getMaxAttempts(), failure.error(), null));
            notifyFailed(done);
        }
        return null;
    }

    /** Tells the application a task was archived as failed; also used by the rescuer. */
    void notifyFailed(CompletedTaskEntity done) {
        completions.archived(done.getId());
        notify(failedEvents, new TaskFailed(new TaskId(done.getId()), done.getTaskName(), done.getAttempts(), done.getError()));
    }

    private CompletedTaskEntity finished(TaskEntity claimed, Instant startedAt, Outcome outcome) {
        CompletedTaskEntity done = CompletedTaskEntity.of(claimed);
        done.setOutcome(outcome);
        done.setStartedAt(startedAt);
        done.setFinishedAt(clock.instant());
        return done;
    }

    private boolean archive(TaskEntity claimed, CompletedTaskEntity done, Instant nextRun) {
        if (store.archive(claimed, done, nextRun)) {
            if (done.getOutcome() != Outcome.FAILED) {
                completions.archived(done.getId());
            }
            return true;
        }
        lost(claimed);
        return false;
    }

    private void lost(TaskEntity claimed) {
        long count = stats.lostClaim();
        LOG.warning(() -> "Task " + claimed.getId() + " (" + claimed.getTaskName() + ") attempt " + claimed.getAttempts()
                + " finished on " + claimed.getLockedBy() + " after its claim was lost (lease expired and the row was "
                + "taken back); its outcome was not stored. Lost claims on this node: " + count);
    }

    /** An observer that throws must not undo what was stored or stop the worker. */
    private static <T> void notify(Event<T> event, T payload) {
        try {
            event.fire(payload);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of " + payload.getClass().getSimpleName() + " threw; ignored", e);
        }
    }
}
