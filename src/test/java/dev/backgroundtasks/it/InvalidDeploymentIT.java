package dev.backgroundtasks.it;

import dev.backgroundtasks.invalid.BadSettings;
import dev.backgroundtasks.invalid.DuplicateName;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deployments the library must refuse, each with a message naming the method and the setting.
 * Both WARs go to one real Payara Micro, started here directly, because Arquillian treats a refused
 * deployment as a failure to start.
 */
class InvalidDeploymentIT {

    private static Process server;
    private static final StringBuffer log = new StringBuffer();

    @BeforeAll
    static void deploy() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "invalid-deployments"));
        File badTasks = export(Deployments.library("bad-tasks.war")
                .addClasses(BadSettings.class, DuplicateName.class), dir);
        File badConfig = export(Deployments.library("bad-config.war",
                "background-tasks.worker.concurrency=0"), dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String micro = Path.of(System.getProperty("payara.dir", "target/payara"), "payara-micro.jar").toString();
        server = new ProcessBuilder(java, "-jar", micro, "--nocluster", "--autoBindHttp", "--port", "18080",
                "--rootDir", dir.resolve("root").toString(),
                "--deploy", badTasks.getPath(), "--deploy", badConfig.getPath())
                .redirectErrorStream(true)
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    log.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // The server was stopped.
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofMinutes(3)).until(() -> log.indexOf(" ready in ") >= 0 || !server.isAlive());
        assertTrue(log.indexOf(" ready in ") >= 0, "Payara Micro did not finish starting:\n" + log);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
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
