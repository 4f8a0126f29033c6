package dev.backgroundtasks;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by a task to ask for another attempt, optionally after a given delay instead of the
 * configured backoff. The attempt still counts: a task out of attempts is archived as failed.
 *
 * <pre>{@code
 * if (!partner.isUp()) throw new RetryTask("partner down", Duration.ofMinutes(2));
 * }</pre>
 */
public class RetryTask extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Duration delay;

    /** Retry after the configured backoff. */
    public RetryTask(String message) {
        this(message, null);
    }

    /** Retry after {@code delay}, at most {@link TaskOptions#MAX_DELAY}; null means the configured backoff. */
    public RetryTask(String message, Duration delay) {
        super(message);
        if (delay != null && (delay.isNegative() || delay.compareTo(TaskOptions.MAX_DELAY) > 0)) {
            throw new IllegalArgumentException("RetryTask delay must be within PT0S.." + TaskOptions.MAX_DELAY + ", got " + delay);
        }
        this.delay = delay;
    }

    /** The delay the task asked for, if any. */
    public Optional<Duration> delay() {
        return Optional.ofNullable(delay);
    }
}
