package dev.backgroundtasks.worker;

import dev.backgroundtasks.config.LibraryClock;
import dev.backgroundtasks.enqueue.ArgumentCodec;
import dev.backgroundtasks.enqueue.TaskDefinition;
import dev.backgroundtasks.enqueue.TaskRegistry;
import dev.backgroundtasks.enqueue.WorkerInvocation;
import dev.backgroundtasks.store.CompletedTaskEntity;
import dev.backgroundtasks.store.CompletedTaskEntity.Outcome;
import dev.backgroundtasks.store.TaskEntity;
import dev.backgroundtasks.store.TaskStore;
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
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one claimed task: decodes its arguments, calls its method through the bean's CDI proxy (so
 * the bean's own interceptors apply), and archives the outcome. Anything wrong with the row itself
 * fails that task alone, with the reason archived.
 */
@ApplicationScoped
public class TaskRunner {

    private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());
    /** Keeps an archived stack trace readable and the row bounded. */
    static final int MAX_ERROR_LENGTH = 32_000;

    @Inject
    TaskRegistry registry;

    @Inject
    ArgumentCodec codec;

    @Inject
    TaskStore store;

    @Inject
    BeanManager beans;

    @Inject
    @LibraryClock
    Clock clock;

    /** Runs the task and archives it; never throws. */
    public void run(TaskEntity claimed) {
        CompletedTaskEntity done = CompletedTaskEntity.of(claimed);
        done.setStartedAt(clock.instant());
        try {
            execute(claimed, done);
        } catch (Throwable unexpected) {
            fail(done, "The worker could not run the task: " + stackTrace(unexpected));
        }
        done.setFinishedAt(clock.instant());
        try {
            if (!store.archive(claimed, done)) {
                LOG.warning(() -> "Task " + claimed.getId() + " (" + claimed.getTaskName() + ") finished on "
                        + claimed.getLockedBy() + " after its claim was lost; its outcome was not recorded");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not archive task " + claimed.getId() + " (" + claimed.getTaskName()
                    + "); it will run again once its lease expires", e);
        }
    }

    private void execute(TaskEntity claimed, CompletedTaskEntity done) {
        TaskDefinition task = registry.byName(claimed.getTaskName()).orElse(null);
        if (task == null) {
            fail(done, "Unknown task '" + claimed.getTaskName() + "': no @Background method has this name in this deployment");
            return;
        }
        Object[] args;
        try {
            args = codec.decode(claimed.getParams(), task.method());
        } catch (IllegalArgumentException e) {
            fail(done, "Cannot decode the arguments of task '" + task.name() + "': " + e.getMessage());
            return;
        }
        Bean<?> bean = task.bean();
        CreationalContext<?> context = beans.createCreationalContext(bean);
        try {
            Object reference = beans.getReference(bean, referenceType(bean, task.method()), context);
            Method target = callable(reference, task.method());
            Object result = WorkerInvocation.run(task, () -> target.invoke(reference, args));
            done.setOutcome(Outcome.SUCCEEDED);
            storeResult(done, task, result);
        } catch (InvocationTargetException e) {
            fail(done, stackTrace(e.getCause()));
        } catch (Exception e) {
            fail(done, stackTrace(e));
        } finally {
            context.release();
        }
    }

    private void storeResult(CompletedTaskEntity done, TaskDefinition task, Object result) {
        try {
            done.setResult(codec.encodeResult(result, task.method().getGenericReturnType()));
        } catch (RuntimeException e) {
            // The work is done; running it again to get a storable result would repeat its effects.
            done.setError("The result could not be stored as JSON: " + e);
        }
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

    private static void fail(CompletedTaskEntity done, String error) {
        done.setOutcome(Outcome.FAILED);
        done.setError(error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH) + "\n…");
    }

    static String stackTrace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
