package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.SchemaSettings;
import dev.backgroundtasks.internal.store.dialect.Dialect;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates the task tables at start-up from the script for the connected database when they are
 * missing and {@code background-tasks.schema.create} is on; otherwise only checks that they exist.
 * Runs once per deployment, on the thread that starts the application.
 */
@ApplicationScoped
public class SchemaInstaller {

    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class.getName());
    /** The library's tables; when one is missing the schema script runs (every statement is IF NOT EXISTS). */
    static final List<String> TABLES = List.of("background_task", "background_task_completed", "background_task_queue",
            "background_task_cap");

    @Inject
    Database database;

    @Inject
    SchemaSettings settings;

    /** Creates or checks the tables; safe when several nodes start at once. */
    public void prepare() {
        Dialect d = database.dialect();
        try (Connection connection = database.connection()) {
            if (tablesExist(connection)) {
                return;
            }
            if (!settings.create()) {
                throw new IllegalStateException("Some of the tables " + TABLES + " are missing "
                        + "and background-tasks.schema.create=false: apply " + d.schemaResource() + " from the library jar");
            }
            LOG.info(() -> "Creating the background-tasks tables from " + d.schemaResource());
            try {
                runScript(connection, d.schemaResource());
            } catch (SQLException e) {
                // Another node may have created them at the same moment.
                if (!tablesExist(connection)) {
                    throw e;
                }
                LOG.log(Level.FINE, "Schema created concurrently by another node", e);
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("background-tasks could not prepare its tables: " + e.getMessage(), e);
        }
    }

    private static boolean tablesExist(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        // The current catalog only: on MariaDB a catalog is a database, and another one on the same
        // server may hold tables of the same name.
        String catalog = connection.getCatalog();
        for (String table : TABLES) {
            boolean found = false;
            for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet tables = meta.getTables(catalog, null, name, new String[] {"TABLE"})) {
                    found |= tables.next();
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static void runScript(Connection connection, String resource) throws SQLException, IOException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(resource)) {
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

    /** The script's statements: comments dropped, split at semicolons that end a line. */
    public static List<String> statements(String resource) throws IOException {
        String script;
        try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                result.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IOException(resource + " ends without a semicolon: " + current.toString().strip());
        }
        return result;
    }
}
