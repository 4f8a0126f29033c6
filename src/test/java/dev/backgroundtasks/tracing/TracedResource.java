package dev.backgroundtasks.tracing;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskQueue;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;

/** Enqueues tasks inside the request's span, and shows the spans the server exported. */
@Path("traced")
@Produces(MediaType.APPLICATION_JSON)
public class TracedResource {

    @ApplicationPath("api")
    public static class Api extends Application {
    }

    private static final AttributeKey<Long> TASK_ID = AttributeKey.longKey("background_tasks.task.id");

    @Inject
    TaskQueue queue;

    @Inject
    RecordedSpans spans;

    /** Enqueues the task {@code name} and answers its id and the ids of the span current in this request. */
    @POST
    @Path("{task}")
    public JsonObject enqueue(@PathParam("task") String task) {
        SpanContext request = Span.current().getSpanContext();
        TaskId id = queue.enqueue(task);
        return Json.createObjectBuilder()
                .add("taskId", id.value())
                .add("traceId", request.getTraceId())
                .add("spanId", request.getSpanId())
                .build();
    }

    /** The exported spans of one trace, oldest first. */
    @GET
    @Path("traces/{traceId}")
    public JsonObject trace(@PathParam("traceId") String traceId) {
        JsonArrayBuilder found = Json.createArrayBuilder();
        spans.all().stream().filter(s -> s.getTraceId().equals(traceId)).forEach(s -> found.add(json(s)));
        return Json.createObjectBuilder().add("spans", found).build();
    }

    /** The exported spans of one task's attempts, oldest first. */
    @GET
    @Path("tasks/{taskId}")
    public JsonObject task(@PathParam("taskId") long taskId) {
        JsonArrayBuilder found = Json.createArrayBuilder();
        spans.all().stream()
                .filter(s -> Long.valueOf(taskId).equals(s.getAttributes().get(TASK_ID)))
                .forEach(s -> found.add(json(s)));
        return Json.createObjectBuilder().add("spans", found).build();
    }

    private static JsonObject json(SpanData span) {
        JsonObjectBuilder attributes = Json.createObjectBuilder();
        span.getAttributes().forEach((key, value) -> attributes.add(key.getKey(), String.valueOf(value)));
        JsonArrayBuilder links = Json.createArrayBuilder();
        for (LinkData link : span.getLinks()) {
            links.add(Json.createObjectBuilder().add("traceId", link.getSpanContext().getTraceId())
                    .add("spanId", link.getSpanContext().getSpanId()));
        }
        JsonArrayBuilder events = Json.createArrayBuilder();
        for (EventData event : span.getEvents()) {
            JsonObjectBuilder eventAttributes = Json.createObjectBuilder();
            event.getAttributes().forEach((key, value) -> eventAttributes.add(key.getKey(), String.valueOf(value)));
            events.add(Json.createObjectBuilder().add("name", event.getName()).add("attributes", eventAttributes));
        }
        return Json.createObjectBuilder()
                .add("name", span.getName())
                .add("kind", span.getKind().name())
                .add("traceId", span.getTraceId())
                .add("spanId", span.getSpanId())
                .add("parentSpanId", span.getParentSpanContext().isValid() ? span.getParentSpanId() : "")
                .add("status", span.getStatus().getStatusCode().name())
                .add("statusDescription", span.getStatus().getDescription())
                .add("attributes", attributes)
                .add("links", links)
                .add("events", events)
                .build();
    }
}
