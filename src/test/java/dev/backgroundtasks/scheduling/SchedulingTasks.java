package dev.backgroundtasks.scheduling;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.RetryTask;
import dev.backgroundtasks.TaskContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;

/** Tasks that record what their {@link TaskContext} says, for the scheduling tests. */
@ApplicationScoped
public class SchedulingTasks {

    @Inject
    TaskContext context;

    @Inject
    Runs runs;

    private void record(String key, String value) {
        runs.add(new Runs.Run(key, value, Instant.now(), context.id().value(), context.attempt(), context.queue(),
                context.scheduledAt()));
    }

    /** Records its run. */
    @Background(name = "sched.note")
    public void note(String key, String value) {
        record(key, value);
    }

    /** Records its run, then holds its slot for {@code millis}. */
    @Background(name = "sched.hold")
    public void hold(String key, String value, long millis) throws InterruptedException {
        runs.started(key);
        try {
            record(key, value);
            Thread.sleep(millis);
        } finally {
            runs.finished(key);
        }
    }

    /** Fails its first attempt, asking for a quick retry, and succeeds on the second. */
    @Background(name = "sched.flaky", maxAttempts = 3)
    public String flaky(String key) {
        record(key, "attempt " + context.attempt());
        if (context.attempt() == 1) {
            throw new RetryTask("first attempt fails", Duration.ofMillis(300));
        }
        return "done on attempt " + context.attempt();
    }

    /** Records its run; never more than one run at a time in the cluster. */
    @Background(name = "sched.capped", maxRunning = 1)
    public void capped(String key, String value) {
        record(key, value);
    }

    /** Returns a value to store. */
    @Background(name = "sched.sum")
    public long sum(long a, long b) {
        return a + b;
    }

    /** Always fails, once. */
    @Background(name = "sched.fail", maxAttempts = 1)
    public void fail(String key) {
        record(key, "failed");
        throw new IllegalStateException("fails on purpose");
    }

    /** Sleeps far past its 2 s timeout unless interrupted; records which. */
    @Background(name = "sched.overdue", timeout = "PT2S", maxAttempts = 1)
    public void overdue(String key) {
        record(key, "started");
        try {
            Thread.sleep(20_000);
            record(key, "slept");
        } catch (InterruptedException e) {
            record(key, "interrupted");
        }
    }

    /** Busy for {@code millis} without blocking, so it never sees an interrupt, then returns. */
    @Background(name = "sched.busy")
    public void busy(String key, long millis) {
        record(key, "started");
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
        record(key, "returned");
    }

    /** Runs until cancelled: it sleeps (interruptible) and checks the flag. */
    @Background(name = "sched.endless", timeout = "PT60S")
    public void endless(String key) {
        record(key, "started");
        try {
            while (!context.isCancellationRequested()) {
                Thread.sleep(50);
            }
            record(key, "saw the flag");
        } catch (InterruptedException e) {
            record(key, "interrupted, flag " + context.isCancellationRequested());
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped", e);
        }
    }

    /** Every hour on the hour, in UTC; the test moves its waiting run into the past. */
    @Background(name = "sched.hourly", cron = "0 0 * * * *", zone = "UTC")
    public void hourly() {
        record("hourly", "ran");
    }
}
