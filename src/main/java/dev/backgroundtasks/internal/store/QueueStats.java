package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.Rows;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The queues as an operator's console and API show them: each one's depth, pause state and recent
 * outcomes, and the tasks finished per minute over the last hour.
 */
@ApplicationScoped
public class QueueStats {

    /** Recent outcomes by queue. Parameters: the start of the last five minutes, of the last hour. */
    static final String RECENT_OUTCOMES = """
            SELECT queue, outcome, SUM(CASE WHEN finished_at >= ? THEN 1 ELSE 0 END), COUNT(*)
              FROM background_task_completed
             WHERE finished_at >= ?
             GROUP BY queue, outcome""";


    @Inject
    Database database;

    @Inject
    TaskReads reads;

    QueueStats() {
    }

    /** For tests over plain JDBC. */
    public QueueStats(Database database, TaskReads reads) {
        this.database = database;
        this.reads = reads;
    }

    /**
     * Every queue that has pending rows, is paused, or had tasks finish in the last hour, by name:
     * its depth (from {@code pending}, a reading of {@link TaskReads#queueDepths} the caller may
     * share with the metrics), whether it is paused (read now), and its recent outcomes.
     */
    public List<QueueView> queues(List<QueueDepth> pending, Instant now) {
        Map<String, QueueDepth> depths = new TreeMap<>();
        pending.forEach(d -> depths.put(d.queue(), d));
        Set<String> paused = reads.pausedQueues();
        Map<String, long[]> recent = new TreeMap<>(); // succeeded hour, failed hour, succeeded 5 min, failed 5 min
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(RECENT_OUTCOMES)) {
            statement.setObject(1, utc(now.minus(Duration.ofMinutes(5))));
            statement.setObject(2, utc(now.minus(Duration.ofHours(1))));
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    long[] counts = recent.computeIfAbsent(r.getString(1), q -> new long[4]);
                    String outcome = r.getString(2);
                    int at = "SUCCEEDED".equals(outcome) ? 0 : "FAILED".equals(outcome) ? 1 : -1;
                    if (at >= 0) {
                        counts[at] += r.getLong(4);
                        counts[at + 2] += r.getLong(3);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading recent outcomes failed: " + e.getMessage(), e);
        }
        Set<String> names = new TreeSet<>(depths.keySet());
        names.addAll(paused);
        names.addAll(recent.keySet());
        List<QueueView> queues = new ArrayList<>();
        for (String name : names) {
            QueueDepth d = depths.getOrDefault(name, new QueueDepth(name, 0, 0, 0, null));
            long[] r = recent.getOrDefault(name, new long[4]);
            queues.add(new QueueView(name, paused.contains(name), d.due(), d.scheduled(), d.running(), d.oldestDue(),
                    r[0], r[1], r[2], r[3]));
        }
        return queues;
    }

    /**
     * Tasks archived per minute over the last hour, by outcome, oldest minute first, every minute
     * present (zero where none finished): the console's chart.
     */
    public Throughput throughput(Instant now) {
        long last = now.getEpochSecond() / 60;
        long first = last - 59;
        long[][] counts = new long[3][60];
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(database.dialect().outcomesPerMinuteSql())) {
            statement.setObject(1, utc(Instant.ofEpochSecond(first * 60)));
            Calendar utc = Rows.utcCalendar();
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    int minute = (int) (Rows.instant(r, "minute_start", utc).getEpochSecond() / 60 - first);
                    int outcome = switch (r.getString(2)) {
                        case "SUCCEEDED" -> 0;
                        case "FAILED" -> 1;
                        default -> 2;
                    };
                    if (minute >= 0 && minute < 60) {
                        counts[outcome][minute] += r.getLong(3);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the outcomes per minute failed: " + e.getMessage(), e);
        }
        List<Long> minutes = new ArrayList<>(60);
        for (long m = first; m <= last; m++) {
            minutes.add(m * 60);
        }
        return new Throughput(minutes, list(counts[0]), list(counts[1]), list(counts[2]));
    }

    /**
     * Archived tasks per minute: {@code minutes} are the minutes' starts (Unix seconds), the other
     * lists the counts of each outcome in the same order.
     */
    public record Throughput(List<Long> minutes, List<Long> succeeded, List<Long> failed, List<Long> cancelled) {
    }

    private static List<Long> list(long[] values) {
        List<Long> list = new ArrayList<>(values.length);
        for (long v : values) {
            list.add(v);
        }
        return list;
    }

    private static Object utc(Instant instant) {
        return UtcInstantConverter.toUtc(instant);
    }

}
