package dev.backgroundtasks.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged example WAR, unchanged, called over HTTP as a client would. */
@ExtendWith(ArquillianExtension.class)
@Tag("portable")
@RunAsClient
class ExampleIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(20);
    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.example();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(base.toString()).resolve("api/" + path)).timeout(Duration.ofSeconds(30));
    }

    private static JsonObject json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    private JsonObject get(String path) throws Exception {
        HttpResponse<String> response = send(at(path).GET());
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    /** Stores a note and answers its id. */
    private long createNote(String text) throws Exception {
        HttpResponse<String> created = send(at("notes").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text)));
        assertEquals(201, created.statusCode(), created.body());
        return json(created).getJsonNumber("id").longValue();
    }

    /**
     * The library's metrics endpoint, as Prometheus scrapes it: the text parses and lints clean in
     * promtool, and counters, histograms and queue gauges move with real work (a note summarised in
     * the background).
     */
    @Test
    void metricsParseAsPrometheusTextAndMoveWithRealWork() throws Exception {
        String task = "queue=\"notes\",task=\"notes.summarize\"";
        Map<String, Double> before = PrometheusScrape.checked(metrics());
        long id = createNote("Metrics count what the worker does");
        await().atMost(PROMPTLY).until(() -> get("notes/" + id).containsKey("summary"));
        String scraped = metrics();
        Map<String, Double> after = PrometheusScrape.checked(scraped);
        for (String counter : List.of("background_tasks_enqueued_total{" + task + "}",
                "background_tasks_attempts_started_total{" + task + "}",
                "background_tasks_completed_total{" + task + ",outcome=\"succeeded\"}",
                "background_tasks_execution_duration_seconds_count{" + task + "}",
                "background_tasks_pickup_latency_seconds_count{queue=\"notes\"}")) {
            assertTrue(after.getOrDefault(counter, 0.0) >= before.getOrDefault(counter, 0.0) + 1,
                    counter + ": " + before.get(counter) + " then " + after.get(counter));
        }
        assertEquals(after.get("background_tasks_execution_duration_seconds_count{" + task + "}"),
                after.get("background_tasks_execution_duration_seconds_bucket{" + task + ",le=\"+Inf\"}"));
        assertTrue(after.get("background_tasks_slots") > 0, "slots");
        assertTrue(after.get("background_tasks_last_poll_timestamp_seconds") > System.currentTimeMillis() / 1000.0 - 120,
                "the claim loop polled lately");
        assertTrue(after.get("background_tasks_depth_read_timestamp_seconds") > 0, "the queue gauges were read");
        // The shipped dashboard and alert rules ask only for what the endpoint serves.
        for (Path file : List.of(Path.of("monitoring/dashboard.json"), Path.of("monitoring/alerts.yml"))) {
            Matcher used = Pattern.compile("background_tasks_[a-z_]+").matcher(Files.readString(file));
            int names = 0;
            while (used.find()) {
                String family = used.group().replaceAll("_(bucket|sum|count)$", "");
                assertTrue(scraped.contains("# TYPE " + family + " "), file + " uses " + used.group()
                        + ", which the endpoint does not serve");
                names++;
            }
            assertTrue(names > 3, file + " names " + names + " metrics");
        }
    }

    /**
     * The library's probes answer UP with what they looked at, and an unknown probe gets a 404 with
     * a JSON body; where the server has MicroProfile Health (Payara, Open Liberty with mpHealth),
     * its /health endpoints carry the same checks.
     */
    @Test
    void healthProbesAnswerUpAtTheLibrarysPathAndThroughMicroProfileHealth() throws Exception {
        for (String probe : List.of("live", "ready", "started")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base.toString())
                    .resolve("background-tasks/health/" + probe)).timeout(Duration.ofSeconds(30)).GET());
            assertEquals(200, response.statusCode(), probe + ": " + response.body());
            JsonObject body = json(response);
            assertEquals("UP", body.getString("status"), response.body());
            assertEquals("background-tasks-" + probe, body.getJsonArray("checks").getJsonObject(0).getString("name"));
        }
        assertEquals("UP", json(send(HttpRequest.newBuilder(URI.create(base.toString())
                .resolve("background-tasks/health/ready")).GET())).getJsonArray("checks").getJsonObject(0)
                .getJsonObject("data").getString("database"));
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(base.toString())
                .resolve("background-tasks/health/soon")).GET());
        assertEquals(404, unknown.statusCode());
        assertTrue(json(unknown).getString("error").contains("/live, /ready or /started"), unknown.body());

        String server = System.getProperty("arquillian.launch", "");
        if (server.contains("wildfly")) {
            return; // WildFly serves MicroProfile Health on its management port, with its microprofile subsystem
        }
        for (String probe : List.of("live", "ready", "started")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base.toString())
                    .resolve("/health/" + probe)).timeout(Duration.ofSeconds(30)).GET());
            assertEquals(200, response.statusCode(), "/health/" + probe + ": " + response.body());
            assertTrue(response.body().contains("\"background-tasks-" + probe + "\""), response.body());
        }
    }

    private String metrics() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base.toString())
                .resolve("background-tasks/metrics")).timeout(Duration.ofSeconds(30)).GET());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT).replace(";charset", "; charset"));
        return response.body();
    }

    @Test
    void aStoredNoteIsSummarisedInTheBackground() throws Exception {
        HttpResponse<String> created = send(at("notes").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("Background tasks write a row in the caller's transaction and run later")));
        assertEquals(201, created.statusCode(), created.body());
        long id = json(created).getJsonNumber("id").longValue();

        // JSON-B leaves a null summary out, so the key appears once the task has run.
        await().atMost(PROMPTLY).until(() -> get("notes/" + id).containsKey("summary"));
        JsonObject note = get("notes/" + id);
        assertEquals("Background tasks write a row in the caller's …", note.getString("summary"));
        assertEquals(12, note.getInt("wordCount"));
    }

    @Test
    void aTaskEnqueuedByNameCanBeFollowedToItsResult() throws Exception {
        long noteId = createNote("three short words");

        HttpResponse<String> accepted = send(at("notes/" + noteId + "/summaries").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(202, accepted.statusCode(), accepted.body());
        long taskId = json(accepted).getJsonNumber("taskId").longValue();

        await().atMost(PROMPTLY).until(() -> get("tasks/" + taskId).getString("state").equals("SUCCEEDED"));
        JsonObject task = get("tasks/" + taskId);
        assertEquals(taskId, task.getJsonNumber("id").longValue());
        assertEquals("notes.summarize", task.getString("name"));
        assertEquals("notes", task.getString("queue"));
        assertEquals(10, task.getInt("priority"));
        assertEquals("3", task.getString("resultJson"));
    }

    @Test
    void anAsyncResourceEnqueuesAndAnotherAnswersWithTheOutcome() throws Exception {
        long noteId = createNote("four words in async");

        HttpResponse<String> accepted = send(at("notes/" + noteId + "/summaries/async").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(202, accepted.statusCode(), accepted.body());
        long taskId = json(accepted).getJsonNumber("taskId").longValue();

        // One request that the server answers when the task is archived.
        HttpResponse<String> outcome = send(at("tasks/" + taskId + "/outcome?wait=PT20S").GET());
        assertEquals(200, outcome.statusCode(), outcome.body());
        assertEquals("SUCCEEDED", json(outcome).getString("state"));
        assertEquals("4", json(outcome).getString("resultJson"));

        HttpResponse<String> unknown = send(at("tasks/999999999/outcome").GET());
        assertEquals(404, unknown.statusCode());
        HttpResponse<String> badWait = send(at("tasks/" + taskId + "/outcome?wait=forever").GET());
        assertEquals(400, badWait.statusCode());
        assertTrue(json(badWait).getString("error").contains("forever"), badWait.body());
    }

    @Test
    void aRepeatingReminderRunsNowWhenAskedAndQueuesPauseAndResume() throws Exception {
        long noteId = createNote("remind me");

        HttpResponse<String> reminder = send(at("notes/" + noteId + "/reminders?every=PT1H").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(202, reminder.statusCode(), reminder.body());
        long taskId = json(reminder).getJsonNumber("taskId").longValue();
        assertEquals("PENDING", get("tasks/" + taskId).getString("state"), "the first reminder is an hour away");

        assertEquals(204, send(at("tasks/" + taskId + "/run").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        HttpResponse<String> outcome = send(at("tasks/" + taskId + "/outcome?wait=PT20S").GET());
        assertEquals("SUCCEEDED", json(outcome).getString("state"), outcome.body());
        assertTrue(json(outcome).getString("resultJson").contains("Reminder about note " + noteId), outcome.body());

        HttpResponse<String> again = send(at("tasks/" + taskId + "/run").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(409, again.statusCode(), "a finished run cannot run again");
        assertTrue(json(again).getString("error").contains("SUCCEEDED"), again.body());
        assertEquals(404, send(at("tasks/999999999").DELETE()).statusCode());

        assertEquals(204, send(at("queues/reports/pause").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals("[\"reports\"]", send(at("queues/paused").GET()).body());
        assertEquals(204, send(at("queues/reports/resume").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals("[]", send(at("queues/paused").GET()).body());
    }

    @Test
    void badRequestsGetJsonErrors() throws Exception {
        HttpResponse<String> blank = send(at("notes").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("  ")));
        assertEquals(400, blank.statusCode());
        assertEquals("A note needs some text", json(blank).getString("error"));

        HttpResponse<String> badId = send(at("tasks/abc").GET());
        assertEquals(400, badId.statusCode());
        assertTrue(json(badId).getString("error").contains("'abc'"));

        HttpResponse<String> missing = send(at("tasks/999999999").GET());
        assertEquals(404, missing.statusCode());
        assertEquals("No task 999999999", json(missing).getString("error"));
    }
}
