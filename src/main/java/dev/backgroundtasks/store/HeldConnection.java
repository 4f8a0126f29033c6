package dev.backgroundtasks.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection that one worker thread keeps from one statement to the next, so that its hot path
 * (the claim loop, the completer) does not go through the pool, and the pool's validation query,
 * once per statement. It never holds a transaction open between uses. After any failure it is
 * closed and a fresh one is taken at the next use, so a restarted database is survived like with
 * the pool. Not for sharing between threads.
 */
public final class HeldConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HeldConnection.class.getName());

    private final Database database;
    private final String purpose;
    private Connection connection;

    HeldConnection(Database database, String purpose) {
        this.database = database;
        this.purpose = purpose;
    }

    /** Runs {@code work} on the held connection, taking one first if none is held. */
    <T> T use(Work<T> work) throws SQLException {
        if (connection == null) {
            connection = database.connection();
        }
        try {
            return work.run(connection);
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Work on the held connection. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Gives the connection back to the pool; the next use takes a new one. */
    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.log(Level.FINE, "Closing the " + purpose + " connection failed", e);
            }
        }
    }
}
