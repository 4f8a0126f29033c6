package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.TaskProgress;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Map;

/**
 * Stores the progress running tasks reported, the last report of each, in one batched statement
 * per refresh, fenced on the claim (a run whose claim was lost writes nothing).
 */
@ApplicationScoped
public class ProgressWrites {

    /** Parameters: fraction, message, stored at, id, node, attempt. */
    static final String STORE = """
            UPDATE background_task SET progress = ?, progress_message = ?, progress_at = ?
             WHERE id = ? AND locked_by = ? AND attempts = ?""";

    @Inject
    Database database;

    /** Stores each claimed task's report, as of {@code now}. */
    public void store(Map<TaskEntity, TaskProgress> reports, Instant now) {
        if (reports.isEmpty()) {
            return;
        }
        try (Connection connection = database.connection(); PreparedStatement update = connection.prepareStatement(STORE)) {
            for (Map.Entry<TaskEntity, TaskProgress> report : reports.entrySet()) {
                TaskEntity task = report.getKey();
                update.setDouble(1, report.getValue().fraction());
                if (report.getValue().message() == null) {
                    update.setNull(2, Types.VARCHAR);
                } else {
                    update.setString(2, report.getValue().message());
                }
                update.setObject(3, UtcInstantConverter.toUtc(now));
                update.setLong(4, task.getId());
                update.setString(5, task.getLockedBy());
                update.setInt(6, task.getAttempts());
                update.addBatch();
            }
            update.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Storing the progress of " + reports.size() + " task(s) failed: " + e.getMessage(), e);
        }
    }
}
