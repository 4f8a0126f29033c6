package dev.backgroundtasks.internal.config;

import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code background-tasks.*} properties with checks whose errors name the property, so a bad
 * setting stops the deployment with a message an operator can act on.
 */
public final class ConfigReader {

    /** The prefix of every property the library reads. */
    public static final String PREFIX = "background-tasks.";

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Function<String, Optional<String>> source;

    /** Reads from {@code source}, which maps a full property name to its value. */
    public ConfigReader(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /** Reads from MicroProfile Config. */
    public static ConfigReader of(Config config) {
        return new ConfigReader(name -> config.getOptionalValue(name, String.class));
    }

    /** The raw value, when the property is set and not blank. */
    public Optional<String> string(String name) {
        return source.apply(PREFIX + name).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    public boolean bool(String name, boolean defaultValue) {
        return string(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, v, "must be true or false");
        }).orElse(defaultValue);
    }

    public Optional<Integer> integer(String name, int min, int max) {
        return string(name).map(v -> {
            int value;
            try {
                value = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw invalid(name, v, "must be a whole number");
            }
            if (value < min || value > max) {
                throw invalid(name, v, "must be within " + min + ".." + max);
            }
            return value;
        });
    }

    public int integer(String name, int defaultValue, int min, int max) {
        return integer(name, min, max).orElse(defaultValue);
    }

    /** A decimal number within {@code min..max}. */
    public double decimal(String name, double defaultValue, double min, double max) {
        return string(name).map(v -> {
            double value;
            try {
                value = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw invalid(name, v, "must be a number");
            }
            if (!(value >= min && value <= max)) {
                throw invalid(name, v, "must be within " + min + ".." + max);
            }
            return value;
        }).orElse(defaultValue);
    }

    /** A duration as ISO-8601 ({@code PT30S}) or a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}). */
    public Optional<Duration> duration(String name, Duration min) {
        return string(name).map(v -> {
            Duration value;
            try {
                value = parseDuration(v);
            } catch (IllegalArgumentException e) {
                throw invalid(name, v, e.getMessage());
            }
            if (value.compareTo(min) < 0) {
                throw invalid(name, v, "must be at least " + min);
            }
            return value;
        });
    }

    public Duration duration(String name, Duration defaultValue, Duration min) {
        return duration(name, min).orElse(defaultValue);
    }

    /** A duration within {@code min..max}. */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        return duration(name, min).map(value -> {
            if (value.compareTo(max) > 0) {
                throw invalid(name, string(name).orElseThrow(), "must be at most " + max);
            }
            return value;
        }).orElse(defaultValue);
    }

    /**
     * Parses ISO-8601 ({@code PT30S}, {@code -PT1S}) or a number with a unit among ms, s, m, h, d.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Duration parseDuration(String text) {
        String value = text.trim();
        Matcher shortForm = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration: use ISO-8601 such as PT30S, or a number with ms, s, m, h or d");
        }
    }

    private static IllegalArgumentException invalid(String name, String value, String why) {
        return new IllegalArgumentException(PREFIX + name + "=" + value + ": " + why);
    }
}
