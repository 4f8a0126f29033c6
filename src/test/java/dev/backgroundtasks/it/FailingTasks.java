package dev.backgroundtasks.it;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.NonRetryableException;
import dev.backgroundtasks.RetryTask;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Tasks that fail, stall or hang in the ways the worker must survive; each records its attempts. */
@ApplicationScoped
public class FailingTasks {

    @Inject
    Effects effects;

    /** Attempts per key, as the tasks saw them. */
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    /** Keys whose task was interrupted. */
    final Map<String, Boolean> interrupted = new ConcurrentHashMap<>();
    /** Stubborn tasks still running. */
    final AtomicInteger stubbornRunning = new AtomicInteger();
    /** Holds the first attempt of {@link #held} until the test lets it go. */
    volatile CountDownLatch hold = new CountDownLatch(1);

    // Tests reach this bean through its client proxy, so state is read and set through methods.

    public boolean wasInterrupted(String key) {
        return interrupted.containsKey(key);
    }

    public int stubbornRunning() {
        return stubbornRunning.get();
    }

    /** Makes the next first attempt of {@link #held} wait until {@link #letGo()}. */
    public void hold() {
        hold = new CountDownLatch(1);
    }

    public void letGo() {
        hold.countDown();
    }

    public void reset() {
        attempts.clear();
        interrupted.clear();
    }

    private int attempt(String key) {
        int n = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        effects.record(key, System.currentTimeMillis() + ":" + n);
        return n;
    }

    /** Fails its first {@code failures} attempts. */
    @Background(name = "failing.flaky", maxAttempts = 3)
    public String flaky(String key, int failures) {
        int n = attempt(key);
        if (n <= failures) {
            throw new IllegalStateException("flaky attempt " + n);
        }
        return "ok after " + n;
    }

    @Background(name = "failing.always", maxAttempts = 3)
    public void always(String key) {
        throw new IllegalStateException("always fails, attempt " + attempt(key));
    }

    /** Asks for a retry after {@code seconds} on its first attempt. */
    @Background(name = "failing.later", maxAttempts = 2)
    public void later(String key, int seconds) {
        if (attempt(key) == 1) {
            throw new RetryTask("not yet", Duration.ofSeconds(seconds));
        }
    }

    @Background(name = "failing.permanent", maxAttempts = 3, noRetryFor = IllegalArgumentException.class)
    public void permanent(String key, boolean marker) {
        attempt(key);
        if (marker) {
            throw new NonRetryableException("give up now");
        }
        throw new IllegalArgumentException("listed as not worth retrying");
    }

    /** Sleeps, and notices the interrupt a timeout sends. */
    @Background(name = "failing.sleeper", timeout = "PT1S", maxAttempts = 1)
    public void sleeper(String key, long millis) {
        attempt(key);
        sleepNotingInterrupt(key, millis);
    }

    /** Ignores interrupts and keeps its thread for {@code millis}. */
    @Background(name = "failing.stubborn", timeout = "PT1S", maxAttempts = 1)
    public void stubborn(String key, long millis) {
        attempt(key);
        stubbornRunning.incrementAndGet();
        try {
            holdIgnoringInterrupts(key, millis);
        } finally {
            stubbornRunning.decrementAndGet();
        }
    }

    /**
     * Capped at one run at a time: its first attempt ignores its timeout's interrupt for {@code
     * millis}, recording when it ends; the second returns at once.
     */
    @Background(name = "failing.overrun", timeout = "PT1S", maxAttempts = 2, maxRunning = 1)
    public void overrun(String key, long millis) {
        int n = attempt(key);
        if (n > 1) {
            return;
        }
        holdIgnoringInterrupts(key, millis);
        effects.record(key + "-end", System.currentTimeMillis() + ":" + n);
    }

    /** Sleeps well within its timeout, and notices an interrupt. */
    @Background(name = "failing.patient", timeout = "PT1M", maxAttempts = 1)
    public void patient(String key, long millis) {
        attempt(key);
        sleepNotingInterrupt(key, millis);
    }

    /** Keeps the thread for {@code millis} whatever interrupts it, noting that one did. */
    private void holdIgnoringInterrupts(String key, long millis) {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            try {
                Thread.sleep(Math.max(1, end - System.currentTimeMillis()));
            } catch (InterruptedException ignored) {
                interrupted.put(key, true);
            }
        }
    }

    /** Sleeps {@code millis} or until interrupted, noting the interrupt and keeping it set. */
    private void sleepNotingInterrupt(String key, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            interrupted.put(key, true);
            Thread.currentThread().interrupt();
        }
    }

    /** A quick task, for showing a slot is free. */
    @Background(name = "failing.quick")
    public void quick(String key) {
        effects.record(key, stubbornRunning.get() + " stubborn running");
    }

    /** Its first attempt waits for the test's signal; later attempts return at once. */
    @Background(name = "failing.held", timeout = "PT60S", maxAttempts = 3)
    public void held(String key) throws InterruptedException {
        if (attempt(key) == 1) {
            hold.await(60, TimeUnit.SECONDS);
        }
    }

    /** Succeeds, while an observer of its success throws. */
    @Background(name = EventLog.THROWING)
    public void observed(String key) {
        attempt(key);
    }
}
