package dev.backgroundtasks.internal.task;

import dev.backgroundtasks.internal.config.TaskDefaults;
import jakarta.enterprise.inject.spi.Bean;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

/**
 * A registered task: its method and bean, and its settings with annotation and configuration
 * already applied. What a call's options do not set comes from {@link #settings()}.
 *
 * @param name     the task name
 * @param method   the method to run
 * @param bean     the CDI bean to run it on, through the bean's proxy
 * @param settings queue, priority, delay, timeout and max attempts for this task
 * @param noRetryFor exceptions that end the task without another attempt
 * @param cron     the schedule the task runs on by itself, or null when it runs only when called
 */
public record TaskDefinition(String name, Method method, Bean<?> bean, TaskDefaults settings,
                             List<Class<? extends Throwable>> noRetryFor, Schedule.Cron cron) {

    /** The task's concurrency cap, or null when it has none (the value the {@code max_running} column holds). */
    public Integer cap() {
        return settings.maxRunning() > 0 ? settings.maxRunning() : null;
    }

    /** Whether {@code invoked} is this task's method, as an interceptor sees it. */
    boolean isMethod(Method invoked) {
        return invoked.getName().equals(method.getName())
                && Arrays.equals(invoked.getParameterTypes(), method.getParameterTypes());
    }

    public String describe() {
        return BackgroundMethod.describe(method);
    }
}
