package dev.backgroundtasks.enqueue;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;

/**
 * How the interceptor tells a worker's call from an application's: the worker runs a task's method
 * with a one-time permit for exactly that task on its own thread. The first matching call consumes
 * it and runs the body; any other {@code @Background} call made from inside the task (or a second
 * call to the same method) enqueues as usual.
 */
public final class WorkerInvocation {

    private static final ThreadLocal<TaskDefinition> PERMIT = new ThreadLocal<>();

    private WorkerInvocation() {
    }

    /** Runs {@code call}, letting the first invocation of {@code task}'s method on this thread run for real. */
    public static <T> T run(TaskDefinition task, Callable<T> call) throws Exception {
        PERMIT.set(task);
        try {
            return call.call();
        } finally {
            PERMIT.remove();
        }
    }

    /** Whether this invocation is the worker's: true once per permit. */
    static boolean consume(Method invoked) {
        TaskDefinition task = PERMIT.get();
        if (task != null && task.isMethod(invoked)) {
            PERMIT.remove();
            return true;
        }
        return false;
    }
}
