package dev.backgroundtasks.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the databases the integration tests run against, once per test run, so that the test
 * command works on a machine whose PostgreSQL and MariaDB have never seen this project: the
 * PostgreSQL database when {@code test.database.admin-url} is set, and the MariaDB database and
 * its user when {@code test.mariadb.admin-url} is set (the failsafe run sets both).
 */
public class TestDatabase implements LauncherSessionListener {

    /** The database the Payara Micro test servers use (server-config/payara-micro/*-test.asadmin). */
    public static final String NAME = "background_tasks_test";
    /** The MariaDB user of mariadb-test.asadmin; its password is the same word. */
    public static final String MARIADB_USER = "background_tasks";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String adminUrl = System.getProperty("test.database.admin-url");
        if (adminUrl != null) {
            createPostgresDatabase(adminUrl);
        }
        String mariadbUrl = System.getProperty("test.mariadb.admin-url");
        if (mariadbUrl != null) {
            createMariaDbDatabase(mariadbUrl);
        }
    }

    private static void createPostgresDatabase(String adminUrl) {
        try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", "postgres");
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, NAME);
            try (ResultSet rows = exists.executeQuery()) {
                if (!rows.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + NAME);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare the test database " + NAME + " through " + adminUrl
                    + ": is PostgreSQL running on localhost?", e);
        }
    }

    /** As root with an empty password, as a fresh MariaDB on localhost has it. */
    private static void createMariaDbDatabase(String adminUrl) {
        try (Connection connection = DriverManager.getConnection(adminUrl, "root", "");
             Statement s = connection.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + NAME + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            for (String host : new String[] {"localhost", "127.0.0.1", "%"}) {
                s.execute("CREATE USER IF NOT EXISTS '" + MARIADB_USER + "'@'" + host + "' IDENTIFIED BY '" + MARIADB_USER + "'");
                s.execute("GRANT ALL PRIVILEGES ON " + NAME + ".* TO '" + MARIADB_USER + "'@'" + host + "'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare the MariaDB test database " + NAME + " through " + adminUrl
                    + ": is MariaDB running on localhost with root allowed in without a password?", e);
        }
    }
}
