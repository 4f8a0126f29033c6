package dev.backgroundtasks.internal.metrics;

import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.MetricsSettings;
import dev.backgroundtasks.internal.store.QueueDepth;
import dev.backgroundtasks.internal.store.TaskReads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The queues as the database holds them (rows by state, the oldest due row's age, paused queues),
 * from one query over the pending table and one of the paused queues, reused by every scrape for
 * {@code background-tasks.metrics.depth-cache}, so scrapes from several Prometheus servers, or a
 * dashboard's reloads, do not add a query each.
 */
@ApplicationScoped
public class QueueGauges {

    /** One reading; {@code at} on the database's clock. */
    record Reading(Instant at, List<QueueDepth> depths, Set<String> paused) {
    }

    @Inject
    TaskReads reads;

    @Inject
    MetricsSettings settings;

    @Inject
    @Library
    Clock clock;

    private volatile Reading last;

    /** The last reading while it is fresh, else a new one (scrapes at once share one). */
    synchronized Reading read() {
        Instant now = clock.instant();
        Reading r = last;
        if (r == null || Duration.between(r.at(), now).compareTo(settings.depthCache()) >= 0) {
            r = new Reading(now, reads.queueDepths(now), new TreeSet<>(reads.pausedQueues()));
            last = r;
        }
        return r;
    }

    /** Writes the queue gauges, reading the database when the last reading is stale. */
    public void write(PrometheusText out) {
        Reading r = read();
        out.family("background_tasks_tasks", "Tasks in the pending table by queue and state (due, scheduled, running), "
                + "as of the last read.", "gauge");
        List<String> labels = List.of("queue", "state");
        for (QueueDepth d : r.depths()) {
            out.sample("background_tasks_tasks", labels, List.of(d.queue(), "due"), d.due());
            out.sample("background_tasks_tasks", labels, List.of(d.queue(), "scheduled"), d.scheduled());
            out.sample("background_tasks_tasks", labels, List.of(d.queue(), "running"), d.running());
        }
        out.family("background_tasks_oldest_due_age_seconds", "How long the longest-waiting due task of each queue has "
                + "been due (0 when none is).", "gauge");
        for (QueueDepth d : r.depths()) {
            double age = d.oldestDue() == null ? 0 : Math.max(0, Duration.between(d.oldestDue(), r.at()).toMillis() / 1000.0);
            out.sample("background_tasks_oldest_due_age_seconds", List.of("queue"), List.of(d.queue()), age);
        }
        out.family("background_tasks_queue_paused", "1 for each queue paused for every node.", "gauge");
        for (String queue : r.paused()) {
            out.sample("background_tasks_queue_paused", List.of("queue"), List.of(queue), 1);
        }
        out.family("background_tasks_depth_read_timestamp_seconds", "When the queue gauges were read from the database "
                + "(Unix time).", "gauge");
        out.sample("background_tasks_depth_read_timestamp_seconds", r.at().toEpochMilli() / 1000.0);
    }
}
