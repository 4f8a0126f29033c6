package dev.backgroundtasks.internal.enqueue;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.TaskStateException;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.store.ControlWrites;
import dev.backgroundtasks.internal.store.TaskReads;
import dev.backgroundtasks.internal.store.entity.CompletedTaskEntity;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.task.Schedule;
import dev.backgroundtasks.internal.task.TaskDefinition;
import dev.backgroundtasks.internal.task.TaskRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;

/**
 * Cancel, retry, run now, pause and resume, each in the caller's transaction (or a new one). The
 * rules live here; the statements in {@link ControlWrites}. Errors for an unknown task or a wrong
 * state leave the caller's transaction as it was.
 */
@ApplicationScoped
public class TaskControl {

    @Inject
    ControlWrites writes;

    @Inject
    TaskReads reads;

    @Inject
    TaskRegistry registry;

    @Inject
    Announcements announcements;

    @Inject
    Completions completions;

    @Inject
    @Library
    Clock clock;

    /**
     * A waiting task is archived as cancelled (a cron task's next run is stored at the same time);
     * a claimed one is flagged, and every node re-reads the flags: at once through a notification
     * where the database has them.
     */
    @Transactional(value = Transactional.TxType.REQUIRED, dontRollbackOn = {NoSuchTaskException.class, TaskStateException.class})
    public TaskState cancel(TaskId id) {
        Instant now = clock.instant();
        TaskEntity row = unfinished(id, "it has finished; only waiting or running tasks can be cancelled");
        if (row.getLockedBy() == null) {
            CompletedTaskEntity done = CompletedTaskEntity.of(row);
            done.setOutcome(CompletedTaskEntity.Outcome.CANCELLED);
            done.setError("Cancelled before it ran, at " + now);
            done.setFinishedAt(now);
            Instant next = Schedule.following(row.getSchedule(), row.getRunAt(), now, true, row.label());
            if (writes.cancelWaiting(row, done, next)) {
                if (next != null) {
                    announcements.tasksDue();
                }
                announcements.afterCommit(() -> completions.archived(id.value()));
                return TaskState.CANCELLED;
            }
            // Claimed since it was read: it is running now.
        }
        if (!writes.requestCancel(id.value())) {
            unfinished(id, "it finished before it could be cancelled");
        }
        announcements.cancelRequested(id.value());
        return TaskState.RUNNING;
    }

    /** Puts an archived failed or cancelled task back in the queue under its id, due now, with no attempts used. */
    @Transactional(value = Transactional.TxType.REQUIRED, dontRollbackOn = {NoSuchTaskException.class, TaskStateException.class})
    public void retry(TaskId id) {
        Instant now = clock.instant();
        TaskEntity pending = reads.pending(id);
        if (pending != null) {
            throw new TaskStateException(id, TaskReads.state(pending, now),
                    "it has not finished; only failed or cancelled tasks can be retried");
        }
        CompletedTaskEntity done = reads.archivedRow(id);
        if (done == null) {
            throw new NoSuchTaskException(id);
        }
        if (done.getOutcome() == CompletedTaskEntity.Outcome.SUCCEEDED) {
            throw new TaskStateException(id, TaskState.SUCCEEDED, "it succeeded; enqueue a new task to run it again");
        }
        // The archive does not keep the cap: the task gets the one the deployment declares now.
        Integer maxRunning = registry.byName(done.getTaskName()).map(TaskDefinition::cap).orElse(null);
        writes.retryArchived(id.value(), now, maxRunning);
        announcements.tasksDue();
    }

    /** Makes a waiting task due now. */
    @Transactional(value = Transactional.TxType.REQUIRED, dontRollbackOn = {NoSuchTaskException.class, TaskStateException.class})
    public void runNow(TaskId id) {
        TaskEntity row = unfinished(id, "it has finished; only waiting tasks can be run now");
        if (row.getLockedBy() != null || !writes.runNow(id.value(), clock.instant())) {
            throw new TaskStateException(id, TaskState.RUNNING, "it is already running");
        }
        announcements.tasksDue();
    }

    /** Gives a waiting task another priority. */
    @Transactional(value = Transactional.TxType.REQUIRED, dontRollbackOn = {NoSuchTaskException.class, TaskStateException.class})
    public void reprioritize(TaskId id, int priority) {
        TaskEntity row = unfinished(id, "it has finished; only waiting tasks can change priority");
        if (row.getLockedBy() != null || !writes.reprioritize(id.value(), priority)) {
            throw new TaskStateException(id, TaskState.RUNNING, "it is already running");
        }
        announcements.tasksDue();
    }

    /**
     * Deletes a waiting or archived task for good: it does not run, and no outcome is archived.
     *
     * @return the state it was deleted in
     */
    @Transactional(value = Transactional.TxType.REQUIRED, dontRollbackOn = {NoSuchTaskException.class, TaskStateException.class})
    public TaskState delete(TaskId id) {
        TaskEntity row = reads.pending(id);
        if (row != null) {
            if (row.getLockedBy() != null || !writes.deleteWaiting(id.value())) {
                throw new TaskStateException(id, TaskState.RUNNING, "it is running; cancel it first");
            }
            return TaskState.PENDING;
        }
        CompletedTaskEntity done = reads.archivedRow(id);
        if (done == null || !writes.deleteArchived(id.value())) {
            throw new NoSuchTaskException(id);
        }
        return TaskReads.state(done);
    }

    /** Pauses or resumes a queue for every node. */
    @Transactional(Transactional.TxType.REQUIRED)
    public void setPaused(String queue, boolean paused) {
        writes.setPaused(queue, paused, clock.instant());
        announcements.controlChanged();
    }

    /** The row of a task that has not finished; throws when it has or when there is no such task. */
    private TaskEntity unfinished(TaskId id, String why) {
        TaskEntity row = reads.pending(id);
        if (row != null) {
            return row;
        }
        CompletedTaskEntity done = reads.archivedRow(id);
        if (done == null) {
            throw new NoSuchTaskException(id);
        }
        throw new TaskStateException(id, TaskReads.state(done), why);
    }
}
