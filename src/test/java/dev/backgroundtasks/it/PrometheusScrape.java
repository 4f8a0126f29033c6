package dev.backgroundtasks.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scrape of the library's metrics endpoint: checked by Prometheus's own parser and linter
 * ({@code promtool check metrics}, from Debian's prometheus package), then read into samples.
 */
final class PrometheusScrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$");

    private PrometheusScrape() {
    }

    /** Fails unless promtool parses {@code text} and finds nothing to lint; the samples by series. */
    static Map<String, Double> checked(String text) throws IOException, InterruptedException {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("promtool is needed to parse the metrics as Prometheus does: install Debian's "
                    + "prometheus package (.ci/run does)", e);
        }
        promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
            promtool.destroyForcibly();
            throw new IllegalStateException("promtool did not finish");
        }
        assertEquals(0, promtool.exitValue(), "promtool check metrics: " + said + "\n--- scraped:\n" + text);
        assertEquals("", said.strip(), "promtool check metrics found problems\n--- scraped:\n" + text);
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(1), m.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(2)));
            }
        }
        return samples;
    }
}
