package dev.backgroundtasks;

/**
 * A CDI event fired once per task that was archived as failed: out of attempts, failed with a
 * non-retryable exception, or unrunnable (its name or arguments no longer fit the application).
 * It is the place to alert someone.
 *
 * @param id       the task
 * @param name     its task name
 * @param attempts how many attempts it had
 * @param error    the last failure
 */
public record TaskFailed(TaskId id, String name, int attempts, String error) {
}
