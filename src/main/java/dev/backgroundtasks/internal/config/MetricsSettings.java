package dev.backgroundtasks.internal.config;

import java.time.Duration;

/**
 * The metrics endpoint ({@code background-tasks.metrics.*}).
 *
 * @param enabled    whether the library serves it
 * @param path       where, under the application's context root
 * @param depthCache how long one read of the queue depths serves scrapes (one query over the pending table)
 */
public record MetricsSettings(boolean enabled, String path, Duration depthCache) {

    public static final String PATH_DEFAULT = "/background-tasks/metrics";
    public static final Duration DEPTH_CACHE_DEFAULT = Duration.ofSeconds(10);

    /** Reads and checks the metrics properties. */
    public static MetricsSettings read(ConfigReader config) {
        String path = config.string("metrics.path", PATH_DEFAULT);
        if (!path.startsWith("/") || path.contains("*") || path.endsWith("/")) {
            throw new IllegalArgumentException("background-tasks.metrics.path='" + path
                    + "' must start with / and name one path, without * or a trailing /");
        }
        return new MetricsSettings(config.bool("metrics.enabled", true), path,
                config.duration("metrics.depth-cache", DEPTH_CACHE_DEFAULT, Duration.ZERO));
    }
}
