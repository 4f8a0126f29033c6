package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.SchemaSettings;
import dev.backgroundtasks.internal.store.dialect.Dialect;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Brings the task tables to the schema version this release needs, at start-up. The schema is a
 * list of versioned scripts per database ({@link #SCRIPTS}, in {@link Dialect#migrationFolder()}),
 * each recording its version in {@code background_task_schema} as its last statement. With
 * {@code background-tasks.schema.create} on, the scripts the database has not recorded run in order
 * under the dialect's schema lock, one node at a time; with it off, a missing version stops the
 * deployment naming the scripts to apply. Then the tables and indexes the scripts leave are checked
 * by name, and a missing one is created again or named (without {@code background_task_dedupe}
 * dedupe keys would silently stop deduplicating). Runs once per deployment, on the thread that
 * starts the application.
 */
@ApplicationScoped
public class SchemaInstaller {

    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class.getName());
    /** The library's tables. */
    static final List<String> TABLES = List.of("background_task", "background_task_completed", "background_task_queue",
            "background_task_cap", "background_task_schema", "background_task_node");

    @Inject
    Database database;

    @Inject
    SchemaSettings settings;

    /** For the container. */
    SchemaInstaller() {
    }

    /** On a database of the caller's: a plain test of the check against a real database. */
    public SchemaInstaller(Database database, SchemaSettings settings) {
        this.database = database;
        this.settings = settings;
    }

    /** Applies or checks the schema scripts, then the tables and indexes; safe when several nodes start at once. */
    public void prepare() {
        Dialect d = database.dialect();
        List<String> scripts = SchemaScripts.scripts(d);
        try (Connection connection = database.connection()) {
            DatabaseMetaData meta = connection.getMetaData();
            d.versionAdvice(meta.getDatabaseMajorVersion(), meta.getDatabaseMinorVersion()).ifPresent(LOG::warning);
            List<String> pending = pending(connection, scripts);
            if (!pending.isEmpty()) {
                if (!settings.create()) {
                    int needed = SchemaScripts.version(scripts.get(scripts.size() - 1));
                    throw new IllegalStateException("background-tasks needs schema version " + needed
                            + " and the database has " + describe(applied(connection))
                            + " with background-tasks.schema.create=false: apply " + pending
                            + " from the library jar, in this order (each is safe to run again)");
                }
                migrate(connection, d);
            }
            List<String> expectedIndexes = SchemaScripts.indexes(scripts);
            List<String> missing = missing(connection, expectedIndexes);
            if (missing.isEmpty()) {
                return;
            }
            if (!settings.create()) {
                throw new IllegalStateException("background-tasks is missing " + missing
                        + " and background-tasks.schema.create=false: create them as " + scripts + " in the library jar do");
            }
            LOG.info(() -> "Creating the background-tasks tables and indexes " + missing + " again");
            repair(connection, d, missing);
            List<String> still = missing(connection, expectedIndexes);
            if (!still.isEmpty()) {
                throw new IllegalStateException("background-tasks ran " + scripts + " and still misses " + still
                        + ": create them as those scripts do");
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("background-tasks could not prepare its tables: " + e.getMessage(), e);
        }
    }

    /** Runs the scripts the database has not recorded, in order, under the schema lock. */
    private static void migrate(Connection connection, Dialect d) throws SQLException, IOException {
        d.lockSchema(connection);
        try {
            // Read again under the lock: another node may have run them while this one waited.
            for (String script : pending(connection, SchemaScripts.scripts(d))) {
                LOG.info(() -> "Applying background-tasks schema script " + script);
                runScript(connection, SchemaScripts.statements(script));
            }
        } finally {
            d.unlockSchema(connection);
        }
    }

    /**
     * Creates missing parts again: a missing index from the last script that creates it; a missing
     * table by running every script again in order (each is safe to run again).
     */
    private static void repair(Connection connection, Dialect d, List<String> missing) throws SQLException, IOException {
        d.lockSchema(connection);
        try {
            if (missing.stream().anyMatch(m -> m.startsWith("table "))) {
                for (String script : SchemaScripts.scripts(d)) {
                    runScript(connection, SchemaScripts.statements(script));
                }
                return;
            }
            List<String> creates = new ArrayList<>();
            for (String index : missing) {
                creates.add(SchemaScripts.creating(SchemaScripts.scripts(d), index.substring("index ".length())));
            }
            runScript(connection, creates);
        } finally {
            d.unlockSchema(connection);
        }
    }

    /** The scripts whose version the database has not recorded, in order. */
    static List<String> pending(Connection connection, List<String> scripts) throws SQLException {
        Set<Integer> applied = applied(connection);
        return scripts.stream().filter(script -> !applied.contains(SchemaScripts.version(script))).toList();
    }

    /** The schema versions the database recorded; none when it has no version table (new, or of a release before versioning). */
    static Set<Integer> applied(Connection connection) throws SQLException {
        Set<Integer> versions = new TreeSet<>();
        if (!exists(connection, "background_task_schema")) {
            return versions;
        }
        try (Statement s = connection.createStatement();
             ResultSet rows = s.executeQuery("SELECT version FROM background_task_schema")) {
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
        }
        return versions;
    }

    private static String describe(Set<Integer> applied) {
        return applied.isEmpty() ? "no recorded version" : "versions " + applied;
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
            try (ResultSet tables = meta.getTables(connection.getCatalog(), connection.getSchema(), name, new String[] {"TABLE"})) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The library's tables and indexes that the connected database lacks, by name. */
    private static List<String> missing(Connection connection, List<String> expectedIndexes) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        // The current catalog only: on MariaDB a catalog is a database, and another one on the same
        // server may hold tables of the same name.
        String catalog = connection.getCatalog();
        // And the current schema, where the script creates them: another schema may hold a table or an
        // index of the same name (null where the database has no schemas apart from catalogs).
        String schema = connection.getSchema();
        List<String> missing = new ArrayList<>();
        Set<String> indexes = new HashSet<>();
        for (String table : TABLES) {
            boolean found = false;
            for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet tables = meta.getTables(catalog, schema, name, new String[] {"TABLE"})) {
                    found |= tables.next();
                }
                try (ResultSet index = meta.getIndexInfo(catalog, schema, name, false, true)) {
                    while (index.next()) {
                        String indexName = index.getString("INDEX_NAME");
                        if (indexName != null) {
                            indexes.add(indexName.toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
            if (!found) {
                missing.add("table " + table);
            }
        }
        for (String index : expectedIndexes) {
            if (!indexes.contains(index)) {
                missing.add("index " + index);
            }
        }
        return missing;
    }

    /** Runs statements in one transaction where the database has transactional DDL (PostgreSQL, H2); MariaDB commits each. */
    private static void runScript(Connection connection, List<String> statements) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
