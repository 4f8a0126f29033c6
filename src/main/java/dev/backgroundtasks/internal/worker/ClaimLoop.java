package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ClaimSettings;
import dev.backgroundtasks.internal.config.Ticker;
import dev.backgroundtasks.internal.store.ClaimQueries;
import dev.backgroundtasks.internal.store.Database;
import dev.backgroundtasks.internal.store.HeldConnection;
import dev.backgroundtasks.internal.store.dialect.ClaimRequest;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The claim loop: waits for a {@link Signal} (a commit, a notification, a freed slot while work may
 * be waiting, a retry coming due, or the poll timer), then claims due tasks into
 * the free slots, each capped task within its cap first (as far down the priorities as due work
 * without a cap leaves room for), then the others, until a claim comes back short or no slot is free. While the database fails it backs off ({@link FailureBackoff}).
 *
 * <p>Thread: {@link #run()} runs on one thread of the managed thread factory
 * ({@code background-tasks-poller}), which alone uses the held connection, the backoff and
 * {@link #claimNotBefore}. {@link #wake()}, {@link #wakeAt}, {@link #slotFreed()} and {@link #stop()}
 * are called from any thread; {@link #backlog} and {@link #active} are volatile for them.
 */
final class ClaimLoop {

    private final ClaimSettings settings;
    private final ClaimScope scope;
    private final ClaimQueries claims;
    private final Slots slots;
    private final ClaimSizing sizing;
    private final BooleanSupplier archiveBackedUp;
    private final Supplier<Set<String>> capped;
    /** Which capped task claims first in the next turn; the claim loop's thread only, like the two below. */
    private int cappedTurn;
    private Set<String> cappedSeen;
    private List<ClaimScope.Cap> capsNow = List.of();
    private final Supplier<Set<String>> paused;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Ticker ticker;
    private final FailureLog failureLog;
    private final Signal signal = new Signal();
    private final FailureBackoff backoff = new FailureBackoff();

    /** Set when a claim may have left due work behind: a full claim, or no free slot to claim into. */
    private volatile boolean backlog;
    private volatile boolean active = true;
    /** The ticker reading before which no claim is tried (start-up, backoff). */
    private long claimNotBefore;

    private volatile Runnable succeededTurn = () -> { };
    private volatile Heartbeat heartbeat = new Heartbeat();

    /**
     * @param archiveBackedUp whether a full batch of successes waits to be archived: then nothing is claimed
     * @param paused          the queues paused now
     * @param startDelay      how long after start the first claim waits
     */
    ClaimLoop(ClaimSettings settings, ClaimScope scope, ClaimQueries claims, Slots slots, BooleanSupplier archiveBackedUp,
              Supplier<Set<String>> paused, Supplier<Set<String>> capped, ScheduledExecutorService scheduler,
              Clock clock, Ticker ticker, FailureLog failureLog, Duration startDelay) {
        this.settings = settings;
        this.scope = scope;
        this.claims = claims;
        this.slots = slots;
        this.sizing = new ClaimSizing(settings);
        this.archiveBackedUp = archiveBackedUp;
        this.paused = paused;
        this.capped = capped;
        this.scheduler = scheduler;
        this.clock = clock;
        this.ticker = ticker;
        this.failureLog = failureLog;
        this.claimNotBefore = ticker.nanoTime() + startDelay.toNanos();
    }

    /**
     * The loop, on its own connection, until {@link #stop()}. Nothing else ends it: an interrupt
     * is not a stop (only {@link #stop()} is), and whatever a turn throws, an {@code Error}
     * included, is logged and backed off from, so the node never looks alive while it claims nothing.
     */
    void run(Database database) {
        try (HeldConnection connection = database.hold("claim loop")) {
            while (active) {
                try {
                    signal.await(settings.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    // Cleared by the throw; the loop goes on until stop().
                }
                if (!active) {
                    return;
                }
                if (ticker.nanoTime() - claimNotBefore < 0) {
                    continue;
                }
                try {
                    claimOnce(connection);
                    backoff.succeeded();
                    succeededTurn.run();
                } catch (RuntimeException | Error e) {
                    backOff(e);
                }
            }
        }
    }

    /**
     * Reports every turn, failed ones too, to the stats' claim-loop heartbeat, and the time of every
     * turn that claimed without failing as the last poll.
     */
    void reportTo(WorkerStats stats) {
        heartbeat = stats.claimLoop();
        succeededTurn = () -> stats.polled(clock.millis());
    }

    /** Asks the loop to look for work now. */
    void wake() {
        signal.wake();
    }

    /**
     * Wakes the loop at {@code due}: rounded up and a little late rather than early, which would find
     * nothing due; a timer that fires before the clock reaches {@code due} (the scheduler's clock
     * and this one do not run in step) waits again for the rest.
     */
    void wakeAt(Instant due) {
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis() + 2);
        try {
            scheduler.schedule(() -> {
                if (clock.instant().isBefore(due)) {
                    wakeAt(due);
                } else {
                    wake();
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: the rescheduled task is in the table for any node's next poll.
        }
    }

    /** A slot was freed: look again if the last claim may have left work behind. */
    void slotFreed() {
        if (backlog) {
            wake();
        }
    }

    /** Ends the loop after its current turn. */
    void stop() {
        active = false;
        wake();
    }

    /**
     * Claims into the free slots until a claim comes back short or no slot is left: one step of the
     * loop, without the wait.
     */
    void claimOnce(HeldConnection connection) {
        while (active) {
            if (archiveBackedUp.getAsBoolean()) {
                backlog = true;
                return;
            }
            Set<String> pausedNow = paused.get();
            ClaimSizing.Round round = round(pausedNow);
            // A claim that filled its limit may have left due work behind; so may a queue with no free slot.
            boolean filled = false;
            for (ClaimSizing.Target target : round.targets()) {
                // Each claim is a beat of its own: a turn that goes on claiming through a backlog is busy, not stuck.
                Heartbeat beat = heartbeat;
                beat.begin(ticker.nanoTime());
                try {
                    filled |= claim(connection, target, List.copyOf(pausedNow));
                } finally {
                    beat.end();
                }
            }
            backlog = filled || round.full();
            if (!filled || round(paused.get()).targets().isEmpty()) {
                return;
            }
        }
    }

    /** This moment's round; the count by queue only where the node serves chosen queues (it walks every slot). */
    private ClaimSizing.Round round(Set<String> pausedNow) {
        return sizing.round(slots.size(), settings.servesEveryQueue() ? Map.of() : slots.byQueue(), pausedNow,
                sizing.ahead(slots.typicalHoldNanos(), scope.leaseGrace()));
    }

    /**
     * Claims into one target's free slots: each capped task within its cap, then tasks without a cap.
     *
     * @return whether due work may have been left behind: a claim filled its limit
     */
    private boolean claim(HeldConnection connection, ClaimSizing.Target target, List<String> pausedNow) {
        LocalDateTime now = UtcInstantConverter.toUtc(clock.instant());
        long claimedNanos = ticker.nanoTime();
        ClaimRequest uncapped = scope.request(now, sizing.limit(target.free()), target.queue(), pausedNow);
        List<ClaimScope.Cap> caps = caps();
        if (caps.isEmpty()) {
            List<TaskEntity> claimed = claims.claim(connection, uncapped);
            slots.accept(claimed, claimedNanos);
            return claimed.size() == uncapped.limit();
        }
        // Capped tasks first, as a backlog without a cap would fill every claim and keep them waiting
        // whatever their priority; but only as far down the priorities as the due work without a cap
        // leaves room for, so that they never hold back uncapped work of a higher priority either.
        // Capped tasks take turns at going first, so no capped task's backlog keeps another waiting.
        List<Integer> duePriorities = claims.duePriorities(connection, uncapped);
        int first = Math.floorMod(cappedTurn++, caps.size());
        int left = target.free();
        boolean bounded = false;
        for (int i = 0; i < caps.size() && left > 0; i++) {
            ClaimScope.Cap cap = caps.get((first + i) % caps.size());
            ClaimSizing.CappedShare share = sizing.cappedShare(left, duePriorities);
            bounded |= share.priorityBound() != null;
            left -= claimCapped(connection, cap,
                    uncapped.withLimit(share.limit()).withPriorityBound(share.priorityBound()), claimedNanos);
        }
        if (left <= 0) {
            return true;
        }
        int limit = sizing.limit(left);
        List<TaskEntity> claimed = claims.claim(connection, uncapped.withLimit(limit));
        slots.accept(claimed, claimedNanos);
        if (claimed.size() == limit) {
            return true;
        }
        left -= claimed.size();
        // Fewer uncapped runs than expected (other nodes took some): capped runs below the bound fill the rest.
        for (int i = 0; i < caps.size() && left > 0 && bounded; i++) {
            ClaimScope.Cap cap = caps.get((first + i) % caps.size());
            left -= claimCapped(connection, cap, uncapped.withLimit(sizing.limit(left)), claimedNanos);
        }
        return left <= 0;
    }

    /** Claims runs of one capped task into free slots; returns how many. */
    private int claimCapped(HeldConnection connection, ClaimScope.Cap cap, ClaimRequest request, long claimedNanos) {
        List<TaskEntity> runs = claims.claimCapped(connection, request.withCappedTask(cap.task()), cap.max());
        slots.accept(runs, claimedNanos);
        return runs.size();
    }

    /** The capped tasks to claim apart, worked out again only when the refresh has read a new set. */
    private List<ClaimScope.Cap> caps() {
        Set<String> now = capped.get();
        if (now != cappedSeen) {
            capsNow = scope.caps(now);
            cappedSeen = now;
        }
        return capsNow;
    }

    /** The database is failing: wait longer before each claim, up to {@link FailureBackoff#MAX}. */
    private void backOff(Throwable e) {
        Duration wait = backoff.failed();
        claimNotBefore = ticker.nanoTime() + wait.toNanos();
        failureLog.failed("could not claim tasks (failure " + backoff.failures() + "); next try in " + wait, e);
        wakeAt(clock.instant().plus(wait));
    }
}
