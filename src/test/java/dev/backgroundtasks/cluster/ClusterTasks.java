package dev.backgroundtasks.cluster;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.internal.config.NodeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;

/** Tasks whose every run leaves a row naming the node that ran it, in the run's own transaction. */
@ApplicationScoped
public class ClusterTasks {

    @Inject
    NodeSettings worker;

    @Background(name = "cluster.count")
    @Transactional
    public void count(int run, int n) throws Exception {
        record(run, n);
    }

    @Background(name = "cluster.slow", timeout = "PT3S")
    @Transactional
    public void slow(int run, int n, long millis) throws Exception {
        Thread.sleep(millis);
        record(run, n);
    }

    /** Slow, with a long timeout: a claim of it that is never given back waits 21 s for its lease. */
    @Background(name = "cluster.linger", timeout = "PT20S")
    @Transactional
    public void linger(int run, int n, long millis) throws Exception {
        Thread.sleep(millis);
        record(run, n);
    }

    private void record(int run, int n) throws Exception {
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO cluster_effect (run_id, n, node) VALUES (?, ?, ?)")) {
            s.setInt(1, run);
            s.setInt(2, n);
            s.setString(3, worker.nodeId());
            s.executeUpdate();
        }
    }
}
