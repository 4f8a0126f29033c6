package dev.backgroundtasks.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import dev.backgroundtasks.TaskOptions;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How this node's worker claims and runs tasks ({@code background-tasks.worker.*}, {@code background-tasks.node-id}).
 *
 * @param enabled      whether this node runs tasks at all; a node with the worker off still enqueues
 * @param nodeId       the name written to {@code locked_by} for the tasks this node claims
 * @param concurrency  how many tasks run at once on this node
 * @param pollInterval how often the worker looks for due tasks when nothing woke it
 * @param batchSize    the most rows one claim statement takes (never more than the free slots)
 * @param leaseGrace   how long past a task's timeout its claim stays valid
 * @param executor     the JNDI name of the managed executor that runs tasks
 * @param scheduler    the JNDI name of the managed scheduled executor that polls
 * @param drainTimeout how long shutdown waits for running tasks to finish
 * @param rescueInterval how often the worker looks for claims whose lease has expired
 * @param archiveBatchSize the most succeeded tasks archived in one statement
 * @param archiveDelay   how long a succeeded task may wait for others to share its archive statement
 * @param listen         whether to wake on the database's notifications where it has them (PostgreSQL)
 * @param threadFactory  the JNDI name of the managed thread factory for the worker's own threads
 * @param queues         the queues this node serves, each with its own number of slots, in order; empty
 *                       for every queue, sharing {@code concurrency} slots
 * @param ascending      whether lower priorities run first (higher first by default)
 * @param refreshInterval how often the node re-reads paused queues, cancellation requests and the
 *                       outcome of tasks awaited through handles (at once on PostgreSQL for the first two)
 */
public record WorkerSettings(
        boolean enabled,
        String nodeId,
        int concurrency,
        Duration pollInterval,
        int batchSize,
        Duration leaseGrace,
        String executor,
        String scheduler,
        Duration drainTimeout,
        Duration rescueInterval,
        int archiveBatchSize,
        Duration archiveDelay,
        boolean listen,
        String threadFactory,
        Map<String, Integer> queues,
        boolean ascending,
        Duration refreshInterval) {

    public static final boolean ENABLED_DEFAULT = true;
    public static final int CONCURRENCY_DEFAULT = 4;
    public static final Duration POLL_INTERVAL_DEFAULT = Duration.ofSeconds(1);
    public static final int BATCH_SIZE_DEFAULT = 32;
    public static final Duration LEASE_GRACE_DEFAULT = Duration.ofMinutes(1);
    public static final String EXECUTOR_DEFAULT = "java:comp/DefaultManagedExecutorService";
    public static final String SCHEDULER_DEFAULT = "java:comp/DefaultManagedScheduledExecutorService";
    public static final String THREAD_FACTORY_DEFAULT = "java:comp/DefaultManagedThreadFactory";
    public static final Duration DRAIN_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    public static final Duration RESCUE_INTERVAL_DEFAULT = Duration.ofSeconds(30);
    public static final int ARCHIVE_BATCH_SIZE_DEFAULT = 256;
    public static final Duration ARCHIVE_DELAY_DEFAULT = Duration.ofMillis(2);
    public static final Duration REFRESH_INTERVAL_DEFAULT = Duration.ofSeconds(1);
    /** The longest node id {@code locked_by} holds. */
    public static final int MAX_NODE_ID_LENGTH = 100;

    /** Reads and checks the worker's properties. */
    public static WorkerSettings read(ConfigReader config) {
        String nodeId = config.string("node-id").orElseGet(WorkerSettings::defaultNodeId);
        if (nodeId.length() > MAX_NODE_ID_LENGTH) {
            throw new IllegalArgumentException(ConfigReader.PREFIX + "node-id=" + nodeId
                    + ": must be at most " + MAX_NODE_ID_LENGTH + " characters");
        }
        int concurrency = config.integer("worker.concurrency", CONCURRENCY_DEFAULT, 1, 1000);
        return new WorkerSettings(
                config.bool("worker.enabled", ENABLED_DEFAULT),
                nodeId,
                concurrency,
                config.duration("worker.poll-interval", POLL_INTERVAL_DEFAULT, Duration.ofMillis(10)),
                config.integer("worker.batch-size", BATCH_SIZE_DEFAULT, 1, 10_000),
                config.duration("worker.lease-grace", LEASE_GRACE_DEFAULT, Duration.ZERO),
                config.string("worker.executor", EXECUTOR_DEFAULT),
                config.string("worker.scheduler", SCHEDULER_DEFAULT),
                config.duration("worker.drain-timeout", DRAIN_TIMEOUT_DEFAULT, Duration.ZERO),
                config.duration("worker.rescue-interval", RESCUE_INTERVAL_DEFAULT, Duration.ofMillis(100)),
                config.integer("worker.archive-batch-size", ARCHIVE_BATCH_SIZE_DEFAULT, 1, 10_000),
                config.duration("worker.archive-delay", ARCHIVE_DELAY_DEFAULT, Duration.ZERO),
                config.bool("worker.listen", true),
                config.string("worker.thread-factory", THREAD_FACTORY_DEFAULT),
                queues(config, concurrency),
                ascending(config),
                config.duration("worker.refresh-interval", REFRESH_INTERVAL_DEFAULT, Duration.ofMillis(10)));
    }

    public WorkerSettings {
        queues = Collections.unmodifiableMap(new LinkedHashMap<>(queues));
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
            TaskOptions.checkQueue(property + ": queue", name);
            int slots = concurrency;
            if (colon >= 0) {
                String count = entry.substring(colon + 1).strip();
                try {
                    slots = Integer.parseInt(count);
                } catch (NumberFormatException e) {
                    slots = 0;
                }
                if (slots < 1 || slots > 1000) {
                    throw new IllegalArgumentException(property + "=" + text + ": the slots of queue '" + name
                            + "' must be a whole number within 1..1000, got '" + count + "'");
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

    /** Host name and process id: unique among the nodes of one machine, readable in the table. */
    static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        String id = host + "-" + ProcessHandle.current().pid();
        return id.length() <= MAX_NODE_ID_LENGTH ? id : id.substring(id.length() - MAX_NODE_ID_LENGTH);
    }
}
