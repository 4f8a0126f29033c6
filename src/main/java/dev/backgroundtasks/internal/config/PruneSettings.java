package dev.backgroundtasks.internal.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How long archived tasks are kept, by outcome, and how the archive is pruned
 * ({@code background-tasks.archive.*}). A retention of {@code keep} keeps that outcome for ever.
 *
 * @param succeeded how long a succeeded task is kept after it finished; empty: for ever
 * @param failed    the same for a failed task
 * @param cancelled the same for a cancelled task
 * @param interval  how often a node looks for rows to prune
 * @param batchSize the most rows one delete statement removes (its own short transaction)
 */
public record PruneSettings(Optional<Duration> succeeded, Optional<Duration> failed, Optional<Duration> cancelled,
                            Duration interval, int batchSize) {

    public static final Duration SUCCEEDED_DEFAULT = Duration.ofDays(7);
    public static final Duration FAILED_DEFAULT = Duration.ofDays(30);
    public static final Duration CANCELLED_DEFAULT = Duration.ofDays(7);
    public static final Duration INTERVAL_DEFAULT = Duration.ofMinutes(10);
    public static final int BATCH_SIZE_DEFAULT = 1000;

    /** Reads and checks the archive retention properties. */
    public static PruneSettings read(ConfigReader config) {
        return new PruneSettings(
                retention(config, "archive.retention.succeeded", SUCCEEDED_DEFAULT),
                retention(config, "archive.retention.failed", FAILED_DEFAULT),
                retention(config, "archive.retention.cancelled", CANCELLED_DEFAULT),
                config.duration("archive.prune-interval", INTERVAL_DEFAULT, Duration.ofSeconds(1)),
                config.integer("archive.prune-batch-size", BATCH_SIZE_DEFAULT, 1, 100_000));
    }

    /** Whether any outcome is pruned at all. */
    public boolean prunes() {
        return succeeded.isPresent() || failed.isPresent() || cancelled.isPresent();
    }

    private static Optional<Duration> retention(ConfigReader config, String name, Duration defaultValue) {
        Optional<String> text = config.string(name);
        if (text.isPresent() && text.get().toLowerCase(Locale.ROOT).equals("keep")) {
            return Optional.empty();
        }
        // At least a minute: handles on other nodes look for an outcome every refresh interval.
        return Optional.of(config.duration(name, defaultValue, Duration.ofMinutes(1)));
    }
}
