package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.ResourceSettings;
import dev.backgroundtasks.internal.store.dialect.Dialect;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The database behind the task tables: its connections and which database it is. The tables live in the
 * application's default datasource, the same one the {@code background-tasks} persistence unit uses.
 */
@ApplicationScoped
public class Database {

    /** The persistence unit the library's entities belong to. */
    public static final String UNIT = "background-tasks";

    @Inject
    @Library
    DataSource dataSource;

    @Inject
    ResourceSettings resources;

    private volatile Dialect dialect;

    /** For the container. */
    Database() {
    }

    /** On a datasource of the caller's: a plain test of the worker's steps against a real database. */
    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A connection from the default datasource, in auto-commit mode when no JTA transaction is active. */
    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * A connection for one worker thread's hot path, kept between its statements; the thread closes
     * it when it stops.
     *
     * @param purpose what the thread does, for messages
     */
    public HeldConnection hold(String purpose) {
        return new HeldConnection(this, purpose, resources == null ? Duration.ZERO : resources.networkTimeout());
    }

    /** The dialect of the connected database, detected on first use. */
    public Dialect dialect() {
        Dialect d = dialect;
        if (d == null) {
            try (Connection connection = dataSource.getConnection()) {
                d = Dialect.forProduct(connection.getMetaData().getDatabaseProductName());
            } catch (SQLException e) {
                throw new IllegalStateException("background-tasks cannot reach its datasource: " + e.getMessage(), e);
            }
            dialect = d;
        }
        return d;
    }
}
