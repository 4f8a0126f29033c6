package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ClaimSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClaimSizingTest {

    private static ClaimSizing everyQueue(int concurrency, int batchSize) {
        return new ClaimSizing(new ClaimSettings(concurrency, Map.of(), Duration.ofSeconds(1), batchSize, false, 0));
    }

    private static ClaimSizing queues(Map<String, Integer> slots) {
        return new ClaimSizing(new ClaimSettings(4, slots, Duration.ofSeconds(1), 32, false, 0));
    }

    @Test
    void aNodeServingEveryQueueClaimsItsFreeSlotsNeverMore() {
        ClaimSizing sizing = everyQueue(8, 32);
        var round = sizing.round(3, Map.of("default", 3), Set.of(), 0);
        assertEquals(List.of(new ClaimSizing.Target(null, 5)), round.targets());
        assertFalse(round.full());
        var full = sizing.round(8, Map.of("default", 8), Set.of(), 0);
        assertEquals(List.of(), full.targets(), "no free slot: no claim");
        assertTrue(full.full(), "and due work may be waiting for a slot");
    }

    @Test
    void aClaimIsBoundedByTheBatchSize() {
        ClaimSizing sizing = everyQueue(100, 32);
        assertEquals(32, sizing.limit(100));
        assertEquals(7, sizing.limit(7));
    }

    @Test
    void chosenQueuesClaimIntoTheirOwnSlotsInOrderAndSkipPausedOnes() {
        Map<String, Integer> slots = new LinkedHashMap<>();
        slots.put("default", 4);
        slots.put("mail", 2);
        slots.put("reports", 1);
        ClaimSizing sizing = queues(slots);
        var round = sizing.round(5, Map.of("default", 3, "mail", 2), Set.of("reports"), 0);
        assertEquals(List.of(new ClaimSizing.Target("default", 1)), round.targets(),
                "mail is full, reports is paused, default has one slot left");
        assertTrue(round.full());
        var resumed = sizing.round(0, Map.of(), Set.of(), 0);
        assertEquals(List.of(new ClaimSizing.Target("default", 4), new ClaimSizing.Target("mail", 2),
                new ClaimSizing.Target("reports", 1)), resumed.targets());
        assertFalse(resumed.full());
    }

    @Test
    void tasksOfQueuesANodeDoesNotServeTakeNoneOfItsSlots() {
        ClaimSizing sizing = queues(Map.of("mail", 2));
        var round = sizing.round(1, Map.of("other", 1), Set.of(), 0);
        assertEquals(List.of(new ClaimSizing.Target("mail", 2)), round.targets());
    }

    /** S6: a capped claim takes only the slots uncapped work of a higher priority does not wait for. */
    @Test
    void aCappedClaimLeavesTheSlotsHigherUncappedWorkNeeds() {
        ClaimSizing sizing = everyQueue(4, 32);
        assertEquals(new ClaimSizing.CappedShare(null, 4), sizing.cappedShare(4, List.of()), "no uncapped work: any run, every slot");
        assertEquals(new ClaimSizing.CappedShare(10, 4), sizing.cappedShare(4, List.of(10)),
                "one uncapped run at 10: capped runs of 10 or more first, in every slot");
        assertEquals(new ClaimSizing.CappedShare(-20, 3), sizing.cappedShare(4, List.of(10, -20, -20, -20, -20)),
                "the run at 10 keeps its slot; capped runs of -20 or more may take the other three");
        assertEquals(new ClaimSizing.CappedShare(5, 2), sizing.cappedShare(4, List.of(10, 8, 5, 5)));
        assertEquals(new ClaimSizing.CappedShare(8, 1), sizing.cappedShare(2, List.of(10, 8, 5, 5)),
                "fewer slots: the bound rises");
        assertEquals(new ClaimSizing.CappedShare(7, 4), sizing.cappedShare(4, List.of(7, 7, 7, 7, 7)), "ties go to the capped runs");
        assertEquals(new ClaimSizing.CappedShare(1, 2), everyQueue(4, 2).cappedShare(4, List.of(1, 1, 1, 1)),
                "never past the batch size");
    }

    /** Claims ahead only as many as the slots run within a quarter of the grace at the recent pace. */
    @Test
    void tasksAreClaimedAheadOnlyWhileRunsHoldTheirSlotsBriefly() {
        ClaimSizing sizing = new ClaimSizing(new ClaimSettings(8, Map.of(), Duration.ofSeconds(1), 32, false, 8));
        Duration grace = Duration.ofMinutes(1);
        assertEquals(0, sizing.ahead(0, grace), "no run has ended yet: none");
        assertEquals(8, sizing.ahead(Duration.ofMillis(1).toNanos(), grace), "short runs: claim-ahead");
        assertEquals(8, sizing.ahead(Duration.ofSeconds(10).toNanos(), grace), "8 slots run 12 such within 15 s");
        assertEquals(2, sizing.ahead(Duration.ofMinutes(1).toNanos(), grace), "8 slots run 2 such within 15 s");
        assertEquals(0, sizing.ahead(Duration.ofMinutes(10).toNanos(), grace), "long runs: none");
        assertEquals(0, everyQueue(8, 32).ahead(Duration.ofMillis(1).toNanos(), grace), "claim-ahead 0: none");

        var round = sizing.round(8, Map.of(), Set.of(), 8);
        assertEquals(List.of(new ClaimSizing.Target(null, 8)), round.targets(), "every slot busy: 8 ahead");
        assertFalse(round.full());
        assertTrue(sizing.round(16, Map.of(), Set.of(), 8).full(), "8 running and 8 ahead: nothing more");
        ClaimSizing queues = new ClaimSizing(new ClaimSettings(4, new LinkedHashMap<>(Map.of("default", 3)),
                Duration.ofSeconds(1), 32, false, 4));
        assertEquals(0, queues.ahead(Duration.ofMillis(1).toNanos(), grace),
                "none with chosen queues: their runners serve every queue, so a queue's tasks claimed ahead would overrun its slots");
    }
}
