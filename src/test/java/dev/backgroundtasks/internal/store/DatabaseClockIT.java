package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.Ticker;
import dev.backgroundtasks.internal.store.dialect.ScratchDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clock every node reads leases and due times on is the database's, read on each real database
 * and carried forward by the node's monotonic ticker alone, whatever the node's own clock says.
 */
class DatabaseClockIT {

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void readsTheDatabasesClockLowNeverHigh(String name) throws Exception {
        DatabaseClock clock = new DatabaseClock(new Database(ScratchDatabase.on(name).dataSource()), Ticker.SYSTEM);
        Instant before = Instant.now();
        Duration skew = clock.synchronize();
        Instant read = clock.now();
        Instant after = Instant.now();

        // The databases here run on this machine's clock: the reading lies within the call, give or take a millisecond.
        assertTrue(!read.isBefore(before.minusMillis(2)) && !read.isAfter(after.plusMillis(2)),
                name + ": read " + read + " between " + before + " and " + after);
        assertTrue(skew.abs().compareTo(Duration.ofMillis(100)) < 0, name + ": skew " + skew);
        // It reads low, never high: a task claimed on it is never early by the database's clock (here, the machine's).
        for (int i = 0; i < 1_000; i++) {
            Instant estimate = clock.now();
            Instant machine = Instant.now();
            assertTrue(!estimate.isAfter(machine), name + ": read " + estimate + " ahead of " + machine);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void betweenReadingsOnlyTheTickerMovesIt(String name) throws Exception {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        DatabaseClock clock = new DatabaseClock(new Database(ScratchDatabase.on(name).dataSource()), nanos::get);
        clock.synchronize();
        Instant read = clock.now();
        nanos.addAndGet(Duration.ofSeconds(90).toNanos());
        // 90 s on the ticker, less what the clocks are taken to drift apart in 90 s (100 millionths: 9 ms).
        assertEquals(read.plusSeconds(90).minusMillis(9), clock.now(), "the node's wall clock takes no part");
        assertEquals(clock.now(), clock.clock().instant());
        assertEquals(clock.now(), clock.clock().withZone(ZoneId.of("Europe/Paris")).instant(), "every zone, the same instant");
        // Nothing takes it back from a time it told: not a ticker read back, nor a lower reading.
        Instant told = clock.now();
        nanos.addAndGet(-Duration.ofSeconds(90).toNanos());
        assertEquals(told, clock.now(), "never back");
    }
}
