package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.RandomSource;
import dev.backgroundtasks.internal.config.RetrySettings;

import java.time.Duration;

/** Computes the wait before a task's next attempt from the configured backoff. Immutable; safe from any thread. */
public final class RetryPolicy {

    private final RetrySettings settings;
    private final RandomSource random;

    /**
     * @param random uniform numbers in [0, 1) for jitter; injectable so tests can pin them
     */
    public RetryPolicy(RetrySettings settings, RandomSource random) {
        this.settings = settings;
        this.random = random;
    }

    /**
     * The wait after attempt {@code failedAttempt} (from 1) failed: the initial delay, multiplied for
     * each earlier failure when exponential, capped, then varied by the jitter and capped again.
     */
    public Duration delayAfter(int failedAttempt) {
        double base = settings.initialDelay().toMillis();
        if (settings.backoff() == RetrySettings.Backoff.EXPONENTIAL) {
            base *= Math.pow(settings.multiplier(), Math.max(0, failedAttempt - 1));
        }
        double max = settings.maxDelay().toMillis();
        double capped = Math.min(base, max);
        double jittered = capped * (1 + settings.jitter() * (2 * random.nextDouble() - 1));
        return Duration.ofMillis(Math.round(Math.min(jittered, max)));
    }
}
