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
    /**
     * The shortest grace. It covers what lies between a claim's lease and the attempt's own timeout:
     * the wait for a runner, the timeout check's period, storing the outcome, and the error of the
     * clock reading; with less, a lease could end before the attempt's timeout fires and another node
     * start the task while it still runs.
     */
    public static final Duration LEASE_GRACE_MIN = Duration.ofSeconds(1);
    /** The longest grace: a lease (timeout plus grace) must stay a number the claim's arithmetic holds. */
    public static final Duration LEASE_GRACE_MAX = Duration.ofDays(1);

    /** Reads and checks the lease properties. */
    public static LeaseSettings read(ConfigReader config) {
        return new LeaseSettings(
                config.duration("worker.lease-grace", LEASE_GRACE_DEFAULT, LEASE_GRACE_MIN, LEASE_GRACE_MAX),
                config.duration("worker.rescue-interval", RESCUE_INTERVAL_DEFAULT, RESCUE_INTERVAL_MIN));
    }
}
