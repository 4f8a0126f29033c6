package dev.backgroundtasks.internal.enqueue;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.internal.task.BackgroundMethod;
import dev.backgroundtasks.internal.task.RunScope;
import dev.backgroundtasks.internal.task.TaskDefinition;
import dev.backgroundtasks.internal.task.TaskRegistry;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.util.Map;

/**
 * Stores a task instead of running a {@link Background} method, unless the caller is the worker
 * running that very task. It runs before {@code @Transactional} and the bean's own interceptors,
 * so on the worker those still apply to the real run.
 */
@Background
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class BackgroundInterceptor {

    private static final Map<Class<?>, Object> PRIMITIVE_DEFAULTS = Map.of(boolean.class, false, byte.class, (byte) 0,
            short.class, (short) 0, char.class, '\0', int.class, 0, long.class, 0L, float.class, 0f, double.class, 0d);

    @Inject
    TaskRegistry registry;

    @Inject
    Enqueuer enqueuer;

    @AroundInvoke
    public Object enqueueOrRun(InvocationContext context) throws Exception {
        if (RunScope.consume(context.getMethod())) {
            return context.proceed();
        }
        TaskDefinition task = registry.byMethod(context.getMethod()).orElseThrow(() -> new IllegalStateException(
                "@Background method " + BackgroundMethod.describe(context.getMethod()) + " is not registered; "
                        + "is its class a CDI bean in a bean archive?"));
        enqueuer.enqueue(task, TaskOptions.defaults(), context.getParameters());
        // The caller gets no result: the body has not run. Primitives need a value to unbox.
        return PRIMITIVE_DEFAULTS.get(context.getMethod().getReturnType());
    }
}
