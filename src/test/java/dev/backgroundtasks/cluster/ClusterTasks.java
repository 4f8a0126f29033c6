package dev.backgroundtasks.cluster;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.internal.config.NodeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.UserTransaction;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * Runs whose commit threw: the crash may have hidden whether it succeeded, so the run may have
     * left its effect and failed all the same. Kept on the node, as the database may be down.
     */
    static final Set<String> uncertainCommits = ConcurrentHashMap.newKeySet();

    @Inject
    UserTransaction transaction;

    /**
     * Short, with a lease that outlasts a database crash, and attempts to spare for runs the crash
     * breaks; notes a run whose commit threw.
     */
    @Background(name = "cluster.steady", timeout = "PT60S", maxAttempts = 50)
    public void steady(int run, int n, long millis) throws Exception {
        transaction.begin();
        try {
            Thread.sleep(millis);
            record(run, n);
        } catch (Exception e) {
            transaction.rollback();
            throw e;
        }
        try {
            transaction.commit();
        } catch (Exception e) {
            uncertainCommits.add(run + ":" + n);
            throw e;
        }
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
