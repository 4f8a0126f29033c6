package dev.backgroundtasks;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A stored task seen from the application: its state now, its result, and a stage that completes
 * when it is archived. Get one from {@link TaskQueue#handle(TaskId)}; it holds no resources.
 */
public interface TaskHandle {

    /** The task's id. */
    TaskId id();

    /**
     * The task as it is now.
     *
     * @throws NoSuchTaskException when the task no longer exists anywhere
     */
    TaskInfo info();

    /**
     * Completes with the archived task (succeeded, failed or cancelled) once it is archived: at once
     * when it already is, promptly when it runs on this node, and within
     * {@code background-tasks.worker.refresh-interval} when it runs on another. Dependent stages run
     * on the server's managed executor, so an asynchronous JAX-RS resource can return it directly.
     * A stage that is no longer wanted (a request that timed out) should be cancelled: the library
     * then stops keeping it.
     */
    CompletionStage<TaskInfo> completion();

    /**
     * The return value, read from its JSON as {@code type}, when the task succeeded with one.
     *
     * @throws IllegalArgumentException when the stored JSON does not fit {@code type}
     */
    <T> Optional<T> result(Class<T> type);
}
