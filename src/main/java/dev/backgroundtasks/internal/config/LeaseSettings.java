package dev.backgroundtasks.internal.config;

import java.time.Duration;

/**
 * How long a claim holds and how often expired claims are taken back
 * ({@code background-tasks.worker.lease-grace}, {@code background-tasks.worker.rescue-interval}).
 *
 * @param leaseGrace     how long past a task's timeout its claim stays valid
 * @param rescueInterval how often the worker looks for claims whose lease has expired
 */
public record LeaseSettings(Duration leaseGrace, Duration rescueInterval) {

    public static final Duration LEASE_GRACE_DEFAULT = Duration.ofMinutes(1);
    public static final Duration RESCUE_INTERVAL_DEFAULT = Duration.ofSeconds(30);
    public static final Duration RESCUE_INTERVAL_MIN = Duration.ofMillis(100);
    /** The longest grace: a lease (timeout plus grace) must stay a number the claim's arithmetic holds. */
    public static final Duration LEASE_GRACE_MAX = Duration.ofDays(1);

    /** Reads and checks the lease properties. */
    public static LeaseSettings read(ConfigReader config) {
        return new LeaseSettings(
                config.duration("worker.lease-grace", LEASE_GRACE_DEFAULT, Duration.ZERO, LEASE_GRACE_MAX),
                config.duration("worker.rescue-interval", RESCUE_INTERVAL_DEFAULT, RESCUE_INTERVAL_MIN));
    }
}
