package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.Ticker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one clock every node reads leases, due times and outcomes on: the database's. It is read
 * from the database now and then ({@link #synchronize()}) and carried forward between readings by
 * the monotonic ticker, so a node whose wall clock is wrong, or is set while it runs, still writes
 * and compares the times every other node does. Until the first reading succeeds it is the node's
 * own clock.
 *
 * <p>Threads: any; a reading is replaced whole.
 */
@ApplicationScoped
public class DatabaseClock {

    @Inject
    Database database;

    @Inject
    @Library
    Ticker ticker;

    /** The database's time at one tick of this node's ticker. */
    private record Reading(Instant at, long nanos) {
    }

    private volatile Reading reading;

    /** For the container. */
    DatabaseClock() {
    }

    /** On a database and ticker of the caller's: a plain test against a real database. */
    public DatabaseClock(Database database, Ticker ticker) {
        this.database = database;
        this.ticker = ticker;
    }

    @Produces
    @Library
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("The database clock is UTC");
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    /** The database's time now, as of the last reading; the node's own clock before the first. */
    public Instant now() {
        Reading r = reading;
        if (r == null) {
            return Instant.now();
        }
        return r.at().plusNanos(ticker.nanoTime() - r.nanos());
    }

    /**
     * Reads the database's clock. The reading is taken as of the middle of the round trip, so it is
     * off by at most half of it.
     *
     * @return how far this node's wall clock is from the database's (positive when the node is ahead)
     */
    public Duration synchronize() throws SQLException {
        long before = ticker.nanoTime();
        Instant at = database.now();
        long after = ticker.nanoTime();
        reading = new Reading(at, before + (after - before) / 2);
        return Duration.between(now(), Instant.now());
    }
}
