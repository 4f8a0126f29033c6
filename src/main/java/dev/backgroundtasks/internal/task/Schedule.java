package dev.backgroundtasks.internal.task;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * How a task repeats, stored as text in the row's {@code schedule} column: {@code every PT1H},
 * {@code every PT1H until 2026-12-31T00:00:00Z}, or {@code cron Europe/Paris 0 30 9 * * MON-FRI}.
 *
 * <p>The next run is counted from the scheduled time of the run that ended, on that schedule's
 * grid, and is the first time on the grid after the run ended: a run that took longer than the
 * interval, or runs missed while no node was up, are not made up one by one. The overdue run runs
 * once, and the one after it is back on the grid.
 */
public sealed interface Schedule {

    /** The text stored in the {@code schedule} column. */
    String text();

    /**
     * The next run of a task that was due at {@code scheduled} and ended at {@code ended}.
     *
     * @return empty when the schedule has ended
     */
    Optional<Instant> next(Instant scheduled, Instant ended);

    /**
     * The next run of a task stored with {@code schedule}, due at {@code scheduled}, that ended at
     * {@code ended}: none for a one-off (null schedule), for a schedule that has ended, or for a
     * cancelled repeat (cancelling stops a repeat; a cron task, declared in code, only skips the
     * cancelled run). A schedule that no longer reads gives none, with a warning naming {@code task}:
     * that task stops repeating, the others are not affected.
     */
    static Instant following(String schedule, Instant scheduled, Instant ended, boolean cancelled, String task) {
        if (schedule == null) {
            return null;
        }
        try {
            Schedule parsed = parse(schedule);
            if (cancelled && !(parsed instanceof Cron)) {
                return null;
            }
            return parsed.next(scheduled, ended).orElse(null);
        } catch (RuntimeException e) {
            Logger.getLogger(Schedule.class.getName()).warning(() -> "Task " + task + " has a schedule that cannot be read, '"
                    + schedule + "'; it does not repeat: " + e.getMessage());
            return null;
        }
    }

    /** Reads a stored schedule. */
    static Schedule parse(String text) {
        String t = text.strip();
        if (t.startsWith("every ")) {
            String rest = t.substring("every ".length()).strip();
            int until = rest.indexOf(" until ");
            try {
                Duration interval = Duration.parse(until < 0 ? rest : rest.substring(0, until).strip());
                Instant end = until < 0 ? null : Instant.parse(rest.substring(until + " until ".length()).strip());
                return new Every(interval, end);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("Not a schedule: '" + text + "': " + e.getMessage(), e);
            }
        }
        if (t.startsWith("cron ")) {
            String rest = t.substring("cron ".length()).strip();
            int space = rest.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("Not a schedule: '" + text + "': a cron schedule needs a zone and an expression");
            }
            return Cron.of(rest.substring(space + 1), rest.substring(0, space));
        }
        throw new IllegalArgumentException("Not a schedule: '" + text + "': it must start with 'every ' or 'cron '");
    }

    /**
     * Every {@code interval} from the first scheduled time.
     *
     * @param interval the distance between scheduled times
     * @param until    no run is scheduled after this; null for no end
     */
    record Every(Duration interval, Instant until) implements Schedule {

        public Every {
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("A repeat interval must be positive, got " + interval);
            }
        }

        @Override
        public String text() {
            return "every " + interval + (until == null ? "" : " until " + until);
        }

        @Override
        public Optional<Instant> next(Instant scheduled, Instant ended) {
            long steps = 1;
            if (ended.isAfter(scheduled)) {
                // The first point of the grid strictly after the end of the run.
                steps = Math.max(1, Duration.between(scheduled, ended).toNanos() / interval.toNanos() + 1);
            }
            Instant next = scheduled.plus(interval.multipliedBy(steps));
            return until != null && next.isAfter(until) ? Optional.empty() : Optional.of(next);
        }
    }

    /**
     * A cron expression read in a time zone.
     *
     * @param expression five fields (Unix) or six with seconds first (Spring)
     * @param zone       the zone its times are read in
     */
    record Cron(String expression, ZoneId zone, ExecutionTime executionTime) implements Schedule {

        private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
        private static final CronParser SPRING = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

        /**
         * Checks and reads a cron expression.
         *
         * @param zone a zone id such as {@code Europe/Paris}; blank for UTC
         * @throws IllegalArgumentException naming what is wrong with the expression or the zone
         */
        public static Cron of(String expression, String zone) {
            String e = expression.strip().replaceAll("\\s+", " ");
            ZoneId zoneId;
            try {
                zoneId = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone.strip());
            } catch (DateTimeException ex) {
                throw new IllegalArgumentException("zone '" + zone + "' is not a time zone id such as Europe/Paris or UTC");
            }
            int fields = e.isEmpty() ? 0 : e.split(" ").length;
            CronParser parser = switch (fields) {
                case 5 -> UNIX;
                case 6 -> SPRING;
                default -> throw new IllegalArgumentException("cron '" + expression + "' must have five fields "
                        + "(minute hour day-of-month month day-of-week) or six with seconds first; it has " + fields);
            };
            try {
                return new Cron(e, zoneId, ExecutionTime.forCron(parser.parse(e)));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("cron '" + expression + "' is not valid: " + ex.getMessage(), ex);
            }
        }

        @Override
        public String text() {
            return "cron " + zone.getId() + " " + expression;
        }

        /**
         * The first time of the schedule strictly after {@code after}, in whole seconds. (cron-utils
         * keeps the fraction of a second it is given when only the seconds field moves, so an
         * every-second schedule would drift off its grid with every run.)
         */
        public Optional<Instant> firstAfter(Instant after) {
            Instant whole = after.truncatedTo(ChronoUnit.SECONDS);
            return executionTime.nextExecution(ZonedDateTime.ofInstant(whole, zone))
                    .map(next -> next.toInstant().truncatedTo(ChronoUnit.SECONDS));
        }

        @Override
        public Optional<Instant> next(Instant scheduled, Instant ended) {
            return firstAfter(ended.isAfter(scheduled) ? ended : scheduled);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cron c && c.expression.equals(expression) && c.zone.equals(zone);
        }

        @Override
        public int hashCode() {
            return expression.hashCode() * 31 + zone.hashCode();
        }
    }
}
