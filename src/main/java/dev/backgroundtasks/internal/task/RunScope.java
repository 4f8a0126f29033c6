package dev.backgroundtasks.internal.task;

import dev.backgroundtasks.TaskContext;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;

/**
 * What the thread running a task knows, for the two places that ask: the interceptor, which lets
 * exactly one call run for real (the worker's, with a one-time permit for that task's method), and
 * {@link CurrentTask}, which answers the task's questions about itself with the worker's {@link TaskContext} of the run. Any other {@code @Background}
 * call made from inside the task (or a second call to the same method) enqueues as usual.
 *
 * <p>Thread: state is per thread (thread locals), set and cleared by the runner thread around one run.
 */
public final class RunScope {

    private static final ThreadLocal<TaskDefinition> PERMIT = new ThreadLocal<>();
    private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

    private RunScope() {
    }

    /**
     * Runs {@code call} as {@code run}: the first invocation of {@code task}'s method on this thread
     * runs for real, and {@link #current()} answers with {@code run} until the call returns.
     */
    public static <T> T run(TaskContext run, TaskDefinition task, Callable<T> call) throws Exception {
        CURRENT.set(run);
        PERMIT.set(task);
        try {
            return call.call();
        } finally {
            PERMIT.remove();
            CURRENT.remove();
        }
    }

    /** Whether this invocation is the worker's: true once per permit. */
    public static boolean consume(Method invoked) {
        TaskDefinition task = PERMIT.get();
        if (task != null && task.isMethod(invoked)) {
            PERMIT.remove();
            return true;
        }
        return false;
    }

    /** The run on this thread, or null outside one. */
    static TaskContext current() {
        return CURRENT.get();
    }
}
