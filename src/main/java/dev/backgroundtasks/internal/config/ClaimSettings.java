package dev.backgroundtasks.internal.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What this node claims, how much at once and how often it looks ({@code background-tasks.worker.*}).
 *
 * @param concurrency  how many tasks run at once on this node when it serves every queue
 * @param queues       the queues this node serves, each with its own number of slots, in order; empty
 *                     for every queue, sharing {@code concurrency} slots
 * @param pollInterval how often the worker looks for due tasks when nothing woke it
 * @param batchSize    the most rows one claim statement takes (never more than the free slots)
 * @param ascending    whether lower priorities run first (higher first by default)
 * @param claimAhead   how many tasks beyond its free slots a node may claim, so that a freed slot
 *                     finds its next task already claimed and claims carry more rows; only while
 *                     tasks hold their slots briefly (see {@code ClaimSizing.ahead}); 0 for none
 */
public record ClaimSettings(int concurrency, Map<String, Integer> queues, Duration pollInterval, int batchSize,
                            boolean ascending, int claimAhead) {

    public static final int CONCURRENCY_DEFAULT = 4;
    public static final Duration POLL_INTERVAL_DEFAULT = Duration.ofSeconds(1);
    public static final Duration POLL_INTERVAL_MIN = Duration.ofMillis(10);
    public static final int BATCH_SIZE_DEFAULT = 32;
    /**
     * None: a task claimed ahead is committed to this node while it waits, so a task of a higher
     * priority enqueued meanwhile runs after it, and the rows a node holds outnumber its slots.
     * Worth it for many short tasks, where claims of a few rows each keep the claim loop busy.
     */
    public static final int CLAIM_AHEAD_DEFAULT = 0;
    /** The most slots a node or one of its queues may have. */
    public static final int MAX_SLOTS = 1000;

    public ClaimSettings {
        queues = Collections.unmodifiableMap(new LinkedHashMap<>(queues));
    }

    /** Reads and checks the claim's properties. */
    public static ClaimSettings read(ConfigReader config) {
        int concurrency = config.integer("worker.concurrency", CONCURRENCY_DEFAULT, 1, MAX_SLOTS);
        return new ClaimSettings(
                concurrency,
                queues(config, concurrency),
                config.duration("worker.poll-interval", POLL_INTERVAL_DEFAULT, POLL_INTERVAL_MIN),
                config.integer("worker.batch-size", BATCH_SIZE_DEFAULT, 1, 10_000),
                ascending(config),
                config.integer("worker.claim-ahead", CLAIM_AHEAD_DEFAULT, 0, MAX_SLOTS));
    }

    /** Whether this node serves every queue rather than a chosen few. */
    public boolean servesEveryQueue() {
        return queues.isEmpty();
    }

    /** How many tasks this node runs at once: the sum of its queues' slots, or {@code concurrency}. */
    public int slots() {
        return queues.isEmpty() ? concurrency : queues.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * {@code background-tasks.worker.queues}: {@code name:slots} pairs separated by commas; a name
     * without slots gets {@code concurrency}.
     */
    static Map<String, Integer> queues(ConfigReader config, int concurrency) {
        String property = ConfigReader.PREFIX + "worker.queues";
        Map<String, Integer> queues = new LinkedHashMap<>();
        String text = config.string("worker.queues").orElse("");
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            String name = (colon < 0 ? entry : entry.substring(0, colon)).strip();
            Limits.checkQueue(property + ": queue", name);
            int slots = concurrency;
            if (colon >= 0) {
                String count = entry.substring(colon + 1).strip();
                try {
                    slots = Integer.parseInt(count);
                } catch (NumberFormatException e) {
                    slots = 0;
                }
                if (slots < 1 || slots > MAX_SLOTS) {
                    throw new IllegalArgumentException(property + "=" + text + ": the slots of queue '" + name
                            + "' must be a whole number within 1.." + MAX_SLOTS + ", got '" + count + "'");
                }
            }
            if (queues.put(name, slots) != null) {
                throw new IllegalArgumentException(property + "=" + text + ": queue '" + name + "' is listed twice");
            }
        }
        return queues;
    }

    /** {@code background-tasks.worker.priority-order}: descending (the default) or ascending. */
    static boolean ascending(ConfigReader config) {
        String order = config.string("worker.priority-order", "descending");
        return switch (order.toLowerCase(Locale.ROOT)) {
            case "descending", "desc" -> false;
            case "ascending", "asc" -> true;
            default -> throw new IllegalArgumentException(ConfigReader.PREFIX + "worker.priority-order=" + order
                    + ": must be descending (higher priorities first) or ascending");
        };
    }
}
