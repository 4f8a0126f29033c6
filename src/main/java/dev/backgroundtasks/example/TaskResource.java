package dev.backgroundtasks.example;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskHandle;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.TaskStateException;
import dev.backgroundtasks.TaskQueue;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

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

    /**
     * Answers once the task is archived, with its outcome, without holding a thread while it waits:
     * the handle's stage resumes the suspended response. After {@code wait} (ISO-8601, 30 s by
     * default, at most 5 minutes) it answers 202 with the task's id.
     */
    @GET
    @Path("{id}/outcome")
    public void outcome(@PathParam("id") String id, @QueryParam("wait") String wait, @Suspended AsyncResponse response) {
        TaskId taskId;
        Duration timeout;
        try {
            taskId = TaskId.parse(id);
            timeout = wait == null ? Duration.ofSeconds(30) : waitTime(wait);
            if (timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("wait must be within PT0S..PT5M, got " + wait);
            }
        } catch (RuntimeException e) {
            response.resume(NoteResource.error(Response.Status.BAD_REQUEST, e.getMessage()));
            return;
        }
        TaskHandle handle;
        try {
            handle = tasks.handle(taskId);
        } catch (NoSuchTaskException e) {
            response.resume(NoteResource.error(Response.Status.NOT_FOUND, "No task " + id));
            return;
        }
        CompletableFuture<TaskInfo> outcome = handle.completion().toCompletableFuture();
        response.setTimeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        response.setTimeoutHandler(late -> {
            outcome.cancel(false); // the library then stops keeping it
            late.resume(Response.accepted(Map.of("taskId", taskId.value())).build());
        });
        outcome.whenComplete((info, error) -> {
            if (!outcome.isCancelled()) {
                response.resume(error != null ? error : Response.ok(info).build());
            }
        });
    }

    /** Cancels a waiting task, or asks a running one to stop (202). */
    @DELETE
    @Path("{id}")
    public Response cancel(@PathParam("id") String id) {
        return control(id, taskId -> {
            TaskState state = tasks.cancel(taskId);
            return state == TaskState.RUNNING ? Response.accepted(Map.of("state", state)).build() : Response.noContent().build();
        });
    }

    /** Puts a failed or cancelled task back in the queue. */
    @POST
    @Path("{id}/retry")
    public Response retry(@PathParam("id") String id) {
        return control(id, taskId -> {
            tasks.retry(taskId);
            return Response.noContent().build();
        });
    }

    /** Makes a waiting task due now. */
    @POST
    @Path("{id}/run")
    public Response runNow(@PathParam("id") String id) {
        return control(id, taskId -> {
            tasks.runNow(taskId);
            return Response.noContent().build();
        });
    }

    /** Maps the queue's errors to answers: a bad id 400, an unknown one 404, a task in the wrong state 409. */
    private static Response control(String id, Function<TaskId, Response> action) {
        try {
            return action.apply(TaskId.parse(id));
        } catch (NoSuchTaskException e) {
            return NoteResource.error(Response.Status.NOT_FOUND, "No task " + id);
        } catch (TaskStateException e) {
            return NoteResource.error(Response.Status.CONFLICT, e.getMessage());
        } catch (IllegalArgumentException e) {
            return NoteResource.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private static Duration waitTime(String wait) {
        try {
            return Duration.parse(wait);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("wait must be an ISO-8601 duration such as PT30S, got '" + wait + "'");
        }
    }
}
