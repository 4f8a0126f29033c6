package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.RandomSource;
import dev.backgroundtasks.internal.config.RetrySettings;
import dev.backgroundtasks.internal.store.OutcomeWrites;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.task.TaskRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stores how an attempt ended ({@link OutcomeDecision}), then tells the application
 * ({@link OutcomeEvents}): a one-off success goes to the {@link SuccessBatcher}; the rest is written
 * at once, fenced on the claim. Events fire only after their write committed.
 *
 * <p>Thread: the runner that ran the task, or the claim loop's for a timeout; stateless between calls.
 */
@ApplicationScoped
public class OutcomeRecorder {

    private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class.getName());

    @Inject
    OutcomeWrites writes;

    @Inject
    SuccessBatcher batcher;

    @Inject
    OutcomeEvents events;

    @Inject
    TaskRegistry registry;

    @Inject
    RetrySettings retrySettings;

    @Inject
    @Library
    RandomSource random;

    @Inject
    @Library
    Clock clock;

    private RetryPolicy retryPolicy;

    @PostConstruct
    void init() {
        retryPolicy = new RetryPolicy(retrySettings, random);
    }

    /**
     * Stores the attempt's outcome; never throws (a write that fails leaves the row to its lease).
     *
     * @return when the task runs again, if it was rescheduled; null otherwise
     */
    Instant record(TaskEntity claimed, Instant startedAt, Attempt attempt, boolean cancelRequested) {
        try {
            OutcomeDecision.followDeclaredSchedule(claimed, registry.declaredSchedule(claimed.getTaskName()));
            OutcomeDecision decision = OutcomeDecision.of(claimed, startedAt, attempt, cancelRequested, clock.instant(),
                    retryPolicy);
            if (decision instanceof OutcomeDecision.Batch batch) {
                batcher.add(batch.finished());
                return null;
            }
            if (decision instanceof OutcomeDecision.Retry retry) {
                if (!writes.reschedule(claimed, retry.at(), retry.error())) {
                    events.lost(claimed);
                    return null;
                }
                events.attemptFailed(claimed, retry.error(), retry.at());
                return retry.at();
            }
            archive(claimed, startedAt, (OutcomeDecision.Archive) decision);
            return null;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not store the outcome of task " + claimed.label() + "; it runs again once its lease expires", e);
            return null;
        }
    }

    /** Extends the claim of a task still running past its timeout; false when it was already gone. */
    boolean renew(TaskEntity claimed, Instant until) {
        return writes.renew(claimed, until);
    }

    /** Gives back a claim whose task never started; false when the claim was already gone. */
    boolean release(TaskEntity claimed) {
        return writes.release(claimed);
    }

    private void archive(TaskEntity claimed, Instant startedAt, OutcomeDecision.Archive archive) {
        CompletedTaskEntity done = CompletedTaskEntity.of(claimed);
        done.setOutcome(archive.outcome());
        done.setStartedAt(startedAt);
        done.setFinishedAt(archive.finishedAt());
        done.setResult(archive.result());
        done.setError(archive.error());
        if (!writes.archive(claimed, done, archive.nextRun())) {
            events.lost(claimed);
            return;
        }
        switch (archive.outcome()) {
            case SUCCEEDED -> events.succeeded(claimed, done.getFinishedAt(), archive.result());
            case CANCELLED -> events.cancelled(claimed);
            case FAILED -> {
                events.attemptFailed(claimed, archive.error(), null);
                events.failed(done);
            }
        }
    }
}
