package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.store.dialect.Rows;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes that work, as operators see them: each node whose worker runs writes its row now and
 * then ({@link #beat}) and removes it when it stops ({@link #leave}); {@link #nodes} lists those
 * seen lately with the tasks each holds. Times are the database's clock, so a node whose own clock
 * is wrong still shows when it was seen.
 */
@ApplicationScoped
public class NodeRegistry {

    /** How often a working node writes its row. */
    public static final Duration BEAT = Duration.ofSeconds(10);
    /** A node not seen for this long is no longer listed. */
    public static final Duration GONE_AFTER = BEAT.multipliedBy(3);
    /** A node's row not written for this long is deleted (a node that was killed leaves it behind). */
    static final Duration FORGET_AFTER = Duration.ofDays(1);

    static final String UPDATE = "UPDATE background_task_node SET seen_at = ?, queues = ?, slots = ?, busy = ? WHERE node_id = ?";
    static final String INSERT = "INSERT INTO background_task_node (node_id, started_at, seen_at, queues, slots, busy) "
            + "VALUES (?, ?, ?, ?, ?, ?)";
    static final String FORGET = "DELETE FROM background_task_node WHERE seen_at < ?";
    static final String LEAVE = "DELETE FROM background_task_node WHERE node_id = ?";
    static final String SEEN = "SELECT node_id, started_at, seen_at, queues, slots, busy FROM background_task_node "
            + "WHERE seen_at >= ? ORDER BY node_id";
    static final String HOLDING = "SELECT locked_by, COUNT(*) FROM background_task WHERE locked_by IS NOT NULL GROUP BY locked_by";


    @Inject
    Database database;

    @Inject
    @Library
    Clock clock;

    NodeRegistry() {
    }

    /** For tests over plain JDBC. */
    public NodeRegistry(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** A node as listed: what it serves, its slots, how many are busy, and how many tasks it holds. */
    public record NodeView(String node, Instant startedAt, Instant seenAt, String queues, int slots, int busy,
                           long holding) {
    }

    /** Writes this node's row, and deletes rows no node has written for a day. */
    public void beat(String nodeId, String queues, int slots, int busy) {
        Object now = UtcInstantConverter.toUtc(clock.instant());
        try (Connection connection = database.connection()) {
            int updated;
            try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
                update.setObject(1, now);
                update.setString(2, queues);
                update.setInt(3, slots);
                update.setInt(4, busy);
                update.setString(5, nodeId);
                updated = update.executeUpdate();
            }
            if (updated == 0) {
                // Only this node writes its row: no other insert can race this one.
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    insert.setString(1, nodeId);
                    insert.setObject(2, now);
                    insert.setObject(3, now);
                    insert.setString(4, queues);
                    insert.setInt(5, slots);
                    insert.setInt(6, busy);
                    insert.executeUpdate();
                }
                try (PreparedStatement forget = connection.prepareStatement(FORGET)) {
                    forget.setObject(1, UtcInstantConverter.toUtc(clock.instant().minus(FORGET_AFTER)));
                    forget.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Writing node " + nodeId + "'s row failed: " + e.getMessage(), e);
        }
    }

    /** Removes this node's row: it stopped working. */
    public void leave(String nodeId) {
        try (Connection connection = database.connection(); PreparedStatement leave = connection.prepareStatement(LEAVE)) {
            leave.setString(1, nodeId);
            leave.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Removing node " + nodeId + "'s row failed: " + e.getMessage(), e);
        }
    }

    /** The nodes seen within {@link #GONE_AFTER}, by name, with the tasks each holds. */
    public List<NodeView> nodes() {
        Instant now = clock.instant();
        Calendar utc = Rows.utcCalendar();
        try (Connection connection = database.connection()) {
            Map<String, Long> holding = new HashMap<>();
            try (PreparedStatement held = connection.prepareStatement(HOLDING); ResultSet r = held.executeQuery()) {
                while (r.next()) {
                    holding.put(r.getString(1), r.getLong(2));
                }
            }
            List<NodeView> nodes = new ArrayList<>();
            try (PreparedStatement seen = connection.prepareStatement(SEEN)) {
                seen.setObject(1, UtcInstantConverter.toUtc(now.minus(GONE_AFTER)));
                try (ResultSet r = seen.executeQuery()) {
                    while (r.next()) {
                        String node = r.getString("node_id");
                        nodes.add(new NodeView(node, Rows.instant(r, "started_at", utc), Rows.instant(r, "seen_at", utc),
                                r.getString("queues"), r.getInt("slots"), r.getInt("busy"), holding.getOrDefault(node, 0L)));
                    }
                }
            }
            return nodes;
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the nodes failed: " + e.getMessage(), e);
        }
    }

}
