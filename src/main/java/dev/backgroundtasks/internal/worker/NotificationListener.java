package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ControlSettings;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.store.Database;
import dev.backgroundtasks.internal.store.dialect.Dialect;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wakes this node's worker when a transaction on any node commits new tasks, and has it re-read
 * control state when one pauses a queue or asks for a cancel, through the database's notifications
 * (LISTEN/NOTIFY on PostgreSQL). Polling remains the fallback, and the only mechanism where
 * notifications do not exist.
 *
 * <p>Thread: one of its own ({@code background-tasks-listener}), holding one pooled connection;
 * {@link #start} and {@link #stop()} from the worker's start and stop.
 */
@ApplicationScoped
public class NotificationListener {

    private static final Logger LOG = Logger.getLogger(NotificationListener.class.getName());
    /** How long one wait blocks, so that a stop is noticed promptly. */
    static final int WAIT_MILLIS = 250;
    /** The pause before listening again after the connection failed. */
    static final int RECONNECT_MILLIS = 1000;

    @Inject
    Database database;

    @Inject
    ControlSettings settings;

    @Inject
    WorkerStats stats;

    @Inject
    @Library
    ManagedThreadFactory threads;

    /** Whether the current start's thread goes on; one per start, so a thread that outlived its stop never goes on under the next. */
    private volatile AtomicBoolean running = new AtomicBoolean();
    private volatile Thread thread;

    /** Starts listening when the database supports it and it is enabled; returns whether it did. */
    boolean start(Runnable onNotification, Runnable onControl) {
        Dialect dialect = database.dialect();
        if (!settings.listen() || dialect.notifySql() == null) {
            return false;
        }
        AtomicBoolean run = new AtomicBoolean(true);
        running = run;
        thread = threads.newThread(() -> listen(dialect, onNotification, onControl, run));
        thread.setName("background-tasks-listener");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    void stop() {
        running.set(false);
        Thread t = thread;
        if (t != null) {
            try {
                t.join(WAIT_MILLIS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void listen(Dialect dialect, Runnable onNotification, Runnable onControl, AtomicBoolean running) {
        boolean failing = false;
        while (running.get()) {
            try (Connection connection = database.connection()) {
                try {
                    dialect.listen(connection);
                    if (failing) {
                        LOG.info("background-tasks listener reconnected");
                        failing = false;
                    }
                    // Anything committed while the listener was away is found by this poll.
                    onNotification.run();
                    onControl.run();
                    while (running.get()) {
                        List<String> payloads = dialect.awaitNotification(connection, WAIT_MILLIS);
                        if (payloads.contains(Dialect.CONTROL)) {
                            onControl.run();
                        }
                        if (!payloads.isEmpty()) {
                            onNotification.run();
                        }
                    }
                } finally {
                    unlisten(dialect, connection);
                }
            } catch (SQLFeatureNotSupportedException e) {
                // Not a lost connection: this server does not let the application reach the driver's
                // notifications. Reconnecting would only take a pooled connection once a second for nothing.
                stats.listenerFailed();
                LOG.log(Level.WARNING, "background-tasks cannot wait for database notifications on this server; "
                        + "this node finds tasks committed on other nodes by polling only", e);
                running.set(false);
            } catch (SQLException | RuntimeException e) {
                stats.listenerFailed();
                if (!failing) {
                    LOG.log(Level.WARNING, "background-tasks listener lost its connection; polling covers until it "
                            + "reconnects", e);
                    failing = true;
                }
                pause(running);
            }
        }
    }

    /** The connection goes back to the pool: it must not stay subscribed. A broken one cannot, and is the pool's to drop. */
    private static void unlisten(Dialect dialect, Connection connection) {
        try {
            dialect.unlisten(connection);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "background-tasks listener could not unsubscribe its connection", e);
        }
    }

    private static void pause(AtomicBoolean running) {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }
}
