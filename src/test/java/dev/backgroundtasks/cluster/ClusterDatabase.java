package dev.backgroundtasks.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The database a cluster test's nodes (or a server's applications) share, read and written
 * directly, as an operator would.
 */
public record ClusterDatabase(String url, String user, String password) {

    /** The PostgreSQL test database of postgresql-test.asadmin (and of the WildFly and Open Liberty test servers). */
    public static final ClusterDatabase POSTGRESQL =
            new ClusterDatabase("jdbc:postgresql://127.0.0.1:5432/background_tasks_test", "postgres", "postgres");

    /** The MariaDB test database of mariadb-test.asadmin. */
    static final ClusterDatabase MARIADB =
            new ClusterDatabase("jdbc:mariadb://127.0.0.1:3306/background_tasks_test", "background_tasks", "background_tasks");

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    public long number(String query, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    List<String> strings(String query, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    void sql(String statement) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** How many effects of one run each node left. */
    Map<String, Long> countsByNode(int run) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT node, COUNT(*) FROM cluster_effect WHERE run_id = ? GROUP BY node")) {
            s.setInt(1, run);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return counts;
    }
}
