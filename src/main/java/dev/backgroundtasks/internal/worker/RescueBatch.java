package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.OutcomeWrites;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.task.Schedule;
import dev.backgroundtasks.internal.task.TaskRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends one batch of expired claims in one transaction: locks them (skipping rows another node is
 * rescuing), releases each with attempts left for another attempt, and archives each on its last
 * attempt as failed (with a schedule's next run). Called by the {@link Rescuer}; stateless.
 */
@ApplicationScoped
public class RescueBatch {

    @Inject
    OutcomeWrites writes;

    @Inject
    TaskRegistry registry;

    /**
     * What one batch did.
     *
     * @param expired how many expired claims it ended
     * @param failed  those it archived as failed, out of attempts
     */
    public record Result(int expired, List<CompletedTaskEntity> failed) {
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Result rescue(Instant now, int limit) {
        List<TaskEntity> expired = writes.lockExpired(now, limit);
        List<CompletedTaskEntity> failed = new ArrayList<>();
        for (TaskEntity row : expired) {
            String why = reason(row, now);
            if (row.getAttempts() >= row.getMaxAttempts()) {
                OutcomeDecision.followDeclaredSchedule(row, registry.declaredSchedule(row.getTaskName()));
                CompletedTaskEntity done = CompletedTaskEntity.of(row);
                done.setOutcome(CompletedTaskEntity.Outcome.FAILED);
                done.setError(why);
                done.setFinishedAt(now);
                writes.archiveExpired(row, done, Schedule.following(row.getSchedule(), row.getRunAt(), now, false,
                        row.label()));
                failed.add(done);
            } else {
                writes.releaseExpired(row, why);
            }
        }
        return new Result(expired.size(), failed);
    }

    static String reason(TaskEntity row, Instant now) {
        String end = row.getAttempts() >= row.getMaxAttempts()
                ? "no attempts left (a claim is an attempt, whether or not its task had started)"
                : "released for another attempt";
        return "Lease of node " + row.getLockedBy() + " expired at " + row.getLockedUntil() + " during attempt "
                + row.getAttempts() + " of " + row.getMaxAttempts() + " (rescued at " + now + "); " + end;
    }
}
