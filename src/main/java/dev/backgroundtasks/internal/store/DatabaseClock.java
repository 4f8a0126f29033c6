package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.Ticker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one clock every node reads leases, due times and outcomes on: the database's. It is read
 * from the database now and then ({@link #synchronize()}) and carried forward between readings by
 * the monotonic ticker, so a node whose wall clock is wrong, or is set while it runs, still writes
 * and compares the times every other node does. It reads low rather than high: a reading is dated
 * at the end of its round trip, so this clock is never ahead of the database's, and a task is
 * never claimed before the database's clock has reached its time. Until the first reading succeeds
 * it is the node's own clock.
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

    /** How many round trips one synchronization makes; the shortest is kept, as the most precise. */
    static final int ROUND_TRIPS = 3;

    /**
     * How far a node's monotonic clock and the database's clock are taken to drift apart, in
     * millionths: well above what disciplined clocks drift. Carried forward from a reading (renewed
     * every few seconds), this clock runs that much slow, so drift does not take it past the
     * database's.
     */
    static final long MAX_DRIFT_PPM = 100;
    private static final long NANOS = 1_000_000_000L;

    /**
     * The database's time in nanoseconds since the epoch, no later than it was at one tick of this
     * node's ticker; {@code roundTrip} bounds how much earlier.
     */
    private record Reading(long atNanos, long nanos, long roundTrip) {
    }

    private volatile Reading reading;
    /** The latest time this clock told, in nanoseconds since the epoch: it never tells an earlier one. */
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

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
        return new ReadingClock(ZoneOffset.UTC);
    }

    /** This clock in a zone; every zone tells the same instants. */
    private final class ReadingClock extends Clock {

        private final ZoneId zone;

        ReadingClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return new ReadingClock(other);
        }

        @Override
        public Instant instant() {
            return now();
        }
    }

    /**
     * The database's time now, as of the last reading, carried forward on the ticker less the most
     * the two clocks can drift apart meanwhile; the node's own clock before the first reading. It
     * never goes back, even when a new reading is lower than the last one carried forward: it waits
     * for it instead.
     */
    public Instant now() {
        Reading r = reading;
        if (r == null) {
            // Not remembered: a node's own clock may be ahead, and the first reading must not wait for it.
            return Instant.now();
        }
        long elapsed = ticker.nanoTime() - r.nanos();
        long estimate = r.atNanos() + elapsed - elapsed / 1_000_000 * MAX_DRIFT_PPM;
        long at = last.accumulateAndGet(estimate, Math::max);
        return Instant.ofEpochSecond(Math.floorDiv(at, NANOS), Math.floorMod(at, NANOS));
    }

    /**
     * Reads the database's clock over a few round trips and keeps the shortest: the time the
     * database told is taken as of the round trip's end, so the clock reads at most that round trip
     * low, never high.
     *
     * @return how far this node's wall clock is from the database's (positive when the node is ahead)
     */
    public Duration synchronize() throws SQLException {
        Reading best = null;
        try (Connection connection = database.connection();
             PreparedStatement time = connection.prepareStatement(database.dialect().databaseTimeSql())) {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                long before = ticker.nanoTime();
                Instant at = read(time);
                long after = ticker.nanoTime();
                if (best == null || after - before < best.roundTrip()) {
                    best = new Reading(at.getEpochSecond() * NANOS + at.getNano(), after, after - before);
                }
            }
        }
        reading = best;
        return Duration.between(now(), Instant.now());
    }

    /** The database's time, from its whole microseconds since the epoch. */
    private static Instant read(PreparedStatement time) throws SQLException {
        try (ResultSet row = time.executeQuery()) {
            if (!row.next() || row.getBigDecimal(1) == null) {
                throw new SQLException("The database did not tell its time");
            }
            BigDecimal micros = row.getBigDecimal(1).setScale(0, RoundingMode.FLOOR);
            return Instant.EPOCH.plus(micros.longValueExact(), ChronoUnit.MICROS);
        }
    }
}
