package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.ScratchDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
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
    void readsTheDatabasesClockAndCarriesItForwardOnTheTicker(String name) throws Exception {
        ScratchDatabase scratch = ScratchDatabase.on(name);
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        DatabaseClock clock = new DatabaseClock(new Database(scratch.dataSource()), nanos::get);

        Instant before = Instant.now();
        Duration skew = clock.synchronize();
        Instant read = clock.now();
        Instant after = Instant.now();

        // The databases here run on this machine's clock: the reading lies within the call, give or take a millisecond.
        assertTrue(!read.isBefore(before.minusMillis(2)) && !read.isAfter(after.plusMillis(2)),
                name + ": read " + read + " between " + before + " and " + after);
        assertTrue(skew.abs().compareTo(Duration.ofMillis(100)) < 0, name + ": skew " + skew);
        // Only the ticker moves it between readings: the node's wall clock takes no part.
        nanos.addAndGet(Duration.ofSeconds(90).toNanos());
        assertEquals(read.plusSeconds(90), clock.now());
        assertEquals(clock.now(), clock.clock().instant());
    }
}
