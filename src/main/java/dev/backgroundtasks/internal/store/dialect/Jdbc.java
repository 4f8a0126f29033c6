package dev.backgroundtasks.internal.store.dialect;

import java.sql.Connection;
import java.sql.SQLException;

/** A local JDBC transaction on a connection that is not enlisted in JTA. */
public final class Jdbc {

    /** Work on the connection that may throw {@link SQLException}. */
    public interface Work<T> {
        T run() throws SQLException;
    }

    private Jdbc() {
    }

    /** Runs {@code work} in one local transaction: committed when it returns, rolled back when it throws. */
    public static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
