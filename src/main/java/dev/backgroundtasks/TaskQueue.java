package dev.backgroundtasks;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    /**
     * Stores one task per argument set, all for the same method and with the same options, in the
     * caller's JTA transaction (or one of its own), in batched statements: a thousand tasks cost
     * about as many round trips as a handful of single enqueues. Each argument set is checked as
     * {@link #enqueue(String, TaskOptions, Object...)} checks its arguments, all of them before
     * anything is written. The tasks run in the order of the list, all else being equal.
     *
     * @param taskName     the task's registered name
     * @param options      the options of every task; a dedupe key names one task, so it is refused
     *                     with more than one argument set
     * @param argumentSets the arguments of each task, in order (an empty array for a method without parameters)
     * @return the new tasks' ids, in the order of the argument sets; empty, with nothing stored, for no sets
     * @throws IllegalArgumentException when the name is unknown, an argument set is null or does not fit
     *                                  the method's parameters (the message gives its index), or a dedupe
     *                                  key is given for many tasks; nothing is stored
     */
    List<TaskId> enqueueAll(String taskName, TaskOptions options, Collection<? extends Object[]> argumentSets);

    /** Like {@link #enqueueAll(String, TaskOptions, Collection)}, from a stream read to its end before anything is stored. */
    default List<TaskId> enqueueAll(String taskName, TaskOptions options, Stream<? extends Object[]> argumentSets) {
        return enqueueAll(taskName, options, argumentSets.collect(Collectors.toList()));
    }

    /**
     * Like {@link #enqueue(String, TaskOptions, Object...)}, for callers that must not block on the
     * database, such as an asynchronous JAX-RS resource: the call is checked at once (a bad name or
     * argument throws here, before anything is stored), then stored on the server's managed executor
     * in a transaction of its own, not the caller's. The stage completes with the id once that
     * transaction committed, or exceptionally when it failed.
     */
    CompletionStage<TaskId> enqueueAsync(String taskName, TaskOptions options, Object... args);

    /** Looks a task up, pending, running or archived; empty when no task has this id. */
    Optional<TaskInfo> find(TaskId id);

    /**
     * A handle on a task: its state, result and completion.
     *
     * @throws NoSuchTaskException when no task has this id
     */
    TaskHandle handle(TaskId id);

    /**
     * Cancels a task. A waiting task is archived as {@link TaskState#CANCELLED} at once (a repeating
     * one stops repeating; a cron task skips to its next time). A running task is asked to stop: the
     * node running it interrupts its thread and sets {@link TaskContext#isCancellationRequested()},
     * within {@code background-tasks.worker.refresh-interval} on another node (at once on PostgreSQL).
     *
     * @return {@link TaskState#CANCELLED} when the task was waiting, {@link TaskState#RUNNING} when it
     *         was running and has been asked to stop
     * @throws NoSuchTaskException when no task has this id
     * @throws TaskStateException  when the task has already finished
     */
    TaskState cancel(TaskId id);

    /**
     * Puts a task that was archived as failed or cancelled back in the queue, with the same id, its
     * arguments and settings, and a fresh set of attempts, due at once.
     *
     * @throws NoSuchTaskException when no task has this id
     * @throws TaskStateException  when the task is waiting, running, or succeeded
     */
    void retry(TaskId id);

    /**
     * Makes a waiting task due now, whatever its run time (a delayed task, a retry waiting for its
     * backoff, the next run of a repeating task).
     *
     * @throws NoSuchTaskException when no task has this id
     * @throws TaskStateException  when the task is running or finished
     */
    void runNow(TaskId id);

    /**
     * Gives a waiting task another priority (-1000..1000, higher first).
     *
     * @throws NoSuchTaskException      when no task has this id
     * @throws TaskStateException       when the task is running or finished
     * @throws IllegalArgumentException when the priority is out of range
     */
    void reprioritize(TaskId id, int priority);

    /**
     * Deletes a waiting or archived task for good: a waiting task never runs and leaves no archived
     * outcome (a handle waiting for it fails with {@link NoSuchTaskException}); an archived one leaves
     * the history. A cron task's waiting run comes back at the application's next start.
     *
     * @return the state the task was in: {@link TaskState#PENDING} or its archived outcome
     * @throws NoSuchTaskException when no task has this id
     * @throws TaskStateException  when the task is running (cancel it first)
     */
    TaskState delete(TaskId id);

    /**
     * Stops every node from starting tasks of {@code queue} until {@link #resume}; tasks already
     * running finish. Takes effect at once on this node, and on the others within
     * {@code background-tasks.worker.refresh-interval} (at once on PostgreSQL). Pausing a paused
     * queue does nothing.
     */
    void pause(String queue);

    /** Lets every node start tasks of {@code queue} again. Resuming a running queue does nothing. */
    void resume(String queue);

    /** The queues paused now, as the database has them. */
    Set<String> pausedQueues();
}
