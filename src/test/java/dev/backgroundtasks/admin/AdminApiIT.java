package dev.backgroundtasks.admin;

import dev.backgroundtasks.cluster.ClusterDatabase;
import dev.backgroundtasks.it.Deployments;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API of the packaged example WAR, as a client calls it: signed in through the example's
 * demo login (admin may act, viewer may look), with each refusal a client can meet. Portable: on
 * WildFly it needs server-config/wildfly/admin-security.cli, which the build runs.
 */
@ExtendWith(ArquillianExtension.class)
@Tag("portable")
@RunAsClient
class AdminApiIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(20);
    private static final String ADMIN = "admin:admin";
    private static final String VIEWER = "viewer:viewer";
    private static final String JSON = "application/json";

    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.example();
    }

    /** A request to {@code path} under the context root, signed in as {@code user} ("name:password") unless null. */
    private HttpRequest.Builder at(String path, String user) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .timeout(Duration.ofSeconds(30));
        if (user != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return http.send(at(path, user).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A change as the console sends it: a JSON body and the request header. */
    private HttpResponse<String> act(String path, String user, String body) throws Exception {
        return http.send(at(path, user).header("Content-Type", JSON).header("X-Requested-By", "test")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    /** A JSON answer with {@code status}; a refusal's body is a problem naming the status. */
    private static JsonObject answered(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        JsonObject body = json(response);
        if (status >= 400) {
            assertEquals(status, body.getInt("status"), response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                    response.headers().toString());
        }
        return body;
    }

    private boolean paused(String queue) throws Exception {
        return answered(200, get("background-tasks/admin/queues", VIEWER)).getJsonArray("queues").stream()
                .map(JsonValue::asJsonObject)
                .anyMatch(q -> q.getString("queue").equals(queue) && q.getBoolean("paused"));
    }

    /** Stores a note through the example's own API; its summary is a background task. */
    private long note(String text) throws Exception {
        HttpResponse<String> created = http.send(at("api/notes", null).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        return json(created).getJsonNumber("id").longValue();
    }

    @Test
    void aSignedOutClientIsRefusedAndAViewerMayReadButNotAct() throws Exception {
        assertEquals(401, get("background-tasks/admin/queues", null).statusCode());
        assertEquals(401, get("background-tasks/admin/queues", "admin:wrong").statusCode());
        answered(200, get("background-tasks/admin/queues", VIEWER));
        answered(200, get("background-tasks/admin/tasks", VIEWER));
        assertEquals(60, answered(200, get("background-tasks/admin/queues/throughput", VIEWER)).getJsonArray("minutes").size());
        assertEquals("3.0.3", answered(200, get("background-tasks/admin/openapi.json", VIEWER)).getString("openapi"));
        assertEquals(401, get("background-tasks/admin/openapi.json", null).statusCode());
        assertEquals(403, act("background-tasks/admin/queues/viewer-test/pause", VIEWER, "{}").statusCode());
        assertFalse(paused("viewer-test"));
    }

    @Test
    void aChangeNeedsAJsonBodyAndTheRequestHeaderSoACrossSiteFormPostCannotAct() throws Exception {
        // What a form on another site can send with the admin's credentials: no custom header, a form body.
        HttpResponse<String> form = http.send(at("background-tasks/admin/queues/csrf-test/pause", ADMIN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).build(), HttpResponse.BodyHandlers.ofString());
        answered(415, form);
        HttpResponse<String> noHeader = http.send(at("background-tasks/admin/queues/csrf-test/pause", ADMIN)
                .header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(answered(403, noHeader).getString("detail").contains("X-Requested-By"), noHeader.body());
        assertFalse(paused("csrf-test"), "a refused change changed nothing");

        answered(400, act("background-tasks/admin/queues/csrf-test/pause", ADMIN, "{not json"));
        assertFalse(paused("csrf-test"));
    }

    @Test
    void aQueueIsPausedAndResumedThroughTheApi() throws Exception {
        JsonObject paused = answered(200, act("background-tasks/admin/queues/admin-test/pause", ADMIN, "{}"));
        assertTrue(paused.getBoolean("paused"));
        assertTrue(paused("admin-test"));
        answered(200, act("background-tasks/admin/queues/admin-test/resume", ADMIN, "{}"));
        assertFalse(paused("admin-test"));
    }

    @Test
    void tasksAreListedByFilterAPageAtATimeAndReadInFull() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        List<Long> notes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            notes.add(note("Listing note " + i));
        }
        String all = "background-tasks/admin/tasks?task=notes.summarize&state=succeeded&from=" + since;
        await().atMost(PROMPTLY).until(() -> answered(200, get(all, VIEWER)).getJsonArray("tasks").size() == 3);
        String query = all + "&limit=2";
        JsonObject first = answered(200, get(query, VIEWER));
        JsonArray page = first.getJsonArray("tasks");
        assertEquals(2, page.size(), first.toString());
        assertNotNull(first.getJsonNumber("next"), "a page follows");
        JsonObject second = answered(200, get(query + "&before=" + first.getJsonNumber("next").longValue(), VIEWER));
        List<Long> ids = new ArrayList<>();
        page.forEach(t -> ids.add(t.asJsonObject().getJsonNumber("id").longValue()));
        second.getJsonArray("tasks").forEach(t -> ids.add(t.asJsonObject().getJsonNumber("id").longValue()));
        assertEquals(3, ids.size(), second.toString());
        assertEquals(ids.stream().sorted((a, b) -> Long.compare(b, a)).collect(Collectors.toList()), ids,
                "newest first, no task twice");
        assertNull(second.get("next"), "the last page");

        JsonObject task = answered(200, get("background-tasks/admin/tasks/" + ids.get(0), VIEWER));
        assertEquals("succeeded", task.getString("state"));
        assertEquals("notes.summarize", task.getString("task"));
        assertEquals("notes", task.getString("queue"));
        assertEquals("[" + notes.get(2) + "]", task.getString("arguments"));
        assertTrue(task.containsKey("result") && task.containsKey("finishedAt"), task.toString());

        // Text in the arguments: one note's id.
        JsonArray found = answered(200, get(all + "&text=" + URLEncoder.encode("[" + notes.get(1) + "]",
                StandardCharsets.UTF_8), VIEWER)).getJsonArray("tasks");
        assertEquals(1, found.size(), found.toString());
        assertEquals(ids.get(1), found.getJsonObject(0).getJsonNumber("id").longValue());
        // Only what the filter names: another queue has none of these.
        assertEquals(0, answered(200, get("background-tasks/admin/tasks?task=notes.summarize&queue=default",
                VIEWER)).getJsonArray("tasks").size());
    }

    @Test
    void aWaitingTaskIsRunNowCancelledAndRetriedThroughTheApi() throws Exception {
        long note = note("A note to remind about");
        HttpResponse<String> reminded = http.send(at("api/notes/" + note + "/reminders?every=PT1H", null)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        long task = json(reminded).getJsonNumber("taskId").longValue();
        String path = "background-tasks/admin/tasks/" + task;
        assertEquals("scheduled", answered(200, get(path, VIEWER)).getString("state"));

        assertEquals("cancelled", answered(200, act(path + "/cancel", ADMIN, "{}")).getString("state"));
        assertEquals("cancelled", answered(200, get(path, VIEWER)).getString("state"));
        answered(409, act(path + "/cancel", ADMIN, "{}"));
        answered(409, act(path + "/run-now", ADMIN, "{}"));
        assertEquals("due", answered(200, act(path + "/retry", ADMIN, "{}")).getString("state"));
        await().atMost(PROMPTLY).until(() -> List.of("succeeded", "scheduled")
                .contains(answered(200, get(path, VIEWER)).getString("state")));
    }

    @Test
    void theNodesWorkingNowAreListedWithWhatTheyServe() throws Exception {
        // This server's node, among any other node that works on the test database now.
        AtomicReference<JsonObject> found = new AtomicReference<>();
        await().atMost(PROMPTLY).until(() -> {
            answered(200, get("background-tasks/admin/nodes", VIEWER)).getJsonArray("nodes").stream()
                    .map(JsonValue::asJsonObject).filter(n -> n.getString("queues").equals("default:4,notes:2"))
                    .findFirst().ifPresent(found::set);
            return found.get() != null;
        });
        JsonObject node = found.get();
        assertEquals(6, node.getInt("slots"));
        assertTrue(node.containsKey("seenAt") && node.containsKey("startedAt") && node.containsKey("holding"), node.toString());
    }

    @Test
    void badInputGetsAProblemThatSaysWhatWasWrong() throws Exception {
        assertTrue(answered(400, get("background-tasks/admin/tasks?state=lost", VIEWER)).getString("detail")
                .contains("state 'lost'"));
        assertTrue(answered(400, get("background-tasks/admin/tasks?from=yesterday", VIEWER)).getString("detail")
                .contains("from 'yesterday'"));
        assertTrue(answered(400, get("background-tasks/admin/tasks?limit=100000", VIEWER)).getString("detail")
                .contains("limit 100000"));
        answered(400, get("background-tasks/admin/tasks/abc", VIEWER));
        answered(404, get("background-tasks/admin/tasks/999999999999", VIEWER));
        answered(404, get("background-tasks/admin/nothing-here", VIEWER));
        answered(404, act("background-tasks/admin/tasks/999999999999/retry", ADMIN, "{}"));
        long note = note("A note summarised once");
        await().atMost(PROMPTLY).until(() -> answered(200, get("api/notes/" + note, null)).containsKey("summary"));
        long done = answered(200, get("background-tasks/admin/tasks?task=notes.summarize&state=succeeded&limit=1",
                VIEWER)).getJsonArray("tasks").getJsonObject(0).getJsonNumber("id").longValue();
        answered(409, act("background-tasks/admin/tasks/" + done + "/retry", ADMIN, "{}"));
    }

    @Test
    void theApiMountedAgainUnderTheApplicationsOwnPathStillNeedsTheRole() throws Exception {
        // The example's Application mounts every resource it finds, the library's too, under /api,
        // where no URL constraint of the library reaches: the library's own check refuses there.
        answered(401, get("api/admin/queues", null));
        answered(403, act("api/admin/queues/double-test/pause", VIEWER, "{}"));
        assertFalse(paused("double-test"));
        answered(200, get("api/admin/queues", VIEWER));
    }

    @Test
    void aWaitingTaskChangesPriorityRunsNowAndIsDeletedThroughTheApi() throws Exception {
        long note = note("A note whose reminder goes away");
        long task = json(http.send(at("api/notes/" + note + "/reminders?every=PT1H", null)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()))
                .getJsonNumber("taskId").longValue();
        String path = "background-tasks/admin/tasks/" + task;
        answered(200, act(path + "/priority", ADMIN, "{\"priority\": 7}"));
        assertEquals(7, answered(200, get(path, VIEWER)).getInt("priority"));
        assertTrue(answered(400, act(path + "/priority", ADMIN, "{\"priority\": 5000}")).getString("detail")
                .contains("5000"));
        answered(400, act(path + "/priority", ADMIN, "{\"priority\": \"high\"}"));
        answered(400, act(path + "/priority", ADMIN, "{\"priority\": 4294967303}"));
        assertEquals(7, answered(200, get(path, VIEWER)).getInt("priority"));

        answered(200, act(path + "/run-now", ADMIN, "{}"));
        await().atMost(PROMPTLY).until(() -> answered(200, get(path, VIEWER)).getString("state").equals("succeeded"));

        long next = json(http.send(at("api/notes/" + note + "/reminders?every=PT1H", null)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()))
                .getJsonNumber("taskId").longValue();
        String nextPath = "background-tasks/admin/tasks/" + next;
        answered(200, act(nextPath + "/delete", ADMIN, "{}"));
        answered(404, get(nextPath, VIEWER));
        answered(404, act(nextPath + "/delete", ADMIN, "{}"));
    }

    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = ".*mariadb.*",
            disabledReason = "the failed tasks are stored with PostgreSQL's generate_series")
    void aBulkRetryOverAFilterMatching10000FailedTasksRetriesExactlyThose() throws Exception {
        ClusterDatabase db = ClusterDatabase.POSTGRESQL;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM background_task WHERE task_name LIKE 'bulk.%'");
            s.executeUpdate("DELETE FROM background_task_completed WHERE task_name LIKE 'bulk.%'");
            // 10,000 failed tasks of one name, beside 100 succeeded ones of the same name and 100 failed of another.
            s.executeUpdate("""
                    INSERT INTO background_task_completed (id, task_name, params, queue, priority, run_at, attempts,
                           max_attempts, timeout_millis, created_at, outcome, error, finished_at)
                    SELECT -2000000 - n, CASE WHEN n <= 10100 THEN 'bulk.target' ELSE 'bulk.other' END, '[]',
                           'bulk', 0, TIMESTAMP '2026-01-01 00:00:00', 3, 3, 60000, TIMESTAMP '2026-01-01 00:00:00',
                           CASE WHEN n > 10000 AND n <= 10100 THEN 'SUCCEEDED' ELSE 'FAILED' END, 'boom',
                           TIMESTAMP '2026-01-01 00:00:00'
                      FROM generate_series(1, 10200) AS n""");
        }
        try {
            String body = "{\"filter\": {\"state\": \"failed\", \"task\": \"bulk.target\"}}";
            // A filter that names nothing it knows, or names it with no value, is refused: never every task.
            answered(400, act("background-tasks/admin/tasks/bulk/delete", ADMIN, "{\"filter\": {\"states\": \"failed\"}}"));
            answered(400, act("background-tasks/admin/tasks/bulk/delete", ADMIN, "{\"filter\": {\"text\": \"\"}}"));
            answered(400, act("background-tasks/admin/tasks/bulk/delete", ADMIN, "{\"filter\": {\"state\": null}}"));
            assertEquals(10100, db.number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'bulk.target'"));

            JsonObject outcome = answered(200, act("background-tasks/admin/tasks/bulk/retry", ADMIN, body));
            assertEquals(10000, outcome.getJsonNumber("matched").longValue(), outcome.toString());
            assertEquals(10000, outcome.getJsonNumber("touched").longValue(), outcome.toString());
            assertEquals(0, outcome.getJsonNumber("skipped").longValue(), outcome.toString());
            assertEquals(10000, db.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'bulk.target'"));
            assertEquals(100, db.number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'bulk.target'"),
                    "the succeeded ones of the same name stay archived");
            assertEquals(0, db.number("SELECT COUNT(*) FROM background_task WHERE task_name = 'bulk.other'"));
            assertEquals(100, db.number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'bulk.other'"));

            answered(400, act("background-tasks/admin/tasks/bulk/retry", ADMIN, "{}"));
            answered(400, act("background-tasks/admin/tasks/bulk/explode", ADMIN, body));
            assertEquals(10100, answered(200, act("background-tasks/admin/tasks/bulk/delete", ADMIN,
                    "{\"filter\": {\"task\": \"bulk.target\"}}")).getJsonNumber("touched").longValue());
        } finally {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM background_task WHERE task_name LIKE 'bulk.%'");
                s.executeUpdate("DELETE FROM background_task_completed WHERE task_name LIKE 'bulk.%'");
            }
        }
    }
}
