package dev.backgroundtasks;

import java.time.Instant;

/**
 * How far a running task said it got ({@link TaskContext#progress}), as last stored.
 *
 * @param fraction   from 0 to 1
 * @param message    a short note, or null
 * @param storedAt   when it was stored (at most a refresh interval after the task reported it)
 */
public record TaskProgress(double fraction, String message, Instant storedAt) {

    /** The longest message stored; longer ones are cut. */
    public static final int MAX_MESSAGE = 200;
}
