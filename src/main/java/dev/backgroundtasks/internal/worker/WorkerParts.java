package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ClaimSettings;
import dev.backgroundtasks.internal.config.LeaseSettings;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.NodeSettings;
import dev.backgroundtasks.internal.config.Ticker;
import dev.backgroundtasks.internal.metrics.NodeMetrics;
import dev.backgroundtasks.internal.store.ClaimQueries;
import dev.backgroundtasks.internal.store.ControlWrites;
import dev.backgroundtasks.internal.store.ProgressWrites;
import dev.backgroundtasks.internal.store.TaskReads;
import dev.backgroundtasks.internal.task.TaskRegistry;
import dev.backgroundtasks.internal.trace.Tracing;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * Builds the parts of one start of the {@link Worker} and joins them to each other and to the
 * beans they report to; the worker starts their threads and timers and stops them.
 */
@ApplicationScoped
public class WorkerParts {

    @Inject
    NodeSettings node;

    @Inject
    ClaimSettings claimSettings;

    @Inject
    LeaseSettings leaseSettings;

    @Inject
    ClaimQueries claims;

    @Inject
    TaskReads reads;

    @Inject
    ControlWrites controlWrites;

    @Inject
    ProgressWrites progress;

    @Inject
    TaskRegistry registry;

    @Inject
    TaskInvoker invoker;

    @Inject
    OutcomeRecorder recorder;

    @Inject
    SuccessBatcher batcher;

    @Inject
    WorkerStats stats;

    @Inject
    NodeMetrics metrics;

    @Inject
    Tracing tracing;

    @Inject
    @Library
    ManagedScheduledExecutorService scheduler;

    @Inject
    @Library
    ManagedThreadFactory threads;

    @Inject
    @Library
    Clock clock;

    @Inject
    @Library
    Ticker ticker;

    /**
     * The parts of one start. Kept after a stop: a task still running after the drain stores its
     * outcome through them when it ends.
     */
    record Parts(Slots slots, ClaimLoop loop, Runners runners, ControlRefresh control, FailureLog failures,
                 Settlement settlement, TimeoutWatch timeouts) {
    }

    /** New parts, joined; {@code wake} asks the claim loop of the parts in use to look for work now. */
    Parts assemble(Runnable wake) {
        Slots slots = new Slots();
        FailureLog failures = new FailureLog(node.nodeId(), clock);
        ControlRefresh control = new ControlRefresh(reads, controlWrites::reconcileMarks,
                reports -> progress.store(reports, clock.instant()), slots, node.nodeId(), wake, failures);
        ClaimScope scope = ClaimScope.of(node.nodeId(), leaseSettings.leaseGrace(), registry.all(),
                claimSettings.ascending());
        ClaimLoop loop = new ClaimLoop(claimSettings, scope, claims, slots, batcher::isBackedUp,
                control::paused, control::capped, scheduler, clock, ticker, failures, Worker.START_DELAY);
        loop.reportTo(stats);
        stats.countBusySlots(slots::size);
        Settlement settlement = new Settlement(recorder, stats, slots, loop);
        Runners runners = new Runners(threads, slots, invoker, clock, ticker, settlement::finish, settlement::giveBack,
                leaseSettings.leaseGrace(), metrics, tracing);
        TimeoutWatch timeouts = new TimeoutWatch(slots, ticker, settlement::timedOut);
        return new Parts(slots, loop, runners, control, failures, settlement, timeouts);
    }
}
