package dev.backgroundtasks.internal.admin;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.store.ListedTask;
import dev.backgroundtasks.internal.store.TaskFilter;
import dev.backgroundtasks.internal.store.TaskListing;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Tasks: listed by a filter a page at a time, one in full, and the actions on one. */
@Path("admin/tasks")
@AdminEndpoint
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TasksResource {

    static final int PAGE_DEFAULT = 50;
    /** What a bulk action's filter may name: the listing's parameters. */
    static final List<String> FILTER_KEYS = List.of("state", "queue", "task", "from", "to", "text");

    @Inject
    TaskListing listing;

    @Inject
    TaskQueue queue;

    @Inject
    BulkActions bulk;

    @Inject
    @Library
    Clock clock;

    /** A task's id and where it is after an action. */
    public record TaskAction(long id, String state) {
    }

    /**
     * Tasks newest first. Every parameter is optional: {@code state} (due, scheduled, running,
     * succeeded, failed, cancelled), {@code queue}, {@code task}, {@code from} and {@code to}
     * (ISO-8601 instants: when archived tasks finished, when others were enqueued), {@code text}
     * (in the arguments or the error), {@code before} (the {@code next} of the page before) and
     * {@code limit} (1..500, 50 by default).
     */
    @GET
    public TaskListing.TaskPage list(@QueryParam("state") String state, @QueryParam("queue") String queueName,
                                     @QueryParam("task") String task, @QueryParam("from") String from,
                                     @QueryParam("to") String to, @QueryParam("text") String text,
                                     @QueryParam("before") String before, @QueryParam("limit") String limit) {
        TaskFilter filter = filter(state, queueName, task, from, to, text);
        return listing.list(filter, blank(before) ? null : number("before", before),
                blank(limit) ? PAGE_DEFAULT : page(limit), clock.instant());
    }

    @GET
    @Path("{id}")
    public ListedTask detail(@PathParam("id") String id) {
        TaskId taskId = TaskId.parse(id);
        return listing.detail(taskId.value(), clock.instant()).orElseThrow(() -> new NoSuchTaskException(taskId));
    }

    /** Cancels a waiting task (state cancelled), or asks a running one to stop (state running). */
    @POST
    @Path("{id: -?[0-9]+}/cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    public TaskAction cancel(@PathParam("id") String id, JsonObject body) {
        TaskId taskId = TaskId.parse(id);
        TaskState state = queue.cancel(taskId);
        return new TaskAction(taskId.value(), state == TaskState.RUNNING ? "running" : "cancelled");
    }

    /** Puts a failed or cancelled task back in the queue, due now. */
    @POST
    @Path("{id: -?[0-9]+}/retry")
    @Consumes(MediaType.APPLICATION_JSON)
    public TaskAction retry(@PathParam("id") String id, JsonObject body) {
        TaskId taskId = TaskId.parse(id);
        queue.retry(taskId);
        return new TaskAction(taskId.value(), "due");
    }

    /** Gives a waiting task another priority: {@code {"priority": 5}}. */
    @POST
    @Path("{id: -?[0-9]+}/priority")
    @Consumes(MediaType.APPLICATION_JSON)
    public TaskAction reprioritize(@PathParam("id") String id, JsonObject body) {
        TaskId taskId = TaskId.parse(id);
        queue.reprioritize(taskId, priority(body));
        return new TaskAction(taskId.value(), "waiting");
    }

    /** Deletes a waiting or archived task for good (a running one must be cancelled first). */
    @POST
    @Path("{id: -?[0-9]+}/delete")
    @Consumes(MediaType.APPLICATION_JSON)
    public TaskAction delete(@PathParam("id") String id, JsonObject body) {
        TaskId taskId = TaskId.parse(id);
        queue.delete(taskId);
        return new TaskAction(taskId.value(), "deleted");
    }

    /**
     * One action over every task a filter matches, done on the server in batches:
     * {@code {"filter": {"state": "failed", "task": "mail.send"}, "priority": 5}}; the filter takes
     * the listing's parameters and must name at least one.
     */
    @POST
    @Path("bulk/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    public BulkActions.Outcome bulk(@PathParam("action") String action, JsonObject body) {
        BulkActions.Action parsed = BulkActions.Action.parse(action);
        JsonValue given = body == null ? null : body.get("filter");
        if (!(given instanceof JsonObject filter)) {
            throw new IllegalArgumentException("A bulk action needs a filter naming the tasks: {\"filter\": {\"state\": \"failed\", ...}}");
        }
        for (String key : filter.keySet()) {
            if (!FILTER_KEYS.contains(key)) {
                throw new IllegalArgumentException("filter." + key + " is not a filter; a filter takes " + FILTER_KEYS);
            }
        }
        TaskFilter parsedFilter = filter(text(filter, "state"), text(filter, "queue"), text(filter, "task"),
                text(filter, "from"), text(filter, "to"), text(filter, "text"));
        if (parsedFilter.equals(TaskFilter.any())) {
            // Never every task by accident: a blank or null value filters nothing.
            throw new IllegalArgumentException("A bulk action's filter must name at least one of " + FILTER_KEYS
                    + " with a value, got " + filter);
        }
        return bulk.apply(parsed, parsedFilter, parsed == BulkActions.Action.PRIORITY ? priority(body) : null);
    }

    /** Makes a waiting task due now. */
    @POST
    @Path("{id: -?[0-9]+}/run-now")
    @Consumes(MediaType.APPLICATION_JSON)
    public TaskAction runNow(@PathParam("id") String id, JsonObject body) {
        TaskId taskId = TaskId.parse(id);
        queue.runNow(taskId);
        return new TaskAction(taskId.value(), "due");
    }

    private static TaskFilter filter(String state, String queueName, String task, String from, String to, String text) {
        return new TaskFilter(blank(state) ? null : TaskFilter.State.parse(state), blankToNull(queueName),
                blankToNull(task), instant("from", from), instant("to", to), blankToNull(text));
    }

    private static String text(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw new IllegalArgumentException("filter." + name + " must be a string, got " + value);
        }
        return ((JsonString) value).getString();
    }

    private static int priority(JsonObject body) {
        JsonValue value = body == null ? null : body.get("priority");
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw new IllegalArgumentException("The body must give a whole number priority: {\"priority\": 5}, got " + body);
        }
        try {
            return number.intValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("priority " + number + " is not within -1000..1000", e);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String blankToNull(String value) {
        return blank(value) ? null : value;
    }

    private static Instant instant(String name, String value) {
        if (blank(value)) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not an ISO-8601 instant such as 2026-12-01T10:15:30Z", e);
        }
    }

    private static int page(String limit) {
        long value = number("limit", limit);
        if (value < 1 || value > TaskListing.MAX_PAGE) {
            throw new IllegalArgumentException("limit " + limit.trim() + " is not within 1.." + TaskListing.MAX_PAGE);
        }
        return (int) value;
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number", e);
        }
    }
}
