package dev.backgroundtasks;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a CDI bean as a background task: calling it stores a task row in the caller's
 * transaction instead of running the body, and a worker runs the body later.
 *
 * <p>Every setting here is a default for the task; options given at the call
 * ({@link TaskQueue#enqueue(String, TaskOptions, Object...)}) win, and MicroProfile Config
 * ({@code background-tasks.task.*}, or {@code background-tasks.tasks.<name>.*} for one task)
 * supplies whatever is left unset. Calls from inside the same bean ({@code this.method()}) do not
 * pass through the container and therefore run at once, like any other interceptor binding.
 */
@Documented
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
// TYPE is required of an interceptor binding so that the interceptor class can carry it; the
// deployment refuses it on any other class.
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Background {

    /** The task's name, unique in the application; defaults to {@code SimpleClassName.methodName}. */
    @Nonbinding String name() default "";

    /** The queue the task goes to; unset means {@code background-tasks.task.queue}. */
    @Nonbinding String queue() default "";

    /**
     * Higher runs first, from {@link TaskOptions#MIN_PRIORITY} to {@link TaskOptions#MAX_PRIORITY};
     * unset (the default, {@code Integer.MIN_VALUE}) means {@code background-tasks.task.priority}.
     */
    @Nonbinding int priority() default Integer.MIN_VALUE;

    /** How long after the commit the task becomes due, as ISO-8601 ({@code PT30S}); unset means none. */
    @Nonbinding String delay() default "";

    /** How long one attempt may run, as ISO-8601 ({@code PT5M}); unset means the configured default. */
    @Nonbinding String timeout() default "";

    /** How many times the task may be attempted; 0 means the configured default. */
    @Nonbinding int maxAttempts() default 0;

    /**
     * Exceptions that fail the task at once, without another attempt (as does
     * {@link NonRetryableException}); matched against the thrown exception and its causes.
     */
    @Nonbinding Class<? extends Throwable>[] noRetryFor() default {};

    /**
     * How many runs of this task may run at once across all nodes; 1 means runs never overlap.
     * 0 (the default) means no cap. Overridden by {@code background-tasks.tasks.<name>.max-running}.
     */
    @Nonbinding int maxRunning() default 0;

    /**
     * Runs the task on this schedule, with no arguments: five fields (minute hour day-of-month month
     * day-of-week, as in Unix cron) or six with seconds first (as in Spring). Exactly one run is
     * waiting per schedule across all nodes; runs missed while no node was up run once, not one per
     * missed time. Unset means the task runs only when called.
     */
    @Nonbinding String cron() default "";

    /** The time zone {@link #cron()} is read in, such as {@code Europe/Paris}; unset means UTC. */
    @Nonbinding String zone() default "";
}
