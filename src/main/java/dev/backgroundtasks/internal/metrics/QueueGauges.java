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
import java.util.concurrent.atomic.LongAdder;

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

    /**
     * The queues' depths as the last fresh reading has them (at most {@code depth-cache} old), read
     * now when it is stale: the console's refreshes share the scrapes' one query over the pending table.
     */
    public List<QueueDepth> depths() {
        return read().depths();
    }

    @Inject
    TaskReads reads;

    @Inject
    MetricsSettings settings;

    @Inject
    @Library
    Clock clock;

    private volatile Reading last;
    private Instant lastFailure;
    private final LongAdder readErrors = new LongAdder();

    /**
     * The last reading while it is fresh, else a new one (scrapes at once share one). A failed read
     * is remembered as long as a reading would be, so scrapes of a database in trouble do not queue
     * up behind each other.
     */
    synchronized Reading read() {
        Instant now = clock.instant();
        if (lastFailure != null && Duration.between(lastFailure, now).compareTo(settings.depthCache()) < 0) {
            throw new IllegalStateException("the last read of the queue gauges failed at " + lastFailure);
        }
        Reading r = last;
        if (r == null || Duration.between(r.at(), now).compareTo(settings.depthCache()) >= 0) {
            try {
                r = new Reading(now, reads.queueDepths(now), new TreeSet<>(reads.pausedQueues()));
            } catch (RuntimeException e) {
                lastFailure = now;
                throw e;
            }
            lastFailure = null;
            last = r;
        }
        return r;
    }

    /**
     * Writes the queue gauges, reading the database when the last reading is stale. When the read
     * fails the gauges are left out (no stale figures) and the failure is counted; the node's own
     * metrics are still served, so a scrape shows the database trouble rather than failing.
     */
    public void write(PrometheusText out) {
        Reading r;
        try {
            r = read();
        } catch (RuntimeException e) {
            readErrors.increment();
            r = null;
        }
        out.family("background_tasks_depth_read_errors_total", "Scrapes on this node whose read of the queue gauges "
                + "failed (the gauges were left out).", "counter")
                .sample("background_tasks_depth_read_errors_total", readErrors.sum());
        out.family("background_tasks_tasks", "Tasks in the pending table by queue and state: due, scheduled (due later), "
                + "running, and paused (waiting in a paused queue, due or not).", "gauge");
        List<String> labels = List.of("queue", "state");
        if (r != null) {
            for (QueueDepth d : r.depths()) {
                boolean paused = r.paused().contains(d.queue());
                out.sample("background_tasks_tasks", labels, List.of(d.queue(), "due"), paused ? 0 : d.due());
                out.sample("background_tasks_tasks", labels, List.of(d.queue(), "scheduled"), paused ? 0 : d.scheduled());
                out.sample("background_tasks_tasks", labels, List.of(d.queue(), "running"), d.running());
                out.sample("background_tasks_tasks", labels, List.of(d.queue(), "paused"), paused ? d.due() + d.scheduled() : 0);
            }
        }
        out.family("background_tasks_oldest_due_age_seconds", "How long the longest-waiting due task of each queue has "
                + "been due (0 when none is, and for a paused queue).", "gauge");
        if (r != null) {
            for (QueueDepth d : r.depths()) {
                double age = d.oldestDue() == null || r.paused().contains(d.queue()) ? 0
                        : Math.max(0, Duration.between(d.oldestDue(), r.at()).toMillis() / 1000.0);
                out.sample("background_tasks_oldest_due_age_seconds", List.of("queue"), List.of(d.queue()), age);
            }
        }
        out.family("background_tasks_queue_paused", "1 for each queue paused for every node.", "gauge");
        if (r != null) {
            for (String queue : r.paused()) {
                out.sample("background_tasks_queue_paused", List.of("queue"), List.of(queue), 1);
            }
        }
        out.family("background_tasks_depth_read_timestamp_seconds", "When the queue gauges were last read from the "
                + "database (Unix time).", "gauge");
        Reading shown = last;
        out.sample("background_tasks_depth_read_timestamp_seconds", shown == null ? 0 : shown.at().toEpochMilli() / 1000.0);
    }
}
