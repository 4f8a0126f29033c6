package dev.backgroundtasks.cluster;

import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.internal.config.NodeSettings;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;

import java.time.Duration;

/** Lets the test enqueue work on a node over HTTP, in one transaction per request. */
@Path("cluster")
@RequestScoped
public class ClusterResource {

    /** The test WAR's REST root. */
    @ApplicationPath("api")
    public static class Api extends Application {
    }

    @Inject
    TaskQueue queue;

    @Inject
    NodeSettings worker;

    @GET
    @Path("node")
    public String node() {
        return worker.nodeId();
    }

    /** The runs of {@code cluster.steady} on this node whose commit threw, as {@code run:n}, one per line. */
    @GET
    @Path("uncertain")
    public String uncertain() {
        return String.join("\n", ClusterTasks.uncertainCommits);
    }

    /**
     * Enqueues {@code n} runs of {@code cluster.<task>} in one transaction, each {@code delayMillis}
     * from now; slow tasks also get {@code millis}.
     */
    @POST
    @Path("{task}")
    @Transactional
    public String enqueue(@PathParam("task") String task, @QueryParam("run") int run, @QueryParam("n") int n,
                          @QueryParam("millis") long millis, @QueryParam("delayMillis") long delayMillis) {
        TaskOptions options = TaskOptions.in(Duration.ofMillis(delayMillis));
        for (int i = 0; i < n; i++) {
            queue.enqueue("cluster." + task, options, task.equals("count") ? new Object[] {run, i} : new Object[] {run, i, millis});
        }
        return "enqueued " + n;
    }
}
