package dev.backgroundtasks.internal.config;

import java.time.Duration;

/**
 * How this node learns what other nodes changed ({@code background-tasks.worker.listen},
 * {@code background-tasks.worker.refresh-interval}).
 *
 * @param listen          whether to wake on the database's notifications where it has them (PostgreSQL)
 * @param refreshInterval how often the node re-reads paused queues, cancellation requests and the
 *                        outcome of tasks awaited through handles (at once on PostgreSQL for the first two)
 */
public record ControlSettings(boolean listen, Duration refreshInterval) {

    public static final boolean LISTEN_DEFAULT = true;
    public static final Duration REFRESH_INTERVAL_DEFAULT = Duration.ofSeconds(1);
    public static final Duration REFRESH_INTERVAL_MIN = Duration.ofMillis(10);

    /** Reads and checks the control properties. */
    public static ControlSettings read(ConfigReader config) {
        return new ControlSettings(
                config.bool("worker.listen", LISTEN_DEFAULT),
                config.duration("worker.refresh-interval", REFRESH_INTERVAL_DEFAULT, REFRESH_INTERVAL_MIN));
    }
}
