package dev.backgroundtasks.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * One Payara Micro server on PostgreSQL, started as its own process so a test can stop it
 * gracefully or kill it outright, as an operator or a crash would.
 */
public final class PayaraNode {

    private final String name;
    private final int port;
    private final String context;
    private final Path logFile;
    private final Process process;
    private final StringBuffer log = new StringBuffer();

    private PayaraNode(String name, int port, String context, Path logFile, Process process) {
        this.logFile = logFile;
        this.name = name;
        this.port = port;
        this.context = context;
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    log.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        }, "log-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a node with the WAR on PostgreSQL; {@code systemProperties} are extra -D settings. */
    public static PayaraNode start(String name, int port, File war, Path workDir, String... systemProperties) throws IOException {
        return startWith("server-config/payara-micro/postgresql-test.asadmin", name, port, war, workDir, systemProperties);
    }

    /**
     * Starts a node with the WAR on PostgreSQL whose wall clock reads {@code offset} off the real
     * one (libfaketime, {@code +90s} or {@code -90s}), as a node whose clock is set wrong would;
     * the monotonic clock, which only measures intervals, is left alone.
     */
    public static PayaraNode startWithClockOffset(String offset, String name, int port, File war, Path workDir)
            throws IOException {
        Path library = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
        if (!Files.exists(library)) {
            throw new IllegalStateException("no " + library + ": install Debian's faketime package");
        }
        // FORCE_MONOTONIC_FIX=0: with it, the JVM's timed waits return at once and its threads spin.
        Map<String, String> environment = Map.of("LD_PRELOAD", library.toString(), "FAKETIME", offset,
                "FAKETIME_DONT_FAKE_MONOTONIC", "1", "FAKETIME_FORCE_MONOTONIC_FIX", "0", "NO_FAKE_STAT", "1");
        return launch(name, port, war.getName().replaceFirst("\\.war$", ""), workDir, List.of(),
                nodeOptions("server-config/payara-micro/postgresql-test.asadmin", "postgresql.jar", name, port, war, workDir),
                environment);
    }

    /** Starts a node with its own post-boot commands. */
    public static PayaraNode startWith(String postBoot, String name, int port, File war, Path workDir, String... systemProperties)
            throws IOException {
        return startOn("postgresql.jar", postBoot, name, port, war, workDir, systemProperties);
    }

    /** Starts a node with a JDBC driver from the build's Payara directory and its own post-boot commands. */
    public static PayaraNode startOn(String driverJar, String postBoot, String name, int port, File war, Path workDir,
                                     String... systemProperties) throws IOException {
        return launch(name, port, war.getName().replaceFirst("\\.war$", ""), workDir, List.of(systemProperties),
                nodeOptions(postBoot, driverJar, name, port, war, workDir), Map.of());
    }

    private static List<String> nodeOptions(String postBoot, String driverJar, String name, int port, File war, Path workDir)
            throws IOException {
        String payara = System.getProperty("payara.dir", "target/payara");
        Path root = workDir.resolve("root-" + name);
        // A runtime directory left by an earlier start would first boot the application deployed then.
        deleteTree(root);
        return List.of("--nocluster", "--port", Integer.toString(port),
                "--rootDir", root.toString(),
                "--addLibs", Path.of(payara, driverJar).toString(),
                "--postbootcommandfile", postBoot,
                "--deploy", war.getPath());
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * Starts Payara Micro with the given JVM and Payara Micro options, for tests that need what the
     * other factories do not set up (several WARs, no database).
     */
    public static PayaraNode launch(String name, int port, String context, Path workDir, List<String> jvmOptions,
                                    List<String> microOptions) throws IOException {
        return launch(name, port, context, workDir, jvmOptions, microOptions, Map.of());
    }

    private static PayaraNode launch(String name, int port, String context, Path workDir, List<String> jvmOptions,
                                     List<String> microOptions, Map<String, String> environment) throws IOException {
        String payara = System.getProperty("payara.dir", "target/payara");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", Path.of(payara, "payara-micro.jar").toString()));
        command.addAll(microOptions);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new PayaraNode(name, port, context, workDir.resolve(name + ".log"), process);
    }

    /** Waits until the server has finished starting, whatever became of its deployments, and returns its log. */
    public String awaitBoot() {
        await().atMost(Duration.ofMinutes(3)).until(() -> log.indexOf(" ready in ") >= 0 || !process.isAlive());
        if (log.indexOf(" ready in ") < 0) {
            throw new IllegalStateException("node " + name + " did not finish starting:\n" + log);
        }
        return log.toString();
    }

    /** Waits until the server has deployed the WAR, and fails with its log if it did not. */
    public PayaraNode awaitReady() {
        awaitBoot();
        if (!process.isAlive() || log.indexOf("Deployed 1 archive") < 0) {
            throw new IllegalStateException("node " + name + " did not start:\n" + log);
        }
        return this;
    }

    /** Sends a POST to the WAR's REST API (under /api) and returns the body. */
    public String post(String pathAndQuery) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + context + "/api/" + pathAndQuery))
                        .timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(name + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    public String nodeId() throws Exception {
        return get("cluster/node");
    }

    /** Sends a GET to the WAR's REST API (under /api) and returns the body. */
    public String get(String pathAndQuery) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + context + "/api/" + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    /** SIGTERM: the server shuts down and undeploys, as on a normal stop. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        keepLog();
    }

    /** Stops every node that was started and is still running; for a test's clean-up. */
    public static void stopAll(PayaraNode... nodes) throws InterruptedException {
        for (PayaraNode node : nodes) {
            if (node != null && node.isAlive()) {
                node.stop();
            }
        }
    }

    /** SIGKILL: the process vanishes mid-work, with no chance to clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
        keepLog();
    }

    /** Leaves the server's output next to its runtime directory, for reading after a failure. */
    private void keepLog() {
        try {
            Files.writeString(logFile, log);
        } catch (IOException ignored) {
            // The log is a convenience; the test's own assertions carry the verdict.
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        return log.toString();
    }
}
