package dev.backgroundtasks.example;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskQueue;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Shows a task's state and outcome: pending, running, or archived with its result or error. */
@Path("tasks")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    @Inject
    TaskQueue tasks;

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        TaskId taskId;
        try {
            taskId = TaskId.parse(id);
        } catch (IllegalArgumentException e) {
            return NoteResource.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        return tasks.find(taskId)
                .map(info -> Response.ok(info).build())
                .orElseGet(() -> NoteResource.error(Response.Status.NOT_FOUND, "No task " + id));
    }
}
