package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ClaimSettings;

import java.time.Duration;
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
     * @param free  how many tasks the claims for this target may take, in all, claims ahead included
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

    /**
     * What the next capped claim may take: how many runs, and how far down the priorities.
     *
     * @param priorityBound the lowest priority it may claim (highest, lower priorities first), null for any
     * @param limit         the most runs it may claim
     */
    record CappedShare(Integer priorityBound, int limit) {
    }

    private final ClaimSettings settings;

    ClaimSizing(ClaimSettings settings) {
        this.settings = settings;
    }

    /**
     * How many tasks beyond its free slots this node may claim now: {@code claim-ahead}, but only as
     * many as its slots run within a quarter of the lease grace at the recent pace, so that a task
     * claimed ahead waits for a slot far less than the half grace after which it is given back
     * (tasks that hold their slots for long are never claimed ahead); none before any run ended, and
     * none on a node with chosen queues, whose runners serve every queue's ready tasks in turn (a
     * queue's tasks claimed ahead would run in other queues' idle slots, beyond its own).
     *
     * @param typicalHoldNanos how long recent runs held their slots, 0 when unknown
     */
    int ahead(long typicalHoldNanos, Duration grace) {
        if (settings.claimAhead() == 0 || typicalHoldNanos <= 0 || !settings.servesEveryQueue()) {
            return 0;
        }
        long withinQuarterGrace = (long) settings.slots() * (grace.toNanos() / 4) / typicalHoldNanos;
        return (int) Math.min(settings.claimAhead(), withinQuarterGrace);
    }

    /**
     * The targets of a round.
     *
     * @param executing tasks in this node's slots (claimed ahead included)
     * @param byQueue   those tasks by queue
     * @param paused    queues no node may start tasks from
     * @param ahead     how many tasks this node may claim beyond its slots ({@link #ahead})
     */
    Round round(int executing, Map<String, Integer> byQueue, Set<String> paused, int ahead) {
        if (settings.servesEveryQueue()) {
            int free = settings.concurrency() + ahead - executing;
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

    /**
     * The share of {@code left} free slots the next capped claim may take, given the priorities of
     * the due runs without a cap in claim order ({@code duePriorities}, at least the first
     * {@code left}): it goes no lower than the weakest of them that would still get a slot, and
     * leaves a slot for each one strictly ahead of that. At equal priority capped runs go first; a
     * capped run between two uncapped ones may wait one turn more than its priority asks.
     */
    CappedShare cappedShare(int left, List<Integer> duePriorities) {
        int contenders = Math.min(left, duePriorities.size());
        if (contenders == 0) {
            return new CappedShare(null, limit(left));
        }
        Integer weakest = duePriorities.get(contenders - 1);
        return new CappedShare(weakest, limit(left - duePriorities.indexOf(weakest)));
    }

    /** The limit of the next claim statement when {@code left} slots of a target are still free. */
    int limit(int left) {
        return Math.min(left, settings.batchSize());
    }
}
