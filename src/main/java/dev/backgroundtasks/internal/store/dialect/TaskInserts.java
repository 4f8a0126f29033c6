package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Many new tasks of one task name and one option set, stored in batched statements on a connection
 * of the caller's transaction: they differ only in their ids and arguments.
 */
public final class TaskInserts {

    /**
     * Ids come from {@code background_task_seq} in blocks: each value the sequence gives is the last
     * id of a block of this many, as for the JPA provider (the schema's {@code INCREMENT BY} and the
     * entity's {@code allocationSize}).
     */
    public static final int ID_BLOCK = 50;

    /** Rows per statement (or per JDBC batch): large enough to cost one round trip per thousand tasks. */
    public static final int ROWS_PER_STATEMENT = 1000;

    /** The plain insert of one task without a dedupe key, batched by databases without array parameters. */
    static final String INSERT = "INSERT INTO background_task " + Dialect.INSERT_COLUMNS
            + "\nVALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, NULL, ?, ?, FALSE, ?, ?)";

    private TaskInserts() {
    }

    /** Ids for {@code count} new tasks, ascending, one sequence read per {@link #ID_BLOCK} of them. */
    static long[] reserveIds(Connection connection, Dialect dialect, int count) throws SQLException {
        List<Long> lasts = new ArrayList<>();
        try (PreparedStatement next = connection.prepareStatement(dialect.nextIdSql())) {
            while (lasts.size() * (long) ID_BLOCK < count) {
                try (ResultSet value = next.executeQuery()) {
                    value.next();
                    lasts.add(value.getLong(1));
                }
            }
        }
        return ids(lasts, count);
    }

    /** The first {@code count} ids of the blocks that end at {@code lasts} (values of the sequence), ascending. */
    static long[] ids(List<Long> lasts, int count) {
        List<Long> sorted = new ArrayList<>(lasts);
        sorted.sort(null);
        long[] ids = new long[count];
        int filled = 0;
        for (long last : sorted) {
            filled = fillBlock(ids, filled, last);
        }
        return ids;
    }

    /** Puts the block that ends at {@code last} into {@code ids} from {@code filled} on; returns the new fill. */
    static int fillBlock(long[] ids, int filled, long last) {
        int n = Math.min(ID_BLOCK, ids.length - filled);
        for (int i = 0; i < n; i++) {
            ids[filled + i] = last - ID_BLOCK + 1 + i;
        }
        return filled + n;
    }

    /** Stores the tasks with JDBC batches of {@link #INSERT}, {@link #ROWS_PER_STATEMENT} rows each. */
    static void insertBatched(Connection connection, long[] ids, TaskEntity template, List<String> params)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (int i = 0; i < ids.length; i++) {
                insert.setLong(1, ids[i]);
                insert.setString(2, template.getTaskName());
                insert.setString(3, params.get(i));
                bindShared(insert, 4, template, false);
                insert.addBatch();
                if ((i + 1) % ROWS_PER_STATEMENT == 0 || i == ids.length - 1) {
                    insert.executeBatch();
                }
            }
        }
    }

    /**
     * Binds what every row of the batch shares, from the queue on (queue, priority, run at, max
     * attempts, timeout, created at, schedule, max running, trace parent, trace state) and the task
     * name first when {@code withName};
     * returns the next parameter index.
     */
    static int bindShared(PreparedStatement statement, int from, TaskEntity template, boolean withName)
            throws SQLException {
        int i = from;
        if (withName) {
            statement.setString(i++, template.getTaskName());
        }
        statement.setString(i++, template.getQueue());
        statement.setInt(i++, template.getPriority());
        statement.setObject(i++, Rows.utc(template.getRunAt()));
        statement.setInt(i++, template.getMaxAttempts());
        statement.setLong(i++, template.getTimeoutMillis());
        statement.setObject(i++, Rows.utc(template.getCreatedAt()));
        if (template.getSchedule() == null) {
            statement.setNull(i++, Types.VARCHAR);
        } else {
            statement.setString(i++, template.getSchedule());
        }
        if (template.getMaxRunning() == null) {
            statement.setNull(i++, Types.INTEGER);
        } else {
            statement.setInt(i++, template.getMaxRunning());
        }
        for (String text : new String[]{template.getTraceParent(), template.getTraceState()}) {
            if (text == null) {
                statement.setNull(i++, Types.VARCHAR);
            } else {
                statement.setString(i++, text);
            }
        }
        return i;
    }
}
