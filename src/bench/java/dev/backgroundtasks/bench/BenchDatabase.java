package dev.backgroundtasks.bench;

import dev.backgroundtasks.internal.store.SchemaScripts;
import dev.backgroundtasks.internal.store.dialect.PostgresDialect;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** The benchmark's PostgreSQL database, read and written directly. */
final class BenchDatabase {

    static final String URL = System.getProperty("bench.url", "jdbc:postgresql://127.0.0.1:5432/background_tasks_bench");

    private BenchDatabase() {
    }

    /** Creates the database when missing, and the library's tables from its own script. */
    static void create() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "postgres");
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'background_tasks_bench'")) {
            if (!rows.next()) {
                s.execute("CREATE DATABASE background_tasks_bench");
            }
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String script : SchemaScripts.scripts(new PostgresDialect())) {
                for (String sql : SchemaScripts.statements(script)) {
                    s.execute(sql);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empties the task and archive tables. */
    static void reset() throws SQLException {
        sql("TRUNCATE background_task, background_task_completed");
    }

    /**
     * Waits for the table to empty, on one connection so that watching costs the database little.
     *
     * @return how many queries it took, each a committed transaction of its own
     */
    static long awaitEmpty(String table, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        long queries = 0;
        try (Connection c = connect();
             PreparedStatement any = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + table + ")")) {
            while (System.nanoTime() < deadline) {
                queries++;
                try (ResultSet rows = any.executeQuery()) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        return queries;
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException(table + " still holds " + number("SELECT COUNT(*) FROM " + table) + " rows");
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, "postgres", "postgres");
    }

    static long number(String query) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static String text(String query) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    static void sql(String statement) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
