package dev.backgroundtasks.bench;

import dev.backgroundtasks.Background;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The benchmark's tasks: one that does nothing, one that writes a row, and one that notes when it started. */
@ApplicationScoped
public class BenchTasks {

    /** Runs of {@code bench.noop} on this node: the benchmark checks that a drain ran each task once. */
    static final AtomicLong RUNS = new AtomicLong();

    @Background(name = "bench.noop", maxAttempts = 1)
    public void noop() {
        // Nothing else: the benchmark measures the queue, not the work.
        RUNS.incrementAndGet();
    }

    /** Runs of {@code bench.write} on this node. */
    static final AtomicLong WRITES = new AtomicLong();

    /**
     * A task like a user's: one row inserted in a JTA transaction, as a {@code @Transactional} method
     * does. The row's key is the task's number, so a second run of a task would fail.
     */
    @Background(name = "bench.write", maxAttempts = 1)
    @Transactional
    public void write(long n) throws Exception {
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO bench_write (n) VALUES (?)")) {
            s.setLong(1, n);
            s.executeUpdate();
        }
        WRITES.incrementAndGet();
    }

    /** Writes the wall-clock microsecond it started at, taken before anything else it does. */
    @Background(name = "bench.probe", maxAttempts = 1)
    public void probe(long id) throws Exception {
        long started = micros();
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO bench_probe (id, started_micros) VALUES (?, ?)")) {
            s.setLong(1, id);
            s.setLong(2, started);
            s.executeUpdate();
        }
    }

    static long micros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
