package dev.backgroundtasks.internal.worker;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Counts this node's worker events that signal trouble, for logs, tests, metrics and health probes
 * (atomic counters and heartbeats, safe from any thread).
 */
@ApplicationScoped
public class WorkerStats {

    private final AtomicLong lostClaims = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong rescued = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();
    private final AtomicLong lastPollMillis = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private volatile IntSupplier busySlots = () -> 0;
    private final Heartbeat claimLoop = new Heartbeat();
    private final Heartbeat successBatcher = new Heartbeat();
    private volatile boolean working;

    /** Outcomes not stored because the row was no longer this worker's claim. */
    public long lostClaims() {
        return lostClaims.get();
    }

    /** Runs that went past their timeout and were interrupted for it. */
    public long overruns() {
        return overruns.get();
    }

    /** Rows whose expired lease this node released or archived. */
    public long rescued() {
        return rescued.get();
    }

    /**
     * Times the notification listener lost its connection or found notifications out of its reach;
     * meanwhile (or for good, in the second case) other nodes' tasks are found by polling.
     */
    public long listenerFailures() {
        return listenerFailures.get();
    }

    /** When the claim loop last completed a turn without failing (Unix millis), 0 before the first. */
    public long lastPollMillis() {
        return lastPollMillis.get();
    }

    /** The claim loop's turns. */
    public Heartbeat claimLoop() {
        return claimLoop;
    }

    /** The success batcher's writes. */
    public Heartbeat successBatcher() {
        return successBatcher;
    }

    /** Whether this node's worker runs: started and not stopping. */
    public boolean working() {
        return working;
    }

    void working(boolean now) {
        working = now;
    }

    /** Slots holding a claimed task now. */
    public int busySlots() {
        return busySlots.getAsInt();
    }

    /** Attempts still running when a stop's drain ended: interrupted and left to their leases. */
    public long abandoned() {
        return abandoned.get();
    }

    void abandoned(int count) {
        abandoned.addAndGet(count);
    }

    void polled(long epochMillis) {
        lastPollMillis.set(epochMillis);
    }

    void countBusySlots(IntSupplier counter) {
        busySlots = counter;
    }

    long lostClaim() {
        return lostClaims.incrementAndGet();
    }

    long overrun() {
        return overruns.incrementAndGet();
    }

    void listenerFailed() {
        listenerFailures.incrementAndGet();
    }

    void rescue(int count) {
        rescued.addAndGet(count);
    }
}
