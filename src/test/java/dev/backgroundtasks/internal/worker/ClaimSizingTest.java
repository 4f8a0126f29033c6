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
        return new ClaimSizing(new ClaimSettings(concurrency, Map.of(), Duration.ofSeconds(1), batchSize, false));
    }

    private static ClaimSizing queues(Map<String, Integer> slots) {
        return new ClaimSizing(new ClaimSettings(4, slots, Duration.ofSeconds(1), 32, false));
    }

    @Test
    void aNodeServingEveryQueueClaimsItsFreeSlotsNeverMore() {
        ClaimSizing sizing = everyQueue(8, 32);
        var round = sizing.round(3, Map.of("default", 3), Set.of());
        assertEquals(List.of(new ClaimSizing.Target(null, 5)), round.targets());
        assertFalse(round.full());
        var full = sizing.round(8, Map.of("default", 8), Set.of());
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
        var round = sizing.round(5, Map.of("default", 3, "mail", 2), Set.of("reports"));
        assertEquals(List.of(new ClaimSizing.Target("default", 1)), round.targets(),
                "mail is full, reports is paused, default has one slot left");
        assertTrue(round.full());
        var resumed = sizing.round(0, Map.of(), Set.of());
        assertEquals(List.of(new ClaimSizing.Target("default", 4), new ClaimSizing.Target("mail", 2),
                new ClaimSizing.Target("reports", 1)), resumed.targets());
        assertFalse(resumed.full());
    }

    @Test
    void tasksOfQueuesANodeDoesNotServeTakeNoneOfItsSlots() {
        ClaimSizing sizing = queues(Map.of("mail", 2));
        var round = sizing.round(1, Map.of("other", 1), Set.of());
        assertEquals(List.of(new ClaimSizing.Target("mail", 2)), round.targets());
    }
}
