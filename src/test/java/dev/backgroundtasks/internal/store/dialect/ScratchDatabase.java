package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.SchemaScripts;

import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A scratch database of its own on each database the tests reach (PostgreSQL and MariaDB on
 * localhost, H2 in memory), with the library's tables made fresh from the dialect's own script.
 * For plain JUnit tests of statements and of the worker's steps, apart from the server tests' database.
 *
 * @param name the database: postgresql, mariadb or h2
 */
public record ScratchDatabase(String name, String url, String user, String password, Dialect dialect) {

    static final String DATABASE = "background_tasks_claims";

    /** The scratch database on {@code name}, created when missing. */
    public static ScratchDatabase on(String name) throws SQLException {
        return switch (name) {
            case "postgresql" -> {
                String admin = System.getProperty("test.database.admin-url", "jdbc:postgresql://127.0.0.1:5432/postgres");
                try (Connection c = DriverManager.getConnection(admin, "postgres", "postgres");
                     Statement s = c.createStatement();
                     ResultSet exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                    if (!exists.next()) {
                        s.execute("CREATE DATABASE " + DATABASE);
                    }
                }
                yield new ScratchDatabase(name, admin.substring(0, admin.lastIndexOf('/') + 1) + DATABASE, "postgres",
                        "postgres", new PostgresDialect());
            }
            case "mariadb" -> {
                String admin = System.getProperty("test.mariadb.admin-url", "jdbc:mariadb://127.0.0.1:3306/");
                try (Connection c = DriverManager.getConnection(admin, "root", ""); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
                }
                yield new ScratchDatabase(name, admin + DATABASE, "root", "", new MariaDbDialect());
            }
            case "h2" -> new ScratchDatabase(name, "jdbc:h2:mem:" + DATABASE + ";DB_CLOSE_DELAY=-1", "sa", "", new H2Dialect());
            default -> throw new IllegalArgumentException("no scratch database on " + name);
        };
    }

    /** The driver's own (unpooled) datasource on the scratch database. */
    public DataSource dataSource() throws SQLException {
        return switch (name) {
            case "postgresql" -> {
                PGSimpleDataSource pg = new PGSimpleDataSource();
                pg.setUrl(url);
                pg.setUser(user);
                pg.setPassword(password);
                yield pg;
            }
            case "mariadb" -> {
                MariaDbDataSource maria = new MariaDbDataSource(url);
                maria.setUser(user);
                maria.setPassword(password);
                yield maria;
            }
            default -> {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL(url);
                h2.setUser(user);
                h2.setPassword(password);
                yield h2;
            }
        };
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /**
     * Runs a statement written with numbered parameters ({@code ?1}, {@code ?2}, as the library's
     * JPA native queries are) over plain JDBC, binding {@code values[n - 1]} wherever {@code ?n} stands.
     *
     * @return the rows it changed, or the rows it read for a query
     */
    public static int execute(Connection c, String sql, Object... values) throws SQLException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\?(\\d+)").matcher(sql);
        List<Integer> order = new java.util.ArrayList<>();
        while (m.find()) {
            order.add(Integer.parseInt(m.group(1)));
        }
        try (java.sql.PreparedStatement s = c.prepareStatement(sql.replaceAll("\\?\\d+", "?"))) {
            for (int i = 0; i < order.size(); i++) {
                s.setObject(i + 1, values[order.get(i) - 1]);
            }
            if (!s.execute()) {
                return s.getUpdateCount();
            }
            int rows = 0;
            try (ResultSet read = s.getResultSet()) {
                while (read.next()) {
                    rows++;
                }
            }
            return rows;
        }
    }

    /** The first column of every row {@code sql} reads, as numbers. */
    public static List<Long> longs(Connection c, String sql) throws SQLException {
        List<Long> values = new java.util.ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getLong(1));
            }
        }
        return values;
    }

    /** Drops the library's tables and creates them again from the dialect's schema scripts, in order. */
    public void recreateTables(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            for (String table : List.of("background_task", "background_task_completed", "background_task_queue",
                    "background_task_cap", "background_task_schema")) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            s.execute("DROP SEQUENCE IF EXISTS background_task_seq");
            for (String script : SchemaScripts.scripts(dialect)) {
                for (String sql : SchemaScripts.statements(script)) {
                    s.execute(sql);
                }
            }
        }
    }
}
