package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.ClaimRequest;
import dev.backgroundtasks.internal.store.dialect.Jdbc;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The claim: due rows for this node, committed before they are returned, so no transaction stays
 * open while the tasks run. Plain JDBC outside any JTA transaction on the claim loop's own
 * connection: this is the hot path, called only from the claim loop's thread, which has none.
 */
@ApplicationScoped
public class ClaimQueries {

    /**
     * The cap the next waiting run of a task was stored with, for a node that does not cap the task
     * itself: the first row of the capped index for the task, not a read of its whole backlog.
     */
    static final String STORED_CAP = "SELECT max_running FROM background_task WHERE task_name = ? AND max_running IS NOT NULL "
            + "AND locked_by IS NULL ORDER BY priority DESC, run_at, id LIMIT 1";
    /** Serialises the claims of one capped task across nodes; a node that finds it held claims nothing this round. */
    static final String LOCK_CAP = "SELECT task_name FROM background_task_cap WHERE task_name = ? FOR UPDATE SKIP LOCKED";
    /** Claimed runs of one capped task on every node, through {@code background_task_capped}. */
    static final String COUNT_RUNNING =
            "SELECT COUNT(*) FROM background_task WHERE task_name = ? AND max_running IS NOT NULL AND locked_by IS NOT NULL";

    @Inject
    Database database;

    /** For the container. */
    ClaimQueries() {
    }

    /** On a database of the caller's: a plain test of the claim loop's steps against a real database. */
    public ClaimQueries(Database database) {
        this.database = database;
    }

    /**
     * Claims at most {@code request.limit()} due tasks that match the request.
     *
     * @param held the claim loop's own connection ({@link Database#hold})
     */
    public List<TaskEntity> claim(HeldConnection held, ClaimRequest request) {
        try {
            return held.use(connection -> database.dialect().claim(connection, request));
        } catch (SQLException e) {
            throw new IllegalStateException("Claiming tasks failed: " + e.getMessage(), e);
        }
    }

    /**
     * The priorities of the due rows without a cap that {@code request} would claim next, in claim
     * order, read without a lock.
     */
    public List<Integer> duePriorities(HeldConnection held, ClaimRequest request) {
        try {
            return held.use(connection -> database.dialect().duePriorities(connection, request));
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the due priorities failed: " + e.getMessage(), e);
        }
    }

    /**
     * Claims runs of a task with a concurrency cap: locks the task's row in
     * {@code background_task_cap} (skipping the claim when another node holds it), counts the runs
     * claimed on any node, and claims at most as many as the cap leaves, in one local transaction,
     * so two nodes never both see room for the same run. Claimed runs whose lease expired still
     * count until the rescuer ends them.
     *
     * @param cap the cap, or null for the one the task's waiting runs were stored with (by a node
     *            of another version or configuration)
     */
    public List<TaskEntity> claimCapped(HeldConnection held, ClaimRequest request, Integer cap) {
        try {
            return held.use(connection -> Jdbc.inTransaction(connection, () -> {
                try (PreparedStatement lock = connection.prepareStatement(LOCK_CAP)) {
                    lock.setString(1, request.cappedTask());
                    try (ResultSet rows = lock.executeQuery()) {
                        if (!rows.next()) {
                            return List.of();
                        }
                    }
                }
                long running;
                try (PreparedStatement count = connection.prepareStatement(COUNT_RUNNING)) {
                    count.setString(1, request.cappedTask());
                    try (ResultSet rows = count.executeQuery()) {
                        rows.next();
                        running = rows.getLong(1);
                    }
                }
                long max = cap != null ? cap : storedCap(connection, request.cappedTask());
                int room = (int) Math.min(request.limit(), max - running);
                if (room <= 0) {
                    return List.of();
                }
                return database.dialect().claim(connection, request.withLimit(room));
            }));
        } catch (SQLException e) {
            throw new IllegalStateException("Claiming runs of capped task " + request.cappedTask() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static long storedCap(Connection connection, String task) throws SQLException {
        try (PreparedStatement stored = connection.prepareStatement(STORED_CAP)) {
            stored.setString(1, task);
            try (ResultSet rows = stored.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0; // no waiting run: 0, nothing to claim
            }
        }
    }
}
