package dev.backgroundtasks;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TaskOptionsTest {

    @Test
    void withersKeepEverythingElse() {
        TaskOptions options = TaskOptions.in(Duration.ofMinutes(5)).queue("mail").priority(3).maxAttempts(2)
                .timeout(Duration.ofSeconds(9));
        assertEquals(Duration.ofMinutes(5), options.delay());
        assertEquals("mail", options.queue());
        assertEquals(3, options.priority());
        assertEquals(2, options.maxAttempts());
        assertEquals(Duration.ofSeconds(9), options.timeout());
    }

    @Test
    void runAtReplacesDelay() {
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        TaskOptions options = TaskOptions.in(Duration.ofMinutes(5)).runAt(at);
        assertNull(options.delay());
        assertEquals(at, options.runAt());
    }

    @Test
    void badValuesFailAtTheCallNamingTheOption() {
        assertEquals("Task options: priority must be within -1000..1000, got 1001",
                assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().priority(1001)).getMessage());
        assertEquals("Task options: delay must be within PT0S..PT876000H, got PT-1S",
                assertThrows(IllegalArgumentException.class, () -> TaskOptions.in(Duration.ofSeconds(-1))).getMessage());
        assertEquals("Task options: timeout must be positive and at most PT168H, got PT0S",
                assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().timeout(Duration.ZERO)).getMessage());
        assertEquals("Task options: maxAttempts must be within 1..1000, got 0",
                assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().maxAttempts(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().queue(" "));
        assertThrows(IllegalArgumentException.class,
                () -> new TaskOptions(Duration.ZERO, Instant.now(), null, null, null, null, null, null, null, null));
    }

    /** Values no claim arithmetic or timestamp column can hold are refused at the call, naming the option. */
    @Test
    void valuesBeyondWhatTheTableAndTheClaimCanHoldAreRefused() {
        assertEquals("Task options: timeout must be positive and at most PT168H, got PT2562047788015H12M55.807S",
                assertThrows(IllegalArgumentException.class,
                        () -> TaskOptions.defaults().timeout(Duration.ofMillis(Long.MAX_VALUE))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().timeout(Duration.ofDays(8)));
        assertEquals(Duration.ofDays(7), TaskOptions.defaults().timeout(Duration.ofDays(7)).timeout());
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().maxAttempts(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.in(Duration.ofDays(36_501)));
        assertEquals("Task options: runAt must be within 1970-01-01T00:00:00Z..9999-01-01T00:00:00Z, got "
                        + "+1000000000-12-31T23:59:59.999999999Z",
                assertThrows(IllegalArgumentException.class, () -> TaskOptions.at(Instant.MAX)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.at(Instant.MIN));
        assertThrows(IllegalArgumentException.class,
                () -> TaskOptions.defaults().repeatEvery(Duration.ofDays(36_501)));
        assertThrows(IllegalArgumentException.class,
                () -> TaskOptions.defaults().repeatEvery(Duration.ofHours(1)).repeatUntil(Instant.MAX));
    }

    @Test
    void dedupeAndRepeatOptionsAreCheckedAtTheCall() {
        assertEquals("Task options: onDuplicate RESCHEDULE needs a dedupeKey",
                assertThrows(IllegalArgumentException.class,
                        () -> TaskOptions.defaults().onDuplicate(DuplicateAction.RESCHEDULE)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().dedupeKey(" "));
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.defaults().dedupeKey("k".repeat(256)));
        assertEquals("Task options: repeatEvery must be within PT0.1S..PT876000H, got PT0.05S",
                assertThrows(IllegalArgumentException.class,
                        () -> TaskOptions.defaults().repeatEvery(Duration.ofMillis(50))).getMessage());
        assertEquals("Task options: repeatUntil needs repeatEvery",
                assertThrows(IllegalArgumentException.class,
                        () -> TaskOptions.defaults().repeatUntil(Instant.EPOCH)).getMessage());
        TaskOptions ok = TaskOptions.defaults().dedupeKey("report:7").onDuplicate(DuplicateAction.INSERT)
                .repeatEvery(Duration.ofHours(1)).repeatUntil(Instant.EPOCH);
        assertEquals("report:7", ok.dedupeKey());
        assertEquals(Duration.ofHours(1), ok.repeatEvery());
    }

    @Test
    void taskIdsParseFromText() {
        assertEquals(new TaskId(42), TaskId.parse(" 42"));
        assertEquals("Not a task id: 'x1'",
                assertThrows(IllegalArgumentException.class, () -> TaskId.parse("x1")).getMessage());
    }
}
