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
 * Creates the PostgreSQL database the integration tests run against, once per test run, so that
 * the test command works on a machine whose PostgreSQL has never seen this project. Does nothing
 * unless {@code test.database.url} is set (the failsafe run sets it).
 */
public class TestDatabase implements LauncherSessionListener {

    /** The database the Payara Micro test servers use (server-config/payara-micro/postgresql-test.asadmin). */
    public static final String NAME = "background_tasks_test";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String adminUrl = System.getProperty("test.database.admin-url");
        if (adminUrl == null) {
            return;
        }
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
}
