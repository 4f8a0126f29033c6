package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;

/** Reads {@code background_task} rows from JDBC result sets, for the hot path that bypasses JPA. */
public final class Rows {

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private Rows() {
    }

    static List<TaskEntity> tasks(ResultSet rows) throws SQLException {
        List<TaskEntity> tasks = new ArrayList<>();
        Calendar utc = Calendar.getInstance(UTC);
        while (rows.next()) {
            TaskEntity task = new TaskEntity();
            task.setId(rows.getLong("id"));
            task.setTaskName(rows.getString("task_name"));
            task.setParams(rows.getString("params"));
            task.setQueue(rows.getString("queue"));
            task.setPriority(rows.getInt("priority"));
            task.setRunAt(instant(rows, "run_at", utc));
            task.setAttempts(rows.getInt("attempts"));
            task.setMaxAttempts(rows.getInt("max_attempts"));
            task.setTimeoutMillis(rows.getLong("timeout_millis"));
            task.setLockedBy(rows.getString("locked_by"));
            task.setLockedUntil(instant(rows, "locked_until", utc));
            task.setLastError(rows.getString("last_error"));
            task.setCreatedAt(instant(rows, "created_at", utc));
            task.setDedupeKey(rows.getString("dedupe_key"));
            task.setSchedule(rows.getString("schedule"));
            int maxRunning = rows.getInt("max_running");
            task.setMaxRunning(rows.wasNull() ? null : maxRunning);
            task.setCancelRequested(rows.getBoolean("cancel_requested"));
            task.setTraceParent(rows.getString("trace_parent"));
            task.setTraceState(rows.getString("trace_state"));
            tasks.add(task);
        }
        return tasks;
    }

    /** The first column of every row, as the due-priorities statements return it. */
    static List<Integer> priorities(ResultSet rows) throws SQLException {
        List<Integer> priorities = new ArrayList<>();
        while (rows.next()) {
            priorities.add(rows.getInt(1));
        }
        return priorities;
    }

    /** A calendar for {@link #instant}; one per thread (a calendar is not safe to share). */
    public static Calendar utcCalendar() {
        return Calendar.getInstance(UTC);
    }

    /**
     * A UTC column value as an instant, read as a timestamp in a UTC calendar rather than with
     * {@code getObject(column, LocalDateTime.class)}: Payara's result-set wrapper looks that method
     * up by reflection on every call, three times per claimed row on the claim loop's thread.
     */
    public static Instant instant(ResultSet rows, String column, Calendar utc) throws SQLException {
        Timestamp value = rows.getTimestamp(column, utc);
        return value == null ? null : value.toInstant();
    }

    /** An instant as the UTC column value to bind. */
    static LocalDateTime utc(Instant instant) {
        return UtcInstantConverter.toUtc(instant);
    }
}
