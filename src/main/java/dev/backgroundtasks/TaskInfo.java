package dev.backgroundtasks;

import java.time.Instant;
import java.util.Optional;

/**
 * What is known about one task at the moment it was looked up.
 *
 * @param id          the task's id
 * @param name        the registered task name
 * @param queue       the queue it was put on
 * @param state       where it is in its life
 * @param priority    its priority
 * @param attempts    how many attempts have started
 * @param maxAttempts how many attempts it may have
 * @param createdAt   when it was enqueued
 * @param runAt       when it is or was due
 * @param startedAt   when its last attempt started, if it has finished
 * @param finishedAt  when it finished, if it has
 * @param resultJson  the method's return value as JSON, if it succeeded and returned one
 * @param error       the failure: exception class, message and stack trace, if it failed
 */
public record TaskInfo(
        TaskId id,
        String name,
        String queue,
        TaskState state,
        int priority,
        int attempts,
        int maxAttempts,
        Instant createdAt,
        Instant runAt,
        Instant startedAt,
        Instant finishedAt,
        String resultJson,
        String error,
        TaskProgress progress) {

    /** The same without progress, as before {@code progress} was reported. */
    public TaskInfo(TaskId id, String name, String queue, TaskState state, int priority, int attempts, int maxAttempts,
                    Instant createdAt, Instant runAt, Instant startedAt, Instant finishedAt, String resultJson, String error) {
        this(id, name, queue, state, priority, attempts, maxAttempts, createdAt, runAt, startedAt, finishedAt, resultJson,
                error, null);
    }

    /** The return value as JSON, when the task succeeded with one. */
    public Optional<String> result() {
        return Optional.ofNullable(resultJson);
    }

    /** The failure, when the task failed. */
    public Optional<String> failure() {
        return Optional.ofNullable(error);
    }
}
