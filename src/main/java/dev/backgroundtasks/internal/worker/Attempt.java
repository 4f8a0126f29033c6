package dev.backgroundtasks.internal.worker;

import java.time.Duration;

/** How one attempt at a task ended, before it is stored. */
sealed interface Attempt {

    /** The method returned. */
    record Succeeded(String resultJson, String note) implements Attempt {
    }

    /**
     * The attempt failed.
     *
     * @param error      what to archive or keep as {@code last_error}
     * @param retryable  whether another attempt may follow, attempts permitting
     * @param retryAfter the wait the task asked for, or null for the backoff
     */
    record Failed(String error, boolean retryable, Duration retryAfter) implements Attempt {

        static Failed permanently(String error) {
            return new Failed(error, false, null);
        }
    }

    /** The attempt ended after a cancellation request; no other attempt follows. */
    record Cancelled(String error) implements Attempt {
    }
}
