package dev.backgroundtasks.internal.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void repeatCountsFromTheScheduledTimeNotFromTheEndOfTheRun() {
        Schedule every = new Schedule.Every(Duration.ofHours(1), null);
        assertEquals(Optional.of(T0.plusSeconds(3600)), every.next(T0, T0.plusSeconds(300)));
        // Started late and ran long: still on the grid of the scheduled time.
        assertEquals(Optional.of(T0.plusSeconds(3600)), every.next(T0, T0.plusSeconds(3599)));
    }

    @Test
    void repeatSkipsTimesMissedWhileTheRunWasLateOrLong() {
        Schedule every = new Schedule.Every(Duration.ofHours(1), null);
        // Ended at 13:30 after being due at 10:00: the 11, 12 and 13 o'clock runs collapse into this one.
        assertEquals(Optional.of(T0.plusSeconds(4 * 3600)), every.next(T0, T0.plusSeconds(3 * 3600 + 1800)));
        // Ending exactly on a grid point does not schedule that point again.
        assertEquals(Optional.of(T0.plusSeconds(2 * 3600)), every.next(T0, T0.plusSeconds(3600)));
    }

    @Test
    void repeatStopsAfterItsEnd() {
        Schedule every = new Schedule.Every(Duration.ofMinutes(10), T0.plusSeconds(1200));
        assertEquals(Optional.of(T0.plusSeconds(1200)), every.next(T0.plusSeconds(600), T0.plusSeconds(601)));
        assertEquals(Optional.empty(), every.next(T0.plusSeconds(1200), T0.plusSeconds(1201)));
    }

    @Test
    void cronRunsOnceForAWindowMissedWhileNothingWasUp() {
        Schedule.Cron hourly = Schedule.Cron.of("0 * * * *", "UTC");
        // Due at 10:00, run at 13:05 after an outage: the next run is 14:00, not 11:00.
        assertEquals(Optional.of(Instant.parse("2026-11-25T14:00:00Z")),
                hourly.next(T0, Instant.parse("2026-11-25T13:05:00Z")));
        assertEquals(Optional.of(Instant.parse("2026-11-25T11:00:00Z")), hourly.next(T0, T0.plusSeconds(5)));
    }

    @Test
    void cronStaysOnItsGridWhenRunsEndBetweenSeconds() {
        Schedule.Cron everySecond = Schedule.Cron.of("* * * * * *", "UTC");
        assertEquals(Optional.of(T0.plusSeconds(2)), everySecond.next(T0.plusSeconds(1), T0.plusMillis(1640)));
        assertEquals(Optional.of(T0.plusSeconds(1)), everySecond.firstAfter(T0.plusNanos(1)));
        Schedule.Cron everyMinute = Schedule.Cron.of("* * * * *", "UTC");
        assertEquals(Optional.of(T0.plusSeconds(60)), everyMinute.next(T0, T0.plusMillis(30_250)));
    }

    @Test
    void cronReadsItsTimesInItsZone() {
        Schedule.Cron nineInParis = Schedule.Cron.of("0 9 * * *", "Europe/Paris");
        assertEquals(Optional.of(Instant.parse("2026-11-26T08:00:00Z")), nineInParis.firstAfter(T0));
        Schedule.Cron everyTwoSeconds = Schedule.Cron.of("*/2 * * * * *", "");
        assertEquals(Optional.of(T0.plusSeconds(2)), everyTwoSeconds.firstAfter(T0));
    }

    @Test
    void schedulesRoundTripThroughTheirStoredText() {
        Schedule every = new Schedule.Every(Duration.ofMinutes(5), T0);
        assertEquals("every PT5M until 2026-11-25T10:00:00Z", every.text());
        assertEquals(every, Schedule.parse(every.text()));
        Schedule cron = Schedule.Cron.of("0  30 9 * * MON-FRI", "Europe/Paris");
        assertEquals("cron Europe/Paris 0 30 9 * * MON-FRI", cron.text());
        assertEquals(cron, Schedule.parse(cron.text()));
    }

    @Test
    void badSchedulesNameWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.Cron.of("* * *", "UTC"))
                .getMessage().contains("must have five fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.Cron.of("61 * * * *", "UTC"))
                .getMessage().startsWith("cron '61 * * * *' is not valid"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.Cron.of("0 * * * *", "Mars/Olympus"))
                .getMessage().contains("zone 'Mars/Olympus'"));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("sometimes"));
    }
}
