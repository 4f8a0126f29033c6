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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates the task tables and their indexes at start-up from the script for the connected database
 * when any is missing and {@code background-tasks.schema.create} is on; otherwise only checks that
 * they exist, and names what is missing. (A missing index is not only slow: without
 * {@code background_task_dedupe} dedupe keys would silently stop deduplicating.) Runs once per
 * deployment, on the thread that starts the application.
 */
@ApplicationScoped
public class SchemaInstaller {

    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class.getName());
    /** The library's tables; when one is missing the schema script runs (every statement is IF NOT EXISTS). */
    static final List<String> TABLES = List.of("background_task", "background_task_completed", "background_task_queue",
            "background_task_cap");

    /** The name an index statement of a schema script creates. */
    private static final Pattern INDEX_NAME =
            Pattern.compile("^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)", Pattern.CASE_INSENSITIVE);

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

    /** Creates or checks the tables and their indexes; safe when several nodes start at once. */
    public void prepare() {
        Dialect d = database.dialect();
        try (Connection connection = database.connection()) {
            DatabaseMetaData meta = connection.getMetaData();
            d.versionAdvice(meta.getDatabaseMajorVersion(), meta.getDatabaseMinorVersion()).ifPresent(LOG::warning);
            List<String> expectedIndexes = indexes(d.schemaResource());
            List<String> missing = missing(connection, expectedIndexes);
            if (missing.isEmpty()) {
                return;
            }
            if (!settings.create()) {
                throw new IllegalStateException("background-tasks is missing " + missing
                        + " and background-tasks.schema.create=false: apply " + d.schemaResource() + " from the library jar");
            }
            LOG.info(() -> "Creating the background-tasks tables and indexes " + missing + " from " + d.schemaResource());
            try {
                runScript(connection, d.schemaResource());
            } catch (SQLException e) {
                // Another node may have created them at the same moment.
                if (!missing(connection, expectedIndexes).isEmpty()) {
                    throw e;
                }
                LOG.log(Level.FINE, "Schema created concurrently by another node", e);
            }
            List<String> still = missing(connection, expectedIndexes);
            if (!still.isEmpty()) {
                throw new IllegalStateException("background-tasks ran " + d.schemaResource() + " and still misses " + still
                        + ": create them as that script does");
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("background-tasks could not prepare its tables: " + e.getMessage(), e);
        }
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

    /** The indexes a schema script creates, by name (lower case). */
    static List<String> indexes(String resource) throws IOException {
        List<String> names = new ArrayList<>();
        for (String statement : statements(resource)) {
            Matcher m = INDEX_NAME.matcher(statement);
            if (m.find()) {
                names.add(m.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return names;
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
