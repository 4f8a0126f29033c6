package dev.backgroundtasks.internal.config;

import java.time.Duration;

/**
 * How succeeded tasks are archived together ({@code background-tasks.worker.archive-batch-size},
 * {@code background-tasks.worker.archive-delay}).
 *
 * @param batchSize the most succeeded tasks archived in one statement; a full batch waiting also
 *                  holds back the next claim
 * @param delay     how long a succeeded task may wait for others to share its archive statement
 */
public record ArchiveSettings(int batchSize, Duration delay) {

    public static final int BATCH_SIZE_DEFAULT = 256;
    public static final Duration DELAY_DEFAULT = Duration.ofMillis(2);

    /** Reads and checks the archive properties. */
    public static ArchiveSettings read(ConfigReader config) {
        return new ArchiveSettings(
                config.integer("worker.archive-batch-size", BATCH_SIZE_DEFAULT, 1, 10_000),
                config.duration("worker.archive-delay", DELAY_DEFAULT, Duration.ZERO));
    }
}
