package dev.backgroundtasks.internal.web;

import dev.backgroundtasks.internal.config.HealthSettings;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.NodeSettings;
import dev.backgroundtasks.internal.config.Ticker;
import dev.backgroundtasks.internal.store.Database;
import dev.backgroundtasks.internal.worker.Lifecycle;
import dev.backgroundtasks.internal.worker.WorkerStats;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the health probes answer, the same through the library's own endpoint and through
 * MicroProfile Health where the server has it:
 * <ul>
 * <li>started: the tables are checked and the worker (where it is on) started;</li>
 * <li>live: neither the claim loop's current turn nor the success batcher's current write has run
 * longer than {@code health.stuck-after}. A turn that fails because the database is down ends at
 * once, so liveness stays UP while the database is down: restarting every pod would not bring it back;</li>
 * <li>ready: started, the worker running and not draining, and (unless switched off) the database
 * answering within {@code health.database-timeout}, one answer reused for {@code health.database-cache}.</li>
 * </ul>
 */
@ApplicationScoped
public class Probes {

    /** One probe's answer, with what it looked at. */
    public record Probe(String name, boolean up, Map<String, Object> data) {
    }

    private record Answer(long atNanos, boolean up, String detail) {
    }

    @Inject
    Lifecycle lifecycle;

    @Inject
    WorkerStats stats;

    @Inject
    NodeSettings node;

    @Inject
    HealthSettings settings;

    @Inject
    Database database;

    @Inject
    @Library
    ManagedExecutorService executor;

    @Inject
    @Library
    Ticker ticker;

    private Answer lastAnswer;
    private Future<?> outstanding;
    private long outstandingSince;

    public Probe started() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("worker", !node.enabled() ? "off" : stats.working() ? "running" : "stopped");
        return new Probe("background-tasks-started", lifecycle.started(), data);
    }

    public Probe live() {
        long now = ticker.nanoTime();
        Duration turn = stats.claimLoop().busyFor(now);
        Duration write = stats.successBatcher().busyFor(now);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("claimLoopTurnSeconds", turn.toMillis() / 1000.0);
        data.put("successWriteSeconds", write.toMillis() / 1000.0);
        data.put("claimLoopTurns", stats.claimLoop().turns());
        data.put("stuckAfterSeconds", settings.stuckAfter().toSeconds());
        boolean stuck = stats.working() && (turn.compareTo(settings.stuckAfter()) > 0 || write.compareTo(settings.stuckAfter()) > 0);
        return new Probe("background-tasks-live", !stuck, data);
    }

    public Probe ready() {
        Map<String, Object> data = new LinkedHashMap<>();
        boolean started = lifecycle.started();
        boolean working = !node.enabled() || stats.working();
        data.put("worker", !node.enabled() ? "off" : working ? "running" : "stopped or draining");
        boolean up = started && working;
        if (settings.readinessChecksDatabase()) {
            Answer db = database();
            data.put("database", db.detail());
            up &= db.up();
        }
        return new Probe("background-tasks-ready", up, data);
    }

    /**
     * The database's last answer while fresh, else a new one within the timeout (concurrent probes
     * share it). A ping still waiting from an earlier probe (a database that hangs) is not joined by
     * another: the answer is DOWN until it returns, so blocked threads never pile up.
     */
    private synchronized Answer database() {
        long now = ticker.nanoTime();
        Answer last = lastAnswer;
        if (last != null && now - last.atNanos() < settings.databaseCache().toNanos()) {
            return last;
        }
        if (outstanding != null && !outstanding.isDone()) {
            return new Answer(now, false, "no answer yet, waiting since "
                    + Duration.ofNanos(now - outstandingSince).toMillis() + " ms");
        }
        Answer answer;
        try {
            outstandingSince = now;
            outstanding = executor.submit(() -> {
                try (Connection c = database.connection()) {
                    if (!c.isValid((int) Math.max(1, settings.databaseTimeout().toSeconds()))) {
                        throw new IllegalStateException("the connection is not valid");
                    }
                }
                return null;
            });
            outstanding.get(settings.databaseTimeout().toMillis(), TimeUnit.MILLISECONDS);
            answer = new Answer(ticker.nanoTime(), true, "UP");
        } catch (TimeoutException e) {
            answer = new Answer(ticker.nanoTime(), false, "no answer within " + settings.databaseTimeout());
        } catch (ExecutionException e) {
            answer = new Answer(ticker.nanoTime(), false, String.valueOf(e.getCause().getMessage()));
        } catch (RejectedExecutionException e) {
            answer = new Answer(ticker.nanoTime(), false, "the application is stopping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = new Answer(ticker.nanoTime(), false, "interrupted");
        }
        lastAnswer = answer;
        return answer;
    }
}
