package dev.backgroundtasks.internal.web;

import dev.backgroundtasks.internal.config.ClaimSettings;
import dev.backgroundtasks.internal.config.NodeSettings;
import dev.backgroundtasks.internal.metrics.NodeMetrics;
import dev.backgroundtasks.internal.metrics.PrometheusText;
import dev.backgroundtasks.internal.metrics.QueueGauges;
import dev.backgroundtasks.internal.worker.PruneTimer;
import dev.backgroundtasks.internal.worker.WorkerStats;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The library's metrics in Prometheus text format, at {@code background-tasks.metrics.path}: this
 * node's counters and histograms, its worker's figures, and the queues as the database holds them
 * (one cached read). When the database cannot be read the queue gauges are left out and the
 * failure counted, and the node's own figures are still served: the claim loop's last poll then
 * stops advancing, which is what the shipped "no node polling" alert watches.
 */
public class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient NodeMetrics node;

    @Inject
    transient QueueGauges queues;

    @Inject
    transient WorkerStats stats;

    @Inject
    transient PruneTimer pruning;

    @Inject
    transient ClaimSettings claim;

    @Inject
    transient NodeSettings nodeSettings;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrometheusText out = new PrometheusText();
        node.write(out);
        worker(out);
        queues.write(out);
        byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType(PrometheusText.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private void worker(PrometheusText out) {
        boolean working = nodeSettings.enabled();
        out.family("background_tasks_slots", "Tasks this node runs at once at most (0 where its worker is off).", "gauge")
                .sample("background_tasks_slots", working ? claim.slots() : 0);
        out.family("background_tasks_busy_slots", "Slots holding a claimed task now.", "gauge")
                .sample("background_tasks_busy_slots", stats.busySlots());
        out.family("background_tasks_last_poll_timestamp_seconds", "When this node's claim loop last completed a turn "
                + "without failing (Unix time; 0 before the first).", "gauge")
                .sample("background_tasks_last_poll_timestamp_seconds", stats.lastPollMillis() / 1000.0);
        counter(out, "background_tasks_expired_leases_total", "Claims whose lease ran out, released or archived by this "
                + "node's rescuer (a node died or hung).", stats.rescued());
        counter(out, "background_tasks_lost_claims_total", "Attempts that ended on this node after their claim was lost; "
                + "the outcome was not stored.", stats.lostClaims());
        counter(out, "background_tasks_abandoned_executions_total", "Attempts still running when this node's worker "
                + "stopped and its drain ended: interrupted and left to their leases.", stats.abandoned());
        counter(out, "background_tasks_overruns_total", "Attempts that ran past their timeout and were interrupted "
                + "(each keeps its slot until it returns).", stats.overruns());
        counter(out, "background_tasks_listener_failures_total", "Times the notification listener lost its connection.",
                stats.listenerFailures());
        counter(out, "background_tasks_pruned_rows_total", "Archived tasks this node deleted past their retention.",
                pruning.prunedRows());
    }

    private static void counter(PrometheusText out, String name, String help, long value) {
        out.family(name, help, "counter").sample(name, List.of(), List.of(), value);
    }
}
