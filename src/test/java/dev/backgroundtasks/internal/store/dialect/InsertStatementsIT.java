package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.entity.TaskEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batched insert of many tasks of every dialect, over JDBC on PostgreSQL, MariaDB and H2. */
class InsertStatementsIT {

    /**
     * 2,520 tasks: more than two statements' worth and a last block of ids only partly used. Every
     * row is stored with its own arguments and the shared options, under the ids returned, in the
     * order of the arguments; the ids never meet those the sequence gives next.
     */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void manyTasksAreStoredWithTheirOwnArgumentsAndTheSharedOptions(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        int count = 2 * TaskInserts.ROWS_PER_STATEMENT + 520;
        List<String> params = IntStream.range(0, count).mapToObj(n -> "[\"batch\"," + n + "]").toList();
        TaskEntity template = new TaskEntity();
        template.setTaskName("mail.send");
        template.setParams(params.get(0));
        template.setQueue("mail");
        template.setPriority(3);
        template.setRunAt(Instant.parse("2026-12-01T10:00:00.123456Z"));
        template.setMaxAttempts(4);
        template.setTimeoutMillis(90_000);
        template.setCreatedAt(Instant.parse("2026-12-01T09:59:00Z"));
        template.setSchedule("every PT1H");
        try (Connection c = db.connect()) {
            db.recreateTables(c);
            c.setAutoCommit(false);
            long[] ids = db.dialect().insertAll(c, template, params);
            c.commit();

            assertEquals(count, ids.length);
            for (int i = 1; i < ids.length; i++) {
                assertTrue(ids[i] > ids[i - 1], "ids ascend in the order of the arguments");
            }
            List<Long> stored = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, params, task_name, queue, priority, run_at, attempts, "
                    + "max_attempts, timeout_millis, created_at, dedupe_key, schedule, max_running, locked_by "
                    + "FROM background_task ORDER BY id");
                 ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    int i = stored.size();
                    stored.add(rows.getLong("id"));
                    assertEquals(params.get(i), rows.getString("params"));
                    assertEquals("mail.send", rows.getString("task_name"));
                    assertEquals("mail", rows.getString("queue"));
                    assertEquals(3, rows.getInt("priority"));
                    assertEquals("2026-12-01T10:00:00.123456", rows.getObject("run_at", LocalDateTime.class).toString());
                    assertEquals(0, rows.getInt("attempts"));
                    assertEquals(4, rows.getInt("max_attempts"));
                    assertEquals(90_000, rows.getLong("timeout_millis"));
                    assertEquals("2026-12-01T09:59", rows.getObject("created_at", LocalDateTime.class).toString());
                    assertNull(rows.getString("dedupe_key"));
                    assertEquals("every PT1H", rows.getString("schedule"));
                    assertNull(rows.getObject("max_running"));
                    assertNull(rows.getString("locked_by"));
                }
            }
            assertEquals(Arrays.stream(ids).boxed().toList(), stored);
            try (PreparedStatement s = c.prepareStatement(db.dialect().nextIdSql()); ResultSet next = s.executeQuery()) {
                next.next();
                long last = next.getLong(1);
                for (long id = last - TaskInserts.ID_BLOCK + 1; id <= last; id++) {
                    assertFalse(stored.contains(id), "the sequence's next block holds stored id " + id);
                }
            }
            c.commit();
        }
    }

    @Test
    void eachSequenceValueIsTheLastIdOfItsBlock() {
        long[] ids = new long[TaskInserts.ID_BLOCK + 2];
        int filled = TaskInserts.fillBlock(ids, 0, 100);
        filled = TaskInserts.fillBlock(ids, filled, 250);
        assertEquals(ids.length, filled);
        assertEquals(51, ids[0]);
        assertEquals(100, ids[TaskInserts.ID_BLOCK - 1]);
        assertEquals(201, ids[TaskInserts.ID_BLOCK]);
        assertEquals(202, ids[TaskInserts.ID_BLOCK + 1]);
    }
}
