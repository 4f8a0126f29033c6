package dev.backgroundtasks.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection that one worker thread keeps from one statement to the next, so that its hot path
 * (the claim loop, the completer) does not go through the pool, and the pool's validation query,
 * once per statement. It never holds a transaction open between uses. After any failure it is
 * closed and a fresh one is taken at the next use, so a restarted database is survived like with
 * the pool. While held it carries a network timeout, so a connection that hangs without an error
 * (a database host gone, a half-open connection) fails its statement in bounded time instead of
 * stopping its thread; the pool gets it back with its own timeout. Not for sharing between threads.
 */
public final class HeldConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HeldConnection.class.getName());

    /** Where a driver runs what a network timeout needs: the drivers used here need nothing run. */
    private static final Executor DIRECT = Runnable::run;

    private final Database database;
    private final String purpose;
    private final int networkTimeoutMillis;
    private Connection connection;
    /** The pool's isolation, to set back before the connection returns; null when unchanged. */
    private Integer restoreIsolation;
    /** The pool's network timeout, to set back before the connection returns; null when unchanged. */
    private Integer restoreNetworkTimeout;

    HeldConnection(Database database, String purpose, Duration networkTimeout) {
        this.database = database;
        this.purpose = purpose;
        this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, networkTimeout.toMillis());
    }

    /** Runs {@code work} on the held connection, taking one first if none is held. */
    <T> T use(Work<T> work) throws SQLException {
        if (connection == null) {
            take();
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

    /**
     * Takes a connection from the pool and sets it, once, to the dialect's isolation, so the claims
     * and archives on it do not set and restore it each time.
     */
    private void take() throws SQLException {
        Connection c = database.connection();
        try {
            Integer wanted = database.dialect().isolation();
            if (wanted != null) {
                int own = c.getTransactionIsolation();
                if (wanted != own) {
                    c.setTransactionIsolation(wanted);
                    restoreIsolation = own;
                }
            }
            if (networkTimeoutMillis > 0) {
                setNetworkTimeout(c);
            }
        } catch (SQLException | RuntimeException e) {
            connection = c;
            close();
            throw e;
        }
        connection = c;
    }

    private void setNetworkTimeout(Connection c) throws SQLException {
        try {
            int own = c.getNetworkTimeout();
            c.setNetworkTimeout(DIRECT, networkTimeoutMillis);
            restoreNetworkTimeout = own;
        } catch (SQLFeatureNotSupportedException | AbstractMethodError e) {
            // H2 in memory has no network; an old driver that cannot: the statements wait as the driver does.
            LOG.log(Level.FINE, "The " + purpose + " connection takes no network timeout", e);
        }
    }

    /** Gives the connection back to the pool, as the pool gave it; the next use takes a new one. */
    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        Integer restore = restoreIsolation;
        restoreIsolation = null;
        Integer restoreTimeout = restoreNetworkTimeout;
        restoreNetworkTimeout = null;
        if (c == null) {
            return;
        }
        try {
            if (restore != null) {
                c.setTransactionIsolation(restore);
            }
        } catch (SQLException e) {
            LOG.log(Level.FINE, "Restoring the " + purpose + " connection's isolation failed", e);
        }
        try {
            if (restoreTimeout != null) {
                c.setNetworkTimeout(DIRECT, restoreTimeout);
            }
        } catch (SQLException e) {
            LOG.log(Level.FINE, "Restoring the " + purpose + " connection's network timeout failed", e);
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.log(Level.FINE, "Closing the " + purpose + " connection failed", e);
        }
    }
}
