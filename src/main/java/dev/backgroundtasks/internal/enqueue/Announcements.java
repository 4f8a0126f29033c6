package dev.backgroundtasks.internal.enqueue;

import dev.backgroundtasks.internal.store.CommitHooks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/**
 * How the call side tells this node's worker what its transactions changed: CDI events fired after
 * the commit ({@link TasksCommitted}, {@link ControlChanged}, {@link CancelRequested}). Other nodes
 * learn it from the database. Called inside the caller's transaction.
 */
@ApplicationScoped
public class Announcements {

    @Inject
    CommitHooks hooks;

    @Inject
    Event<TasksCommitted> committed;

    @Inject
    Event<ControlChanged> controlChanged;

    @Inject
    Event<CancelRequested> cancelRequested;

    /** Fires {@link TasksCommitted} once per transaction; the same instance every time, as the key. */
    private final Runnable tasksCommitted = () -> committed.fire(TasksCommitted.INSTANCE);

    /** What to run after a transaction that stores tasks commits, once per transaction. */
    Runnable tasksCommitted() {
        return tasksCommitted;
    }

    /** Tasks became due in this transaction: every node hears of it at commit. */
    void tasksDue() {
        hooks.announceTasks(tasksCommitted);
    }

    /** Queues were paused or resumed in this transaction. */
    void controlChanged() {
        hooks.afterCommit(() -> controlChanged.fire(ControlChanged.INSTANCE));
    }

    /** A running task was asked to stop in this transaction. */
    void cancelRequested(long taskId) {
        hooks.afterCommit(() -> cancelRequested.fire(new CancelRequested(taskId)));
    }

    /** Runs {@code action} after the caller's transaction commits, or now when the caller had none. */
    void afterCommitOrNow(Runnable action) {
        hooks.afterCommitOrNow(action);
    }

    /** Runs {@code action} after this transaction commits. */
    void afterCommit(Runnable action) {
        hooks.afterCommit(action);
    }
}
