package dev.backgroundtasks.internal.config;

import java.time.Duration;

/**
 * The health probes ({@code background-tasks.health.*}).
 *
 * @param readinessChecksDatabase whether readiness goes DOWN while the database does not answer
 *                                (off for applications whose pods must not all leave the load
 *                                balancer together when the database is down)
 * @param databaseTimeout         how long readiness waits for the database's answer
 * @param databaseCache           how long one answer serves readiness probes
 * @param stuckAfter              how long a turn of the claim loop or a write of the success batcher
 *                                may run before liveness calls it stuck
 * @param path                    where the library serves its own probes, under the context root
 */
public record HealthSettings(boolean readinessChecksDatabase, Duration databaseTimeout, Duration databaseCache,
                             Duration stuckAfter, String path) {

    public static final Duration DATABASE_TIMEOUT_DEFAULT = Duration.ofSeconds(2);
    public static final Duration DATABASE_CACHE_DEFAULT = Duration.ofSeconds(5);
    public static final Duration STUCK_AFTER_DEFAULT = Duration.ofMinutes(2);
    public static final String PATH_DEFAULT = "/background-tasks/health";

    /** Reads and checks the health properties. */
    public static HealthSettings read(ConfigReader config) {
        String path = config.string("health.path", PATH_DEFAULT);
        if (!path.startsWith("/") || path.contains("*") || path.endsWith("/")) {
            throw new IllegalArgumentException("background-tasks.health.path='" + path
                    + "' must start with / and name one path, without * or a trailing /");
        }
        return new HealthSettings(config.bool("health.readiness-checks-database", true),
                config.duration("health.database-timeout", DATABASE_TIMEOUT_DEFAULT, Duration.ofMillis(100)),
                config.duration("health.database-cache", DATABASE_CACHE_DEFAULT, Duration.ZERO),
                config.duration("health.stuck-after", STUCK_AFTER_DEFAULT, Duration.ofSeconds(1)),
                path);
    }
}
