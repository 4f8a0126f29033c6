package dev.backgroundtasks.bench;

import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Measurements that must run inside the server, next to the caller's transaction. */
@Path("bench")
@RequestScoped
public class BenchResource {

    /** The benchmark WAR's REST root. */
    @ApplicationPath("api")
    public static class Api extends Application {
    }

    @Inject
    BenchTasks tasks;

    @Inject
    TaskQueue queue;

    /** How many times {@code bench.noop} (or, with {@code task=write}, {@code bench.write}) ran on this node. */
    @GET
    @Path("runs")
    public String runs(@QueryParam("task") String task) {
        return Long.toString(("write".equals(task) ? BenchTasks.WRITES : BenchTasks.RUNS).get());
    }

    /**
     * The heap this node used, in MiB: the most it held after a collection since the last {@code
     * reset=true} (its live data, garbage left out), the most it held at all, and its maximum.
     * Sampled every 50 ms once asked.
     */
    @GET
    @Path("heap")
    public String heap(@QueryParam("reset") boolean reset) {
        return HeapWatch.report(reset);
    }

    /**
     * Times {@code repeats} transactions that each store {@code count} tasks with one
     * {@link TaskQueue#enqueueAll} call, due in a year so no worker takes them, and answers with the
     * nanoseconds of each, from begin to commit. The tasks are deleted after each.
     */
    @POST
    @Path("enqueue-batch")
    public String enqueueBatch(@QueryParam("count") int count, @QueryParam("repeats") int repeats) throws Exception {
        UserTransaction tx = transaction();
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        List<Object[]> sets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sets.add(new Object[0]);
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            tx.begin();
            queue.enqueueAll("bench.noop", TaskOptions.in(Duration.ofDays(365)), sets);
            tx.commit();
            out.append(System.nanoTime() - start).append(' ');
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                int stored = s.executeUpdate("DELETE FROM background_task");
                if (stored != count) {
                    throw new IllegalStateException("the batch stored " + stored + " of " + count + " tasks");
                }
            }
        }
        return out.toString().trim() + "\n";
    }

    private static UserTransaction transaction() throws Exception {
        return (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
    }

    /**
     * Enqueues probes one transaction at a time, {@code gapMillis} apart, and answers with each
     * probe's id and the wall-clock microsecond just before its transaction committed.
     */
    @POST
    @Path("pickup")
    public String pickup(@QueryParam("first") long first, @QueryParam("count") int count,
                         @QueryParam("gapMillis") int gapMillis) throws Exception {
        UserTransaction tx = transaction();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            long id = first + i;
            tx.begin();
            tasks.probe(id);
            long committing = BenchTasks.micros();
            tx.commit();
            out.append(id).append(' ').append(committing).append('\n');
            Thread.sleep(gapMillis);
        }
        return out.toString();
    }

    /**
     * Times {@code count} committing transactions that write one row, alternating with the same
     * transaction plus one {@code @Background} call, and answers with two lines of nanoseconds:
     * without the call, then with it.
     */
    @POST
    @Path("enqueue-cost")
    public String enqueueCost(@QueryParam("count") int count) throws Exception {
        UserTransaction tx = transaction();
        DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
        StringBuilder without = new StringBuilder();
        StringBuilder with = new StringBuilder();
        for (int i = 0; i < 2 * count; i++) {
            boolean enqueue = i % 2 == 1;
            long start = System.nanoTime();
            tx.begin();
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("INSERT INTO bench_work (n) VALUES (?)")) {
                s.setInt(1, i);
                s.executeUpdate();
            }
            if (enqueue) {
                tasks.noop();
            }
            tx.commit();
            long took = System.nanoTime() - start;
            (enqueue ? with : without).append(took).append(' ');
        }
        return without.toString().trim() + "\n" + with.toString().trim() + "\n";
    }
}
