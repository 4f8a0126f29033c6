package dev.backgroundtasks.it;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.TaskContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import javax.naming.InitialContext;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Background tasks whose runs the tests observe. */
@ApplicationScoped
public class TestTasks {

    @Inject
    Effects effects;

    @Inject
    Received received;

    /** This bean's own proxy: calls through it pass the container, as calls from other beans do. */
    @Inject
    TestTasks self;

    /** Leaves one effect row per run, in the task's own transaction. */
    @Background(name = "test.record")
    @Transactional
    public void record(String key, int value) {
        effects.record(key, Integer.toString(value));
    }

    /** Records whether the bean's own {@code @Transactional} gave it a transaction. */
    @Background(name = "test.inTransaction")
    @Transactional
    public void inTransaction(String key) throws Exception {
        TransactionSynchronizationRegistry registry = (TransactionSynchronizationRegistry)
                new InitialContext().lookup("java:comp/TransactionSynchronizationRegistry");
        effects.record(key, registry.getTransactionStatus() == Status.STATUS_ACTIVE ? "active" : "none");
    }

    /** Enqueues a follow-up task while it runs: the inner call must be stored, not run inline. */
    @Background(name = "test.chain")
    public void chain(String key) {
        self.record(key, 2);
        effects.record(key + "-outer", "done");
    }

    /** Records its arguments exactly as the worker decoded them. */
    @Background(name = "test.arguments")
    public void arguments(String key, int i, long l, boolean b, double d, String s, Color color, Point point,
                          List<Point> points, Map<String, Integer> counts, Instant instant, LocalDate date,
                          List<Long> ids, String nothing, Point noPoint) {
        received.arguments(key, Arrays.asList(i, l, b, d, s, color, point, points, counts, instant, date, ids,
                nothing, noPoint));
    }

    /** Takes an argument that cannot be stored; never runs. */
    @Background(name = "test.opaque")
    public void opaque(String label, Opaque value) {
        effects.record("opaque", label);
    }

    /** Fails every time. */
    @Background(name = "test.fail", maxAttempts = 1)
    public void fail(String message) {
        throw new IllegalStateException(message);
    }

    /** Returns a result to archive. */
    @Background(name = "test.sum", priority = 5)
    public long sum(List<Integer> values) {
        return values.stream().mapToLong(Integer::longValue).sum();
    }

    /** Counts how many runs overlap, then leaves its effect. */
    @Background(name = "test.count")
    @Transactional
    public void count(int n) throws InterruptedException {
        received.started();
        try {
            Thread.sleep(2);
            effects.record("count", Integer.toString(n));
        } finally {
            received.finished();
        }
    }

    /** Let go by {@link #finishProgressing()}. */
    private static final java.util.concurrent.CountDownLatch PROGRESSING = new java.util.concurrent.CountDownLatch(1);

    @Inject
    TaskContext context;

    /** Reports being halfway, then waits (at most a minute) to be let go. */
    @Background(name = "test.progress")
    public void progressing(String note) throws InterruptedException {
        context.progress(0.5, note);
        PROGRESSING.await(1, java.util.concurrent.TimeUnit.MINUTES);
        effects.record("progress", note);
    }

    public void finishProgressing() {
        PROGRESSING.countDown();
    }
}
