package dev.backgroundtasks.internal.worker;

import java.time.Duration;

/**
 * How long the claim loop waits after failed claims: {@link #FIRST} after one, doubling with each
 * further failure, up to {@link #MAX}. Used by the claim loop's thread only.
 */
final class FailureBackoff {

    /** The first wait after a failed claim. */
    static final Duration FIRST = Duration.ofMillis(500);
    /** The longest wait between claims while the database keeps failing. */
    static final Duration MAX = Duration.ofSeconds(30);

    private int failures;

    /** Counts a failure and says how long to wait before the next claim. */
    Duration failed() {
        int n = Math.min(++failures, 16);
        Duration wait = FIRST.multipliedBy(1L << Math.min(n - 1, 10));
        return wait.compareTo(MAX) > 0 ? MAX : wait;
    }

    /** How many failures in a row; zero after a success. */
    int failures() {
        return failures;
    }

    /** A claim succeeded. */
    void succeeded() {
        failures = 0;
    }
}
