package dev.backgroundtasks.internal.config;

import dev.backgroundtasks.TaskOptions;

import java.time.Duration;

/**
 * The settings a task gets when neither its annotation nor the call sets them
 * ({@code background-tasks.task.*}), and, per task, the overrides in
 * {@code background-tasks.tasks.<name>.*}.
 *
 * @param queue       the queue
 * @param priority    the priority
 * @param delay       the delay before a new task is due
 * @param timeout     how long one attempt may run
 * @param maxAttempts how many attempts a task may have
 * @param maxRunning  how many runs of the task may run at once across all nodes; 0 for no cap
 */
public record TaskDefaults(String queue, int priority, Duration delay, Duration timeout, int maxAttempts,
                           int maxRunning) {

    public static final String QUEUE_DEFAULT = "default";
    public static final int PRIORITY_DEFAULT = 0;
    public static final Duration DELAY_DEFAULT = Duration.ZERO;
    public static final Duration TIMEOUT_DEFAULT = Duration.ofMinutes(5);
    public static final int MAX_ATTEMPTS_DEFAULT = 3;
    /** The largest concurrency cap; 0 means none. */
    public static final int MAX_RUNNING_LIMIT = 10_000;

    /** Reads and checks {@code background-tasks.task.*}. */
    public static TaskDefaults read(ConfigReader config) {
        return readUnder(config, "task.", new TaskDefaults(
                QUEUE_DEFAULT, PRIORITY_DEFAULT, DELAY_DEFAULT, TIMEOUT_DEFAULT, MAX_ATTEMPTS_DEFAULT, 0));
    }

    /** Applies {@code background-tasks.tasks.<taskName>.*} over these settings. */
    public TaskDefaults overriddenFor(ConfigReader config, String taskName) {
        return readUnder(config, "tasks." + taskName + ".", this);
    }

    private static TaskDefaults readUnder(ConfigReader config, String prefix, TaskDefaults base) {
        String queue = config.string(prefix + "queue", base.queue());
        Limits.checkQueue(ConfigReader.PREFIX + prefix + "queue", queue);
        return new TaskDefaults(
                queue,
                config.integer(prefix + "priority", base.priority(), TaskOptions.MIN_PRIORITY, TaskOptions.MAX_PRIORITY),
                config.duration(prefix + "delay", base.delay(), Duration.ZERO, TaskOptions.MAX_DELAY),
                config.duration(prefix + "timeout", base.timeout(), Duration.ofMillis(1), TaskOptions.MAX_TIMEOUT),
                config.integer(prefix + "max-attempts", base.maxAttempts(), 1, TaskOptions.MAX_ATTEMPTS),
                config.integer(prefix + "max-running", base.maxRunning(), 0, MAX_RUNNING_LIMIT));
    }
}
