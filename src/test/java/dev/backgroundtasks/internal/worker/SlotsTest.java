package dev.backgroundtasks.internal.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlotsTest {

    /**
     * A task claimed again while an earlier claim of it still runs here (its lease expired under
     * it): the first run's end must not untrack the second, which keeps its slot and its timeout.
     */
    @Test
    void aSecondClaimOfOneTaskStaysTrackedWhenTheFirstEnds() throws Exception {
        Slots slots = new Slots();
        ManualTicker ticker = new ManualTicker();
        List<Execution> late = new ArrayList<>();
        TimeoutWatch watch = new TimeoutWatch(slots, ticker, late::add);
        slots.accept(List.of(ClaimedRows.claimed(7, "default", 1, 3)), 0L);
        Execution first = slots.takeReady(0);
        first.begin();
        first.started(null, Instant.now(), ticker.nanoTime() + 1_000);
        slots.accept(List.of(ClaimedRows.claimed(7, "default", 2, 3)), 0L);
        Execution second = slots.takeReady(0);
        second.begin();
        second.started(null, Instant.now(), ticker.nanoTime() + Duration.ofSeconds(5).toNanos());
        assertEquals(2, slots.size(), "both runs hold a slot");

        first.settle();
        slots.remove(first);
        assertEquals(List.of(7L), slots.ids(), "the second run is still tracked");
        ticker.advance(Duration.ofSeconds(6));
        assertEquals(1, watch.checkOnce());
        assertEquals(List.of(second), late, "and still timed out");
    }

    @Test
    void aCancelReachesEveryRunOfTheTaskHere() throws Exception {
        Slots slots = new Slots();
        slots.accept(List.of(ClaimedRows.claimed(7, "default", 1, 3), ClaimedRows.claimed(7, "default", 2, 3),
                ClaimedRows.claimed(8, "default", 1, 3)), 0L);
        assertTrue(slots.cancel(7));
        int cancelled = 0;
        for (Execution e : slots.all()) {
            cancelled += e.isCancellationRequested() ? 1 : 0;
        }
        assertEquals(2, cancelled);
        assertEquals(false, slots.cancel(9));
    }
}
