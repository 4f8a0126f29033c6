package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ClaimSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much one claim round may take: per queue this node serves (or for every queue at once), the
 * free slots, never more. Pure arithmetic over a moment's counts; immutable and safe from any thread.
 */
final class ClaimSizing {

    /**
     * Free slots to claim into.
     *
     * @param queue the queue, or null for every queue but the paused ones
     * @param free  how many tasks the claims for this target may take, in all
     */
    record Target(String queue, int free) {
    }

    /**
     * One round's targets, in the order they are claimed.
     *
     * @param full whether some served queue had no free slot (so due work may wait for one)
     */
    record Round(List<Target> targets, boolean full) {
    }

    private final ClaimSettings settings;

    ClaimSizing(ClaimSettings settings) {
        this.settings = settings;
    }

    /**
     * The targets of a round.
     *
     * @param executing tasks in this node's slots
     * @param byQueue   those tasks by queue
     * @param paused    queues no node may start tasks from
     */
    Round round(int executing, Map<String, Integer> byQueue, Set<String> paused) {
        if (settings.servesEveryQueue()) {
            int free = settings.concurrency() - executing;
            return free <= 0 ? new Round(List.of(), true) : new Round(List.of(new Target(null, free)), false);
        }
        List<Target> targets = new ArrayList<>();
        boolean full = false;
        for (Map.Entry<String, Integer> queue : settings.queues().entrySet()) {
            if (paused.contains(queue.getKey())) {
                continue;
            }
            int free = queue.getValue() - byQueue.getOrDefault(queue.getKey(), 0);
            if (free <= 0) {
                full = true;
            } else {
                targets.add(new Target(queue.getKey(), free));
            }
        }
        return new Round(targets, full);
    }

    /** The limit of the next claim statement when {@code left} slots of a target are still free. */
    int limit(int left) {
        return Math.min(left, settings.batchSize());
    }
}
