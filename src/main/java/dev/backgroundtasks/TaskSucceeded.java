package dev.backgroundtasks;

import java.time.Instant;

/**
 * A CDI event fired on the node that ran a task, after its success was archived.
 * Observe it with {@code void on(@Observes TaskSucceeded event)}.
 *
 * @param id         the task
 * @param name       its task name
 * @param attempts   how many attempts it took
 * @param finishedAt when it finished
 * @param resultJson its return value as JSON, or null
 */
public record TaskSucceeded(TaskId id, String name, int attempts, Instant finishedAt, String resultJson) {
}
