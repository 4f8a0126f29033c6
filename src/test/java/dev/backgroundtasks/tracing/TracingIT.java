package dev.backgroundtasks.tracing;

import dev.backgroundtasks.cluster.ClusterDatabase;
import dev.backgroundtasks.it.Deployments;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trace context from enqueue to run on Payara Micro, with its OpenTelemetry SDK switched on and
 * exporting to the application's {@link RecordedSpans}: a REST request enqueues a task, and the
 * task's attempt runs in a consumer span of a new trace that links to the request's span.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TracingIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(20);
    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.library("tracing.war",
                        "otel.sdk.disabled=false",
                        "otel.traces.exporter=recorded",
                        "otel.metrics.exporter=none",
                        "otel.logs.exporter=none",
                        "otel.bsp.schedule.delay=10")
                .addClasses(TracedTasks.class, TracedResource.class, TracedResource.Api.class, RecordedSpans.class,
                        RecordedSpansProvider.class)
                .addAsServiceProvider(ConfigurableSpanExporterProvider.class, RecordedSpansProvider.class);
    }

    @Test
    void aTraceStartedInARestResourceReachesTheTasksSpanThroughALink() throws Exception {
        JsonObject enqueued = post("traced/traced.span");
        String requestTrace = enqueued.getString("traceId");
        String requestSpan = enqueued.getString("spanId");
        assertNotEquals("00000000000000000000000000000000", requestTrace, "the request ran in no span");
        long taskId = enqueued.getJsonNumber("taskId").longValue();

        JsonObject attempt = attemptSpan(taskId);
        assertEquals("traced.span", attempt.getString("name"));
        assertEquals("CONSUMER", attempt.getString("kind"));
        assertNotEquals(requestTrace, attempt.getString("traceId"), "a task runs later, in a trace of its own");
        assertEquals("", attempt.getString("parentSpanId"), "a root span");
        JsonArray links = attempt.getJsonArray("links");
        assertEquals(1, links.size(), attempt.toString());
        assertEquals(requestTrace, links.getJsonObject(0).getString("traceId"));
        assertEquals(requestSpan, links.getJsonObject(0).getString("spanId"));
        JsonObject attributes = attempt.getJsonObject("attributes");
        assertEquals("traced.span", attributes.getString("background_tasks.task.name"));
        assertEquals("default", attributes.getString("background_tasks.queue"));
        assertEquals(String.valueOf(taskId), attributes.getString("background_tasks.task.id"));
        assertEquals("1", attributes.getString("background_tasks.attempt"));
        assertEquals("succeeded", attributes.getString("background_tasks.outcome"));
        assertEquals("UNSET", attempt.getString("status"));
        // The attempt's span is current while the task runs: the task answered its id.
        assertEquals('"' + attempt.getString("spanId") + '"', result(taskId));
        // The request's own span was exported too: the link leads somewhere.
        JsonArray request = get("traced/traces/" + requestTrace).getJsonArray("spans");
        assertTrue(request.stream().map(JsonObject.class::cast)
                        .anyMatch(s -> s.getString("spanId").equals(requestSpan) && s.getString("kind").equals("SERVER")),
                request.toString());
    }

    @Test
    void aFailedAttemptRecordsItsExceptionAndAnErrorStatus() throws Exception {
        long taskId = post("traced/traced.fail").getJsonNumber("taskId").longValue();

        JsonObject attempt = attemptSpan(taskId);
        assertEquals("ERROR", attempt.getString("status"), attempt.toString());
        assertTrue(attempt.getString("statusDescription").contains("no luck today"), attempt.toString());
        assertEquals("failed", attempt.getJsonObject("attributes").getString("background_tasks.outcome"));
        JsonObject exception = attempt.getJsonArray("events").stream().map(JsonObject.class::cast)
                .filter(e -> e.getString("name").equals("exception")).findFirst().orElseThrow();
        assertEquals("java.lang.IllegalStateException", exception.getJsonObject("attributes").getString("exception.type"));
        assertEquals("no luck today", exception.getJsonObject("attributes").getString("exception.message"));
    }

    /** The one exported span of the task's attempt, once there. */
    private JsonObject attemptSpan(long taskId) {
        AtomicReference<JsonArray> spans = new AtomicReference<>();
        await().atMost(PROMPTLY).until(() -> {
            spans.set(get("traced/tasks/" + taskId).getJsonArray("spans"));
            return !spans.get().isEmpty();
        });
        assertEquals(1, spans.get().size(), spans.get().toString());
        return spans.get().getJsonObject(0);
    }

    private static String result(long taskId) throws SQLException {
        try (Connection c = ClusterDatabase.POSTGRESQL.connect();
             PreparedStatement s = c.prepareStatement("SELECT result FROM background_task_completed WHERE id = ?")) {
            s.setLong(1, taskId);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private JsonObject post(String path) throws Exception {
        return json(http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private JsonObject get(String path) throws Exception {
        return json(http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base.toString()).resolve("api/" + path)).timeout(Duration.ofSeconds(30));
    }

    private static JsonObject json(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }
}
