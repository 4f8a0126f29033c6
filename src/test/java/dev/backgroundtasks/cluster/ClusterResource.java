package dev.backgroundtasks.cluster;

import dev.backgroundtasks.config.WorkerSettings;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;

/** Lets the test enqueue work on a node over HTTP, in one transaction per request. */
@Path("cluster")
@RequestScoped
public class ClusterResource {

    /** The test WAR's REST root. */
    @ApplicationPath("api")
    public static class Api extends Application {
    }

    @Inject
    ClusterTasks tasks;

    @Inject
    WorkerSettings worker;

    @GET
    @Path("node")
    public String node() {
        return worker.nodeId();
    }

    @POST
    @Path("count")
    @Transactional
    public String count(@QueryParam("run") int run, @QueryParam("n") int n) throws Exception {
        for (int i = 0; i < n; i++) {
            tasks.count(run, i);
        }
        return "enqueued " + n;
    }

    @POST
    @Path("linger")
    @Transactional
    public String linger(@QueryParam("run") int run, @QueryParam("n") int n, @QueryParam("millis") long millis)
            throws Exception {
        for (int i = 0; i < n; i++) {
            tasks.linger(run, i, millis);
        }
        return "enqueued " + n;
    }

    @POST
    @Path("slow")
    @Transactional
    public String slow(@QueryParam("run") int run, @QueryParam("n") int n, @QueryParam("millis") long millis)
            throws Exception {
        for (int i = 0; i < n; i++) {
            tasks.slow(run, i, millis);
        }
        return "enqueued " + n;
    }
}
