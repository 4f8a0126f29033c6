package dev.backgroundtasks;

import java.util.Optional;

/**
 * The programmatic face of the queue, injectable anywhere ({@code @Inject TaskQueue tasks}).
 *
 * <p>An enqueue joins the caller's JTA transaction (or runs in one of its own when there is
 * none): when the transaction rolls back, no task exists; when it commits, exactly one does, and
 * the worker on this node is woken at once.
 */
public interface TaskQueue {

    /**
     * Stores a task for the {@link Background} method registered under {@code taskName}.
     *
     * @param taskName the task's registered name
     * @param options  when, where and how it runs; {@link TaskOptions#defaults()} for the task's own settings
     * @param args     the method's arguments, in order
     * @return the new task's id
     * @throws IllegalArgumentException when the name is unknown or an argument does not fit the
     *                                  method's parameters or cannot be stored as JSON; nothing is stored
     */
    TaskId enqueue(String taskName, TaskOptions options, Object... args);

    /** Like {@link #enqueue(String, TaskOptions, Object...)} with the task's own settings. */
    default TaskId enqueue(String taskName, Object... args) {
        return enqueue(taskName, TaskOptions.defaults(), args);
    }

    /** Looks a task up, pending, running or archived; empty when no task has this id. */
    Optional<TaskInfo> find(TaskId id);
}
