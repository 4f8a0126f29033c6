package dev.backgroundtasks.internal.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Whether and as whom this node works, and how it stops ({@code background-tasks.node-id},
 * {@code background-tasks.worker.enabled}, {@code background-tasks.worker.drain-timeout}).
 *
 * @param enabled      whether this node runs tasks at all; a node with the worker off still enqueues
 * @param nodeId       the name written to {@code locked_by} for the tasks this node claims
 * @param drainTimeout how long shutdown waits for running tasks to finish
 */
public record NodeSettings(boolean enabled, String nodeId, Duration drainTimeout) {

    public static final boolean ENABLED_DEFAULT = true;
    public static final Duration DRAIN_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    /** The longest node id {@code locked_by} holds. */
    public static final int MAX_NODE_ID_LENGTH = 100;

    /** Reads and checks the node's properties. */
    public static NodeSettings read(ConfigReader config) {
        String nodeId = config.string("node-id").orElseGet(NodeSettings::defaultNodeId);
        if (nodeId.length() > MAX_NODE_ID_LENGTH) {
            throw new IllegalArgumentException(ConfigReader.PREFIX + "node-id=" + nodeId
                    + ": must be at most " + MAX_NODE_ID_LENGTH + " characters");
        }
        return new NodeSettings(
                config.bool("worker.enabled", ENABLED_DEFAULT),
                nodeId,
                config.duration("worker.drain-timeout", DRAIN_TIMEOUT_DEFAULT, Duration.ZERO));
    }

    /**
     * Host name, process id and a random suffix drawn at each deployment: readable in the table, and
     * unique even for two applications in one server and for a container restarted with the same
     * host name and process id (pid 1), whose claims must not pass for the new process's.
     */
    static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        String suffix = "-" + ProcessHandle.current().pid() + "-"
                + String.format("%06x", (int) (RandomSource.SYSTEM.nextDouble() * (1 << 24)));
        String id = host + suffix;
        return id.length() <= MAX_NODE_ID_LENGTH ? id : host.substring(0, MAX_NODE_ID_LENGTH - suffix.length()) + suffix;
    }
}
