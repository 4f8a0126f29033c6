package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.Rows;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The read side an operator's console and API use for tasks: listed by a filter, newest first, a
 * page at a time (keyset paging on the id, so a page costs the same deep in a million rows as on
 * top), and one task in full. Plain JDBC, the same statements on every database.
 */
@ApplicationScoped
public class TaskListing {

    /** The longest page. */
    public static final int MAX_PAGE = 500;
    /** How much of an error a listing carries: its first line, at most this long. */
    static final int ERROR_PREVIEW = 300;

    static final String PENDING_COLUMNS = """
            SELECT id, task_name, queue, priority, attempts, max_attempts, created_at, run_at, locked_by,
                   progress, progress_message, SUBSTRING(last_error, 1, 400) AS error
              FROM background_task""";
    static final String ARCHIVE_COLUMNS = """
            SELECT id, task_name, queue, priority, attempts, max_attempts, created_at, run_at, started_at,
                   finished_at, node_id, outcome, SUBSTRING(error, 1, 400) AS error
              FROM background_task_completed""";

    @Inject
    Database database;

    TaskListing() {
    }

    /** For tests over plain JDBC. */
    public TaskListing(Database database) {
        this.database = database;
    }

    /**
     * A page of tasks that match {@code filter}, newest first.
     *
     * @param before only tasks with a smaller id: the last id of the page before, or null for the first
     * @param limit  the most tasks on the page (1..{@link #MAX_PAGE})
     * @return the page; one more task than the page shows was read to tell whether another page follows
     */
    public TaskPage list(TaskFilter filter, Long before, int limit, Instant now) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit " + limit + " is not within 1.." + MAX_PAGE);
        }
        List<ListedTask> found = new ArrayList<>();
        try (Connection connection = database.connection()) {
            if (filter.readsPending()) {
                found.addAll(pendingPage(connection, filter, before, limit + 1, now));
            }
            if (filter.readsArchive()) {
                found.addAll(archivePage(connection, filter, before, limit + 1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Listing the tasks failed: " + e.getMessage(), e);
        }
        found.sort(Comparator.comparingLong(ListedTask::id).reversed());
        // The two tables are read one after the other: a task archived in between is in both reads
        // (its pending row, read first, is kept), one retried in between in neither, until the next read.
        Set<Long> seen = new HashSet<>();
        found.removeIf(task -> !seen.add(task.id()));
        boolean more = found.size() > limit;
        List<ListedTask> page = more ? List.copyOf(found.subList(0, limit)) : List.copyOf(found);
        return new TaskPage(page, more ? page.get(page.size() - 1).id() : null);
    }

    /** One page of tasks and the cursor of the next, or null when this is the last. */
    public record TaskPage(List<ListedTask> tasks, Long next) {
    }

    private List<ListedTask> pendingPage(Connection connection, TaskFilter filter, Long before, int rows, Instant now)
            throws SQLException {
        Where where = new Where();
        where.add(before != null, "id < ?", before);
        if (filter.state() != null) {
            switch (filter.state()) {
                case DUE -> where.add(true, "locked_by IS NULL AND run_at <= ?", utc(now));
                case SCHEDULED -> where.add(true, "locked_by IS NULL AND run_at > ?", utc(now));
                case RUNNING -> where.add(true, "locked_by IS NOT NULL");
                default -> throw new IllegalStateException(filter.state() + " is archived");
            }
        }
        where.common(filter, "created_at", "last_error");
        try (PreparedStatement statement = where.prepare(connection, PENDING_COLUMNS, rows)) {
            List<ListedTask> tasks = new ArrayList<>();
            Calendar utc = Rows.utcCalendar();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    Instant runAt = Rows.instant(r, "run_at", utc);
                    String node = r.getString("locked_by");
                    String state = node != null ? "running" : runAt.isAfter(now) ? "scheduled" : "due";
                    double progress = r.getDouble("progress");
                    Double reported = r.wasNull() ? null : progress;
                    tasks.add(new ListedTask(r.getLong("id"), r.getString("task_name"), r.getString("queue"), state,
                            r.getInt("priority"), r.getInt("attempts"), r.getInt("max_attempts"),
                            Rows.instant(r, "created_at", utc), runAt, null, null, node, reported,
                            r.getString("progress_message"), preview(r.getString("error")), null, null, null, null,
                            null));
                }
            }
            return tasks;
        }
    }

    private List<ListedTask> archivePage(Connection connection, TaskFilter filter, Long before, int rows)
            throws SQLException {
        Where where = new Where();
        where.add(before != null, "id < ?", before);
        where.add(filter.state() != null, "outcome = ?", filter.state() == null ? null : filter.state().name());
        where.common(filter, "finished_at", "error");
        try (PreparedStatement statement = where.prepare(connection, ARCHIVE_COLUMNS, rows)) {
            List<ListedTask> tasks = new ArrayList<>();
            Calendar utc = Rows.utcCalendar();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    tasks.add(new ListedTask(r.getLong("id"), r.getString("task_name"), r.getString("queue"),
                            r.getString("outcome").toLowerCase(java.util.Locale.ROOT), r.getInt("priority"),
                            r.getInt("attempts"), r.getInt("max_attempts"), Rows.instant(r, "created_at", utc),
                            Rows.instant(r, "run_at", utc), Rows.instant(r, "started_at", utc),
                            Rows.instant(r, "finished_at", utc),
                            r.getString("node_id"), null, null, preview(r.getString("error")), null, null, null,
                            null, null));
                }
            }
            return tasks;
        }
    }

    /** One task in full, pending, running or archived; empty when no table holds it. */
    public Optional<ListedTask> detail(long id, Instant now) {
        Calendar utc = Rows.utcCalendar();
        try (Connection connection = database.connection()) {
            try (PreparedStatement pending = connection.prepareStatement("SELECT * FROM background_task WHERE id = ?")) {
                pending.setLong(1, id);
                try (ResultSet r = pending.executeQuery()) {
                    if (r.next()) {
                        Instant runAt = Rows.instant(r, "run_at", utc);
                        String node = r.getString("locked_by");
                        double progress = r.getDouble("progress");
                        Double reported = r.wasNull() ? null : progress;
                        return Optional.of(new ListedTask(id, r.getString("task_name"), r.getString("queue"),
                                node != null ? "running" : runAt.isAfter(now) ? "scheduled" : "due",
                                r.getInt("priority"), r.getInt("attempts"), r.getInt("max_attempts"),
                                Rows.instant(r, "created_at", utc), runAt, null, null, node, reported,
                                r.getString("progress_message"), r.getString("last_error"), r.getString("params"),
                                null, r.getString("schedule"), r.getString("dedupe_key"), r.getLong("timeout_millis")));
                    }
                }
            }
            try (PreparedStatement archived = connection.prepareStatement(
                    "SELECT * FROM background_task_completed WHERE id = ?")) {
                archived.setLong(1, id);
                try (ResultSet r = archived.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new ListedTask(id, r.getString("task_name"), r.getString("queue"),
                            r.getString("outcome").toLowerCase(java.util.Locale.ROOT), r.getInt("priority"),
                            r.getInt("attempts"), r.getInt("max_attempts"), Rows.instant(r, "created_at", utc),
                            Rows.instant(r, "run_at", utc), Rows.instant(r, "started_at", utc),
                            Rows.instant(r, "finished_at", utc),
                            r.getString("node_id"), null, null, r.getString("error"), r.getString("params"),
                            r.getString("result"), null, null, r.getLong("timeout_millis")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading task " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** The first line of an error, shortened for a listing. */
    static String preview(String error) {
        if (error == null) {
            return null;
        }
        int end = error.indexOf('\n');
        String line = (end < 0 ? error : error.substring(0, end)).strip();
        return line.length() > ERROR_PREVIEW ? line.substring(0, ERROR_PREVIEW) : line;
    }

    private static Object utc(Instant instant) {
        return UtcInstantConverter.toUtc(instant);
    }


    /** A WHERE clause built from the parts a filter sets, with its parameters in order. */
    private static final class Where {

        private final List<String> conditions = new ArrayList<>();
        private final List<Object> parameters = new ArrayList<>();

        void add(boolean when, String condition, Object... values) {
            if (when) {
                conditions.add(condition);
                parameters.addAll(List.of(values));
            }
        }

        /** The queue, name, time range and text conditions, on the table's time and error columns. */
        void common(TaskFilter filter, String timeColumn, String errorColumn) {
            add(filter.queue() != null, "queue = ?", filter.queue());
            add(filter.task() != null, "task_name = ?", filter.task());
            add(filter.from() != null, timeColumn + " >= ?", filter.from() == null ? null : utc(filter.from()));
            add(filter.to() != null, timeColumn + " < ?", filter.to() == null ? null : utc(filter.to()));
            if (filter.text() != null) {
                String like = "%" + filter.text().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
                add(true, "(params LIKE ? ESCAPE '!' OR " + errorColumn + " LIKE ? ESCAPE '!')", like, like);
            }
        }

        PreparedStatement prepare(Connection connection, String select, int limit) throws SQLException {
            // The limit is a checked number, never user text.
            String sql = select + (conditions.isEmpty() ? "" : "\n WHERE " + String.join("\n   AND ", conditions))
                    + "\n ORDER BY id DESC\n LIMIT " + limit;
            PreparedStatement statement = connection.prepareStatement(sql);
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            return statement;
        }
    }
}
