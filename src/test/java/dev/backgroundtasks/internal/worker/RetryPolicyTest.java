package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ConfigReader;
import dev.backgroundtasks.internal.config.RetrySettings;
import dev.backgroundtasks.internal.config.RetrySettings.Backoff;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetryPolicyTest {

    private static final RetrySettings EXPONENTIAL =
            new RetrySettings(Backoff.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofSeconds(10), 2.0, 0.2);

    @Test
    void exponentialWaitsDoubleUpToTheCap() {
        RetryPolicy middle = new RetryPolicy(EXPONENTIAL, () -> 0.5);
        assertEquals(Duration.ofSeconds(1), middle.delayAfter(1));
        assertEquals(Duration.ofSeconds(2), middle.delayAfter(2));
        assertEquals(Duration.ofSeconds(4), middle.delayAfter(3));
        assertEquals(Duration.ofSeconds(8), middle.delayAfter(4));
        assertEquals(Duration.ofSeconds(10), middle.delayAfter(5));
        assertEquals(Duration.ofSeconds(10), middle.delayAfter(60), "no overflow however many attempts");
    }

    @Test
    void jitterStaysWithinItsFractionAndUnderTheCap() {
        assertEquals(Duration.ofMillis(1600), new RetryPolicy(EXPONENTIAL, () -> 0.0).delayAfter(2));
        assertEquals(Duration.ofMillis(2200), new RetryPolicy(EXPONENTIAL, () -> 0.75).delayAfter(2));
        assertEquals(Duration.ofSeconds(10), new RetryPolicy(EXPONENTIAL, () -> 0.99).delayAfter(9));
        assertEquals(Duration.ofSeconds(8), new RetryPolicy(EXPONENTIAL, () -> 0.0).delayAfter(9));
    }

    @Test
    void fixedWaitsTheSameEachTime() {
        RetrySettings fixed = new RetrySettings(Backoff.FIXED, Duration.ofSeconds(3), Duration.ofMinutes(1), 2.0, 0.0);
        RetryPolicy policy = new RetryPolicy(fixed, () -> 0.7);
        assertEquals(Duration.ofSeconds(3), policy.delayAfter(1));
        assertEquals(Duration.ofSeconds(3), policy.delayAfter(7));
    }

    @Test
    void settingsAreReadAndCheckedByName() {
        RetrySettings read = RetrySettings.read(new ConfigReader(name -> Optional.ofNullable(Map.of(
                "background-tasks.retry.backoff", "Fixed",
                "background-tasks.retry.initial-delay", "250ms").get(name))));
        assertEquals(Backoff.FIXED, read.backoff());
        assertEquals(Duration.ofMillis(250), read.initialDelay());
        assertEquals("background-tasks.retry.backoff=linear: must be exponential or fixed",
                assertThrows(IllegalArgumentException.class, () -> RetrySettings.read(new ConfigReader(
                        name -> Optional.ofNullable(Map.of("background-tasks.retry.backoff", "linear").get(name)))))
                        .getMessage());
        assertEquals("background-tasks.retry.jitter=2: must be within 0.0..1.0",
                assertThrows(IllegalArgumentException.class, () -> RetrySettings.read(new ConfigReader(
                        name -> Optional.ofNullable(Map.of("background-tasks.retry.jitter", "2").get(name)))))
                        .getMessage());
    }
}
