package dev.backgroundtasks.it;

import dev.backgroundtasks.cluster.PayaraNode;
import dev.backgroundtasks.invalid.BadSettings;
import dev.backgroundtasks.invalid.DuplicateName;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deployments the library must refuse, each with a message naming the method and the setting.
 * Both WARs go to one real Payara Micro, started as a process, because Arquillian treats a refused
 * deployment as a failure to start.
 */
class InvalidDeploymentIT {

    private static PayaraNode server;
    private static String log;

    @BeforeAll
    static void deploy() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "invalid-deployments"));
        File badTasks = export(Deployments.library("bad-tasks.war")
                .addClasses(BadSettings.class, DuplicateName.class), dir);
        File badConfig = export(Deployments.library("bad-config.war",
                "background-tasks.worker.concurrency=0"), dir);
        server = PayaraNode.launch("invalid", 18080, null, dir, List.of(), List.of("--nocluster", "--autoBindHttp",
                "--port", "18080", "--rootDir", dir.resolve("root").toString(),
                "--deploy", badTasks.getPath(), "--deploy", badConfig.getPath()));
        log = server.awaitBoot();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.stop();
        }
    }

    private static File export(WebArchive war, Path dir) {
        File file = dir.resolve(war.getName()).toFile();
        war.as(ZipExporter.class).exportTo(file, true);
        return file;
    }

    @Test
    void eachInvalidSettingIsNamedWithItsMethod() {
        String method = "@Background dev.backgroundtasks.invalid.BadSettings.";
        for (String expected : List.of(
                method + "negativeDelay(): delay must not be negative, got -PT5S",
                method + "priorityOutOfRange(): priority must be within -1000..1000, got 5000",
                method + "unparsableTimeout(): timeout 'soon' is not a duration",
                method + "negativeAttempts(): maxAttempts must be at least 1 (or 0 for the configured default), got -1",
                method + "endlessTimeout(): timeout must be at most PT168H, got PT2562047788015215H",
                method + "endlessAttempts(): maxAttempts must be at most 1000, got 2147483647",
                method + "hidden(): the container cannot intercept a private, static or final method",
                method + "sealedShut(): the container cannot intercept a private, static or final method",
                "@Background dev.backgroundtasks.invalid.DuplicateName.alsoDaily(): name 'reports.daily' is already used by "
                        + "dev.backgroundtasks.invalid.BadSettings.daily()")) {
            assertTrue(log.indexOf(expected) >= 0, "expected in the server log: " + expected + "\n--- log:\n" + log);
        }
    }

    @Test
    void anInvalidPropertyIsNamed() {
        assertTrue(log.indexOf("background-tasks.worker.concurrency=0: must be within 1..1000") >= 0, log.toString());
    }

    @Test
    void neitherApplicationIsDeployed() {
        Matcher deployed = Pattern.compile("\"Deployed\": \\[([^\\]]*)\\]").matcher(log);
        assertTrue(deployed.find(), "Payara Micro did not list its deployments:\n" + log);
        for (String context : List.of("bad-tasks", "bad-config")) {
            assertTrue(!deployed.group(1).contains(context), context + " was deployed: " + deployed.group(1));
        }
        assertTrue(log.indexOf("Payara Micro URLs") >= 0);
    }
}
