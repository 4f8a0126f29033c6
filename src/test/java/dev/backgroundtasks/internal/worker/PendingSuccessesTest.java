package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.dialect.Finished;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.backgroundtasks.internal.worker.ClaimedRows.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingSuccessesTest {

    private final ManualTicker ticker = new ManualTicker();
    private final PendingSuccesses pending = new PendingSuccesses(4, Duration.ofMillis(2).toNanos(), ticker);

    private static Finished finished(long id) {
        return new Finished(ClaimedRows.claimed(id, "default", 1, 3), null, null, T0, T0);
    }

    private static List<Long> ids(List<Finished> batch) {
        return batch.stream().map(f -> f.task().getId()).toList();
    }

    @Test
    void aBatchWaitsForItsDelayUnlessItIsFull() {
        pending.add(finished(1));
        pending.add(finished(2));
        assertEquals(List.of(), pending.takeIfReady(), "neither full nor old enough");
        ticker.advance(Duration.ofMillis(2));
        assertEquals(List.of(1L, 2L), ids(pending.takeIfReady()), "the oldest waited the whole delay");
        assertEquals(List.of(), pending.takeIfReady());
    }

    @Test
    void aFullBatchIsReadyAtOnceAndHoldsBackTheClaimUntilTaken() {
        for (long id = 1; id <= 3; id++) {
            pending.add(finished(id));
            assertFalse(pending.isBackedUp(), "not full yet: " + id);
        }
        pending.add(finished(4));
        assertTrue(pending.isBackedUp(), "a full batch waits: the claim loop claims nothing");
        pending.add(finished(5));
        assertEquals(List.of(1L, 2L, 3L, 4L), ids(pending.takeIfReady()), "in order, at most a batch");
        assertFalse(pending.isBackedUp());
        assertEquals(List.of(), pending.takeIfReady(), "the one left over starts its own delay");
        ticker.advance(Duration.ofMillis(2));
        assertEquals(List.of(5L), ids(pending.takeIfReady()));
    }

    @Test
    void closingHandsBackWhatWaitsAndRefusesMore() throws Exception {
        pending.add(finished(1));
        assertEquals(List.of(1L), ids(pending.close()));
        assertFalse(pending.add(finished(2)), "after close the caller archives on its own");
        assertEquals(List.of(), pending.awaitBatch(), "a closed batcher's thread ends");
    }

    @Test
    void aWaitingBatcherWakesForAFullBatch() throws Exception {
        PendingSuccesses slow = new PendingSuccesses(2, Duration.ofHours(1).toNanos(), ticker);
        Thread adder = new Thread(() -> {
            slow.add(finished(1));
            slow.add(finished(2));
        });
        adder.start();
        assertEquals(List.of(1L, 2L), ids(slow.awaitBatch()), "full: no need to wait out the hour");
        adder.join();
    }
}
