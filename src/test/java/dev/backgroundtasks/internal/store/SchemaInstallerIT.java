package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.SchemaSettings;
import dev.backgroundtasks.internal.store.dialect.ScratchDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.Statement;

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
