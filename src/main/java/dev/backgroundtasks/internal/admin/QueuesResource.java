package dev.backgroundtasks.internal.admin;

import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.metrics.QueueGauges;
import dev.backgroundtasks.internal.store.QueueView;
import dev.backgroundtasks.internal.store.QueueStats;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.util.List;

/** The queues: their depth, recent outcomes and pause state; pause and resume. */
@Path("admin/queues")
@AdminEndpoint
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class QueuesResource {

    @Inject
    QueueStats stats;

    @Inject
    QueueGauges gauges;

    @Inject
    TaskQueue queue;

    @Inject
    @Library
    Clock clock;

    /** Every queue with pending rows, paused, or with tasks finished in the last hour. */
    public record Queues(List<QueueView> queues) {
    }

    /** A queue's pause state after an action. */
    public record QueueState(String queue, boolean paused) {
    }

    @GET
    public Queues list() {
        return new Queues(stats.queues(gauges.depths(), clock.instant()));
    }

    /** Tasks archived per minute over the last hour, by outcome, every queue together. */
    @GET
    @Path("throughput")
    public QueueStats.Throughput throughput() {
        return stats.throughput(clock.instant());
    }

    /** Stops every node from starting the queue's tasks; a JSON body ({@code {}}) is required, as for every change. */
    @POST
    @Path("{queue}/pause")
    @Consumes(MediaType.APPLICATION_JSON)
    public QueueState pause(@PathParam("queue") String name, JsonObject body) {
        queue.pause(name);
        return new QueueState(name, true);
    }

    @POST
    @Path("{queue}/resume")
    @Consumes(MediaType.APPLICATION_JSON)
    public QueueState resume(@PathParam("queue") String name, JsonObject body) {
        queue.resume(name);
        return new QueueState(name, false);
    }
}
