package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.NonRetryableException;
import dev.backgroundtasks.RetryTask;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.task.ArgumentCodec;
import dev.backgroundtasks.internal.task.RunScope;
import dev.backgroundtasks.internal.task.TaskDefinition;
import dev.backgroundtasks.internal.task.TaskRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes one attempt at a claimed task: decodes its arguments and calls its method through the
 * bean's CDI proxy, so the bean's own interceptors apply. Anything wrong with the row itself is a
 * failure of that task alone: arguments that do not decode are retried (another node's version may
 * read them), an unknown name (which the claim never takes) or a bean that cannot be resolved fails it.
 *
 * <p>Thread: a runner's, one task at a time per runner; the cache of bean references is concurrent.
 */
@ApplicationScoped
public class TaskInvoker {

    /** Keeps an archived stack trace readable and the row bounded. */
    static final int MAX_ERROR_LENGTH = 32_000;

    @Inject
    TaskRegistry registry;

    @Inject
    ArgumentCodec codec;

    @Inject
    BeanManager beans;

    private final Map<String, Target> proxies = new ConcurrentHashMap<>();

    /** Runs the task once, on the calling thread, and says how it went; never throws. */
    Attempt invoke(Execution execution) {
        try {
            return attempt(execution);
        } catch (Throwable unexpected) {
            return Attempt.Failed.permanently("The worker could not run the task: " + stackTrace(unexpected));
        }
    }

    private Attempt attempt(Execution execution) {
        TaskEntity claimed = execution.task;
        TaskDefinition task = registry.byName(claimed.getTaskName()).orElse(null);
        if (task == null) {
            return Attempt.Failed.permanently("Unknown task '" + claimed.getTaskName()
                    + "': no @Background method has this name in this deployment");
        }
        Object[] args;
        try {
            args = codec.decode(claimed.getParams(), task.method());
        } catch (IllegalArgumentException e) {
            // Retried: on a cluster in a rolling deploy, another node's version may read them.
            return new Attempt.Failed("Cannot decode the arguments of task '" + task.name() + "': " + e.getMessage(), true, null);
        }
        Bean<?> bean = task.bean();
        boolean shared = beans.isNormalScope(bean.getScope());
        CreationalContext<?> context = shared ? null : beans.createCreationalContext(bean);
        Target target;
        try {
            target = shared ? proxies.computeIfAbsent(task.name(), name -> resolve(task, null)) : resolve(task, context);
        } catch (RuntimeException e) {
            release(context);
            return Attempt.Failed.permanently("Cannot resolve the bean of task '" + task.name() + "': " + stackTrace(e));
        }
        try {
            Object result = RunScope.run(execution, task, () -> target.method().invoke(target.reference(), args));
            return succeeded(task, result);
        } catch (InvocationTargetException e) {
            execution.span.failed(e.getCause());
            return failed(task, e.getCause());
        } catch (Exception e) {
            execution.span.failed(e);
            return failed(task, e);
        } finally {
            release(context);
        }
    }

    /** A bean reference and the method to call on it. */
    private record Target(Object reference, Method method) {
    }

    /**
     * The reference to call the task on. A normal-scoped bean's reference is a client proxy that
     * finds the current instance on each call, so it is resolved once per task and kept; a dependent
     * bean gets a new instance per run, destroyed with {@code context}.
     */
    private Target resolve(TaskDefinition task, CreationalContext<?> context) {
        Bean<?> bean = task.bean();
        CreationalContext<?> creational = context != null ? context : beans.createCreationalContext(bean);
        Object reference = beans.getReference(bean, referenceType(bean, task.method()), creational);
        try {
            return new Target(reference, callable(reference, task.method()));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void release(CreationalContext<?> context) {
        if (context != null) {
            context.release();
        }
    }

    private Attempt succeeded(TaskDefinition task, Object result) {
        try {
            return new Attempt.Succeeded(codec.encodeResult(result, task.method().getGenericReturnType()), null);
        } catch (RuntimeException e) {
            // The work is done; running it again to get a storable result would repeat its effects.
            return new Attempt.Succeeded(null, "The result could not be stored as JSON: " + e);
        }
    }

    private static Attempt failed(TaskDefinition task, Throwable error) {
        String trace = stackTrace(error);
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryTask retry) {
                return new Attempt.Failed(trace, true, retry.delay().orElse(null));
            }
            if (t instanceof NonRetryableException || isListed(task, t)) {
                return Attempt.Failed.permanently(trace);
            }
        }
        return new Attempt.Failed(trace, true, null);
    }

    private static boolean isListed(TaskDefinition task, Throwable t) {
        return task.noRetryFor().stream().anyMatch(type -> type.isInstance(t));
    }

    /** The bean type to ask the container for: the declaring class when the bean exposes it. */
    private static Type referenceType(Bean<?> bean, Method method) {
        Class<?> declaring = method.getDeclaringClass();
        if (bean.getTypes().contains(declaring)) {
            return declaring;
        }
        return bean.getTypes().stream()
                .filter(t -> t instanceof Class<?> c && c != Object.class && c.isAssignableFrom(bean.getBeanClass()))
                .findFirst()
                .orElse(Object.class);
    }

    /** The method as the reference exposes it: the proxy's public override, so interceptors run. */
    private static Method callable(Object reference, Method method) throws NoSuchMethodException {
        if (Modifier.isPublic(method.getModifiers())) {
            return reference.getClass().getMethod(method.getName(), method.getParameterTypes());
        }
        method.setAccessible(true);
        return method;
    }

    static String stackTrace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return bounded(text.toString());
    }

    static String bounded(String error) {
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH) + "\n…";
    }
}
