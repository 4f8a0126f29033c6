package dev.backgroundtasks.ear;

import dev.backgroundtasks.cluster.ClusterDatabase;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The library in an EAR's {@code lib/}, called from an EJB module, beside a second application
 * (a WAR with the library of its own) on the same server and datasource: both applications' tasks
 * run, and neither fails the other's. On WildFly and Open Liberty; Payara Micro deploys WARs only.
 */
@ExtendWith(ArquillianExtension.class)
@Tag("portable")
@RunAsClient
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly.*|liberty.*",
        disabledReason = "Payara Micro deploys WARs only")
class EarIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(30);
    /** Marks this run's tasks apart from earlier runs' archive rows. */
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
    private final HttpClient http = HttpClient.newHttpClient();

    @Deployment(name = "ear", testable = false, order = 1)
    static EnterpriseArchive ear() {
        JavaArchive ejb = ShrinkWrap.create(JavaArchive.class, "tasks-ejb.jar")
                .addClasses(EarCaller.class, EarTasks.class)
                .addAsManifestResource(EmptyAsset.INSTANCE, "beans.xml");
        WebArchive web = ShrinkWrap.create(WebArchive.class, "tasks-web.war")
                .addClasses(EarResource.class, EarResource.Api.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        return ShrinkWrap.create(EnterpriseArchive.class, "tasks.ear")
                .addAsLibrary(libraryJar())
                .addAsLibrary(ShrinkWrap.create(JavaArchive.class, "tasks-config.jar")
                        .addAsManifestResource(new StringAsset(String.join("\n", serverNames()) + "\n"),
                                "microprofile-config.properties"))
                .addAsModule(ejb)
                .addAsModule(web);
    }

    /**
     * What a user of the server writes in an EAR: on WildFly, {@code java:comp} is not the
     * library's in the EAR's {@code lib/}, so the library's resources get the server's global names.
     */
    private static List<String> serverNames() {
        if (!System.getProperty("arquillian.launch", "").startsWith("wildfly")) {
            return List.of();
        }
        return List.of(
                "background-tasks.worker.executor=java:jboss/ee/concurrency/executor/default",
                "background-tasks.worker.scheduler=java:jboss/ee/concurrency/scheduler/default",
                "background-tasks.worker.thread-factory=java:jboss/ee/concurrency/factory/default",
                "background-tasks.datasource=java:jboss/datasources/BackgroundTasksDS",
                "background-tasks.transaction-registry=java:jboss/TransactionSynchronizationRegistry");
    }

    @Deployment(name = "other", testable = false, order = 2)
    static WebArchive otherApplication() {
        return ShrinkWrap.create(WebArchive.class, "other.war")
                .addAsLibrary(libraryJar())
                .addClasses(OtherAppTasks.class, OtherAppResource.class, OtherAppResource.Api.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    private static File libraryJar() {
        return new File(System.getProperty("library.jar", "target/background-tasks-library.jar"));
    }

    @Test
    void bothApplicationsRunTheirOwnTasksAndNeitherFailsTheOthers(
            @ArquillianResource @OperateOnDeployment("ear") URL ear,
            @ArquillianResource @OperateOnDeployment("other") URL other) throws Exception {
        for (int i = 0; i < 20; i++) {
            post(ear, "api/ear?key=" + RUN + "-" + i);
            post(other, "api/other?key=" + RUN + "-" + i);
        }
        await().atMost(PROMPTLY).until(() -> number("SELECT COUNT(*) FROM background_task_completed "
                + "WHERE task_name IN ('ear.note', 'other.note') AND params LIKE '%" + RUN + "-%'") == 40);
        assertEquals(20, number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'ear.note' "
                + "AND outcome = 'SUCCEEDED' AND attempts = 1 AND result LIKE '\"ear:" + RUN + "-%'"),
                "the EAR's tasks ran in the EAR, each at its first attempt");
        assertEquals(20, number("SELECT COUNT(*) FROM background_task_completed WHERE task_name = 'other.note' "
                + "AND outcome = 'SUCCEEDED' AND attempts = 1 AND result LIKE '\"other:" + RUN + "-%'"),
                "the other application's tasks ran there, none failed by the EAR's worker");
    }

    private void post(URL base, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(PROMPTLY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
    }

    private static long number(String sql) throws SQLException {
        return ClusterDatabase.POSTGRESQL.number(sql);
    }
}
