package dev.backgroundtasks.bench;

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

    /** How many times {@code bench.noop} ran on this node. */
    @GET
    @Path("runs")
    public String runs() {
        return Long.toString(BenchTasks.RUNS.get());
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
