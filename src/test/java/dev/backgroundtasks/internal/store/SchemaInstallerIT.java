package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.SchemaSettings;
import dev.backgroundtasks.internal.store.dialect.ClaimRequest;
import dev.backgroundtasks.internal.store.dialect.ScratchDatabase;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up check of the tables and their indexes, on PostgreSQL, MariaDB and H2: a missing
 * index is named (with {@code schema.create=false}) or created again, never ignored; without
 * {@code background_task_dedupe} dedupe keys would silently stop deduplicating.
 */
class SchemaInstallerIT {

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void aMissingIndexIsNamedOrCreatedAgain(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            s.execute(name.equals("mariadb") ? "DROP INDEX background_task_dedupe ON background_task"
                    : "DROP INDEX background_task_dedupe");
        }
        Database database = new Database(db.dataSource());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new SchemaInstaller(database, new SchemaSettings(false)).prepare());
        assertTrue(refused.getMessage().contains("[index background_task_dedupe]")
                && refused.getMessage().contains("background-tasks.schema.create=false"), refused.getMessage());

        new SchemaInstaller(database, new SchemaSettings(true)).prepare();
        new SchemaInstaller(database, new SchemaSettings(false)).prepare(); // complete again: passes
    }

    /**
     * The tables of the release before versioned scripts (version 1 without its record), holding
     * waiting, running and scheduled tasks and a paused queue: with {@code schema.create=false} the
     * deployment stops naming both scripts; with it on, version 2 is applied, nothing is lost, the
     * paused queue's rows are marked, and the claims take every row they should.
     */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void tablesOfThePreviousReleaseAreUpgradedAndLoseNothingThatWaits(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        List<String> scripts = SchemaScripts.scripts(db.dialect());
        LocalDateTime now = LocalDateTime.parse("2026-12-01T10:00:00");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            s.execute("DROP TABLE background_task");
            s.execute("DROP TABLE background_task_schema");
            for (String sql : SchemaScripts.statements(scripts.get(0))) {
                s.execute(sql);
            }
            s.execute("DROP TABLE background_task_schema");
            String insert = "INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, "
                    + "max_attempts, timeout_millis, locked_by, created_at) VALUES (?1, 'plain', '[]', ?2, ?3, ?4, 0, 3, 1000, ?5, ?4)";
            for (long id = 1; id <= 40; id++) {
                String queue = id % 4 == 0 ? "reports" : "default";
                ScratchDatabase.execute(c, insert, id, queue, (int) (id % 3), id % 5 == 0 ? now.plusDays(1) : now.minusMinutes(1),
                        id == 3 ? "node-old" : null);
            }
            ScratchDatabase.execute(c, db.dialect().setPausedSql(), "reports", true, now);
        }
        Database database = new Database(db.dataSource());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new SchemaInstaller(database, new SchemaSettings(false)).prepare());
        assertTrue(refused.getMessage().contains("needs schema version 6 and the database has no recorded version")
                && refused.getMessage().contains(scripts.toString()), refused.getMessage());

        new SchemaInstaller(database, new SchemaSettings(true)).prepare();
        new SchemaInstaller(database, new SchemaSettings(false)).prepare(); // complete: passes

        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ScratchDatabase.longs(c, "SELECT version FROM background_task_schema ORDER BY version"));
            assertEquals(40L, ScratchDatabase.longs(c, "SELECT COUNT(*) FROM background_task").get(0));
            assertEquals(List.of(4L, 8L, 12L, 16L, 20L, 24L, 28L, 32L, 36L, 40L),
                    ScratchDatabase.longs(c, "SELECT id FROM background_task WHERE paused = TRUE ORDER BY id"), "the paused queue's rows");
            // Every due row of the running queue is claimed; the paused queue's, the running one and those due tomorrow stay.
            ClaimRequest claim = new ClaimRequest("node-new", now, 60_000, 100, null, List.of("reports"), null, List.of("plain"),
                    false, null);
            List<Long> claimed = db.dialect().claim(c, claim).stream().map(TaskEntity::getId).sorted().toList();
            assertEquals(LongStream.rangeClosed(1, 40).filter(id -> id % 4 != 0 && id % 5 != 0 && id != 3).boxed().toList(),
                    claimed);
            // Resumed, the paused queue's due rows are claimed too.
            ScratchDatabase.execute(c, db.dialect().setPausedSql(), "reports", false, now);
            ScratchDatabase.execute(c, ControlWrites.UNMARK_WAITING, "reports");
            ClaimRequest afterResume = new ClaimRequest("node-new", now, 60_000, 100, null, List.of(), null, List.of("plain"),
                    false, null);
            List<Long> resumed = db.dialect().claim(c, afterResume).stream().map(TaskEntity::getId).sorted().toList();
            assertEquals(List.of(4L, 8L, 12L, 16L, 24L, 28L, 32L, 36L), resumed);
        }
    }

    /** Two nodes upgrading the same tables at once: one runs the scripts, the other waits and finds them run. */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void twoNodesStartingAtOnceRunEachScriptOnce(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            for (String table : List.of("background_task", "background_task_completed", "background_task_queue",
                    "background_task_cap", "background_task_schema")) {
                s.execute("DROP TABLE " + table);
            }
        }
        Database database = new Database(db.dataSource());
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                starts.add(two.submit(() -> new SchemaInstaller(database, new SchemaSettings(true)).prepare()));
            }
            for (Future<?> start : starts) {
                start.get(2, TimeUnit.MINUTES);
            }
        } finally {
            two.shutdownNow();
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ScratchDatabase.longs(c, "SELECT version FROM background_task_schema ORDER BY version"));
        }
    }

    /**
     * A team that owns its schema points its own Flyway at the scripts, with a history table of its
     * own: Flyway reads the names, applies them, and the library's check (create off) accepts the
     * result, because each script recorded its version.
     */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void flywayAppliesTheScriptsAndTheLibraryAcceptsThem(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            for (String table : List.of("background_task", "background_task_completed", "background_task_queue",
                    "background_task_cap", "background_task_schema", "background_tasks_flyway_history")) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            s.execute("DROP SEQUENCE IF EXISTS background_task_seq");
        }
        Database database = new Database(db.dataSource());
        assertThrows(IllegalStateException.class, () -> new SchemaInstaller(database, new SchemaSettings(false)).prepare());
        Flyway.configure()
                .dataSource(db.dataSource())
                .locations("classpath:" + db.dialect().migrationFolder())
                .table("background_tasks_flyway_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        new SchemaInstaller(database, new SchemaSettings(false)).prepare();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ScratchDatabase.longs(c, "SELECT version FROM background_task_schema ORDER BY version"));
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ScratchDatabase.longs(c, "SELECT version FROM background_tasks_flyway_history "
                    + "WHERE success AND version <> '0' ORDER BY installed_rank"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void aMissingTableIsNamed(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            s.execute("DROP TABLE background_task_cap");
        }
        Database database = new Database(db.dataSource());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new SchemaInstaller(database, new SchemaSettings(false)).prepare());
        assertTrue(refused.getMessage().contains("[table background_task_cap]"), refused.getMessage());
        new SchemaInstaller(database, new SchemaSettings(true)).prepare();
        new SchemaInstaller(database, new SchemaSettings(false)).prepare();
    }
}
