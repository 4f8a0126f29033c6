package dev.backgroundtasks.cluster;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.TaskContext;
import dev.backgroundtasks.internal.config.NodeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * Tasks for the scheduling tests on two nodes. Each run leaves a row in {@code sched_effect}
 * (in order of insertion, with the node and the time it was due); the capped task also counts,
 * in the database, how many of its runs are running at the moment it starts.
 */
@ApplicationScoped
public class SchedulingClusterTasks {

    @Inject
    NodeSettings worker;

    @Inject
    TaskContext context;

    /** Leaves its label and value. */
    @Background(name = "csched.note")
    public void note(String label, String value) throws Exception {
        record(label, value);
    }

    /** At most one run at a time across the cluster; each run holds its slot for a while. */
    @Background(name = "csched.capped", maxRunning = 1)
    public void capped(int n) throws Exception {
        int running = gauge(+1);
        try {
            record("capped", n + " with " + running + " running");
            Thread.sleep(60);
        } finally {
            gauge(-1);
        }
    }

    /** Every second, on both nodes' schedule: one waiting run for the cluster. */
    @Background(name = "csched.tick", cron = "* * * * * *")
    public void tick() throws Exception {
        record("tick", context.scheduledAt().toString());
    }

    private static DataSource dataSource() throws Exception {
        return (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
    }

    private void record(String label, String value) throws Exception {
        try (Connection c = dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(
                     "INSERT INTO sched_effect (label, value, node, due) VALUES (?, ?, ?, ?)")) {
            s.setString(1, label);
            s.setString(2, value);
            s.setString(3, worker.nodeId());
            s.setTimestamp(4, Timestamp.from(context.scheduledAt()));
            s.executeUpdate();
        }
    }

    /** Moves the running count in its own auto-committed statement and returns the new value. */
    private static int gauge(int delta) throws Exception {
        try (Connection c = dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(
                     "UPDATE sched_gauge SET running = running + ? WHERE name = 'capped' RETURNING running")) {
            s.setInt(1, delta);
            try (ResultSet rows = s.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("no gauge row");
                }
                return rows.getInt(1);
            }
        }
    }
}
