package dev.backgroundtasks.internal.config;

import dev.backgroundtasks.TaskOptions;

import java.time.Duration;
import java.util.Locale;

/**
 * How long a failed task waits before its next attempt ({@code background-tasks.retry.*}).
 *
 * @param backoff      exponential (each wait {@code multiplier} times the last) or fixed
 * @param initialDelay the wait after the first failed attempt
 * @param maxDelay     the longest wait, however many attempts failed
 * @param multiplier   the growth factor of exponential backoff
 * @param jitter       each wait varies randomly by up to this fraction, so retries of many tasks spread out
 */
public record RetrySettings(Backoff backoff, Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {

    /** The shape of the waits between attempts. */
    public enum Backoff { EXPONENTIAL, FIXED }

    public static final Backoff BACKOFF_DEFAULT = Backoff.EXPONENTIAL;
    public static final Duration INITIAL_DELAY_DEFAULT = Duration.ofSeconds(5);
    public static final Duration MAX_DELAY_DEFAULT = Duration.ofHours(1);
    public static final double MULTIPLIER_DEFAULT = 2.0;
    public static final double JITTER_DEFAULT = 0.2;

    /** Reads and checks {@code background-tasks.retry.*}. */
    public static RetrySettings read(ConfigReader config) {
        String kind = config.string("retry.backoff", BACKOFF_DEFAULT.name());
        Backoff backoff = switch (kind.toLowerCase(Locale.ROOT)) {
            case "exponential" -> Backoff.EXPONENTIAL;
            case "fixed" -> Backoff.FIXED;
            default -> throw new IllegalArgumentException(
                    ConfigReader.PREFIX + "retry.backoff=" + kind + ": must be exponential or fixed");
        };
        Duration initial = config.duration("retry.initial-delay", INITIAL_DELAY_DEFAULT, Duration.ZERO, TaskOptions.MAX_DELAY);
        Duration max = config.duration("retry.max-delay", MAX_DELAY_DEFAULT, Duration.ZERO, TaskOptions.MAX_DELAY);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(ConfigReader.PREFIX + "retry.max-delay=" + max
                    + ": must not be shorter than background-tasks.retry.initial-delay=" + initial);
        }
        return new RetrySettings(backoff, initial, max,
                config.decimal("retry.multiplier", MULTIPLIER_DEFAULT, 1.0, 100.0),
                config.decimal("retry.jitter", JITTER_DEFAULT, 0.0, 1.0));
    }
}
