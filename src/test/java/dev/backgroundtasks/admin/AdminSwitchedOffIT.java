package dev.backgroundtasks.admin;

import dev.backgroundtasks.it.Deployments;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example WAR with {@code background-tasks.admin.enabled=false} (in a configuration source that
 * outranks the example's own): the admin API and console answer 404 even to the admin, and the
 * application and its tasks go on as before.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminSwitchedOffIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.example().addAsResource(
                new StringAsset("config_ordinal=500\nbackground-tasks.admin.enabled=false\n"),
                "META-INF/microprofile-config.properties");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder asAdmin(String path) {
        return HttpRequest.newBuilder(URI.create(base.toString()).resolve(path)).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theAdminApiAndConsoleAnswer404AndTheApplicationGoesOn() throws Exception {
        HttpResponse<String> api = send(asAdmin("background-tasks/admin/queues").GET());
        assertEquals(404, api.statusCode(), api.body());
        assertTrue(api.body().contains("background-tasks.admin.enabled=false"), api.body());
        assertEquals(404, send(asAdmin("background-tasks/console/").GET()).statusCode());
        assertEquals(404, send(asAdmin("background-tasks/console/console.js").GET()).statusCode());

        HttpResponse<String> note = send(HttpRequest.newBuilder(URI.create(base.toString()).resolve("api/notes"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("still working")));
        assertEquals(201, note.statusCode(), note.body());
    }
}
