package dev.backgroundtasks.internal.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FailureBackoffTest {

    @Test
    void waitsDoubleFromHalfASecondUpToThirtySecondsAndResetOnSuccess() {
        FailureBackoff backoff = new FailureBackoff();
        long[] expected = {500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
        for (long millis : expected) {
            assertEquals(Duration.ofMillis(millis), backoff.failed());
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(Duration.ofSeconds(30), backoff.failed(), "no overflow however long the database is away");
        }
        backoff.succeeded();
        assertEquals(0, backoff.failures());
        assertEquals(Duration.ofMillis(500), backoff.failed());
    }
}
