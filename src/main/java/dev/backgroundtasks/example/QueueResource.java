package dev.backgroundtasks.example;

import dev.backgroundtasks.TaskQueue;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Set;
import java.util.TreeSet;

/** Pauses and resumes queues for every node of the cluster. */
@Path("queues")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class QueueResource {

    @Inject
    TaskQueue tasks;

    /** The queues paused now. */
    @GET
    @Path("paused")
    public Set<String> paused() {
        return new TreeSet<>(tasks.pausedQueues());
    }

    /** No node starts tasks of this queue until it is resumed; running ones finish. */
    @POST
    @Path("{queue}/pause")
    public Response pause(@PathParam("queue") String queue) {
        return change(() -> tasks.pause(queue));
    }

    @POST
    @Path("{queue}/resume")
    public Response resume(@PathParam("queue") String queue) {
        return change(() -> tasks.resume(queue));
    }

    private static Response change(Runnable action) {
        try {
            action.run();
            return Response.noContent().build();
        } catch (IllegalArgumentException e) {
            return NoteResource.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }
}
