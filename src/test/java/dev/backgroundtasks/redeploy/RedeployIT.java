package dev.backgroundtasks.redeploy;

import dev.backgroundtasks.cluster.ClusterDatabase;
import dev.backgroundtasks.it.Deployments;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application with the library deployed and undeployed five times on one server, each time
 * while a task that ignores its timeout still runs: afterwards none of the library's threads is
 * left, no pooled connection still listens, and the server holds no more database connections
 * than after the first cycle. On WildFly and Open Liberty; Payara Micro runs one application per
 * JVM, started and stopped with it.
 */
@ExtendWith(ArquillianExtension.class)
@Tag("portable")
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly.*|liberty.*",
        disabledReason = "Payara Micro runs one application per JVM")
class RedeployIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "probe", testable = false, order = 1)
    static WebArchive probe() {
        return ShrinkWrap.create(WebArchive.class, "probe.war").addClasses(ProbeResource.class, ProbeResource.Api.class);
    }

    @Deployment(name = "app", managed = false, testable = false)
    static WebArchive application() {
        return Deployments.library("redeploy.war",
                        "background-tasks.worker.concurrency=2",
                        "background-tasks.worker.drain-timeout=PT0.5S")
                .addClasses(RedeployTasks.class, RedeployTasks.Api.class, RedeployTasks.Tasks.class,
                        RedeployTasks.Resource.class);
    }

    @AfterAll
    static void forgetLeftovers() throws SQLException {
        try (Connection c = ClusterDatabase.POSTGRESQL.connect();
             PreparedStatement s = c.prepareStatement("DELETE FROM background_task WHERE task_name LIKE 'redeploy.%'")) {
            s.executeUpdate();
        }
    }

    @Test
    void fiveDeployUndeployCyclesLeaveNoThreadNorListeningConnection(
            @ArquillianResource @OperateOnDeployment("probe") URL probe) throws Exception {
        URI app = URI.create(probe.toString()).resolve("/redeploy/");
        long connectionsAfterFirst = 0;
        for (int cycle = 1; cycle <= 5; cycle++) {
            deployer.deploy("app");
            long quickBefore = number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'redeploy.quick'");
            post(app.resolve("api/tasks?quick=20&stubbornMillis=3000"));
            await().atMost(PROMPTLY).until(() -> number("SELECT COUNT(*) FROM background_task_completed "
                    + "WHERE task_name = 'redeploy.quick'") >= quickBefore + 20);
            deployer.undeploy("app");
            if (cycle == 1) {
                await().atMost(PROMPTLY).until(() -> threads(probe).isEmpty());
                connectionsAfterFirst = connections();
            }
        }
        // A stubborn task's thread ends when the task does (3 s); nothing else of the library outlives an undeploy.
        await().atMost(PROMPTLY).until(() -> threads(probe).isEmpty());
        assertEquals(0, number("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND query = 'LISTEN background_tasks'"), "a pooled connection still listens");
        long connections = connections();
        System.out.printf("5 deploy/undeploy cycles: %d database connections after the first, %d after the fifth%n",
                connectionsAfterFirst, connections);
        assertTrue(connections <= connectionsAfterFirst + 2,
                connections + " connections after five cycles, " + connectionsAfterFirst + " after the first");
    }

    private String threads(URL probe) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(probe.toString()).resolve("api/threads"))
                .GET().timeout(PROMPTLY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body().strip();
    }

    private void post(URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(PROMPTLY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
    }

    /** The server's connections to the test database (this test's own excluded). */
    private static long connections() throws SQLException {
        return number("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                + "AND backend_type = 'client backend'");
    }

    private static long number(String sql) throws SQLException {
        return ClusterDatabase.POSTGRESQL.number(sql);
    }
}
