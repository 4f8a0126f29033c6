package dev.backgroundtasks.it;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What test tasks leave behind, in a table of the same database: a task that ran writes a row in
 * its own transaction, and the test reads the rows. Also reads the library's tables as SQL sees them.
 */
@ApplicationScoped
public class Effects {

    /**
     * Injected rather than looked up on each use: tests read effects from Awaitility's polling
     * threads, where WildFly has no {@code java:comp} namespace.
     */
    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    /** Empties the effect table and the library's tables. */
    public void reset() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS test_effect (effect_key VARCHAR(100) NOT NULL, effect_value VARCHAR(1000))");
            s.execute("DELETE FROM test_effect");
            s.execute("DELETE FROM background_task");
            s.execute("DELETE FROM background_task_completed");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes an effect; joins the caller's JTA transaction when there is one. */
    public void record(String key, String value) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO test_effect (effect_key, effect_value) VALUES (?, ?)")) {
            s.setString(1, key);
            s.setString(2, value);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a statement on the tables directly, as an operator or another node would. */
    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> values(String key) {
        return strings("SELECT effect_value FROM test_effect WHERE effect_key = ? ORDER BY effect_value", key);
    }

    /** A single number from a query, such as a count. */
    public long number(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> strings(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<String> result = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    result.add(rows.getString(1));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
