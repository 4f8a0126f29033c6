package dev.backgroundtasks.internal.metrics;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * What this node counted since it started: enqueues that committed, attempts started and how they
 * ended, outcomes stored, execution time and pickup latency. Labels are queue and task names (sets
 * the application bounds), outcomes and reasons; never a task id or an error message. Safe from
 * any thread; written by the call side and the worker, read by {@link MetricsServlet}.
 */
@ApplicationScoped
public class NodeMetrics {

    final CounterFamily enqueued = new CounterFamily("background_tasks_enqueued_total",
            "Tasks enqueued on this node whose transaction committed.", "queue", "task");
    final CounterFamily started = new CounterFamily("background_tasks_attempts_started_total",
            "Attempts this node started.", "queue", "task");
    final CounterFamily completed = new CounterFamily("background_tasks_completed_total",
            "Tasks this node archived, by outcome (succeeded, failed, cancelled).", "queue", "task", "outcome");
    final CounterFamily failures = new CounterFamily("background_tasks_attempt_failures_total",
            "Failed attempts on this node, by reason (exception, timeout, retry_requested) and whether the attempt was "
                    + "the task's last (final=true: archived as failed).", "queue", "task", "reason", "final");
    final HistogramFamily execution = new HistogramFamily("background_tasks_execution_duration_seconds",
            "How long attempts ran on this node, from start to outcome.", "queue", "task");
    final HistogramFamily pickup = new HistogramFamily("background_tasks_pickup_latency_seconds",
            "From the time a task was due to the start of its attempt on this node.", "queue");

    /** {@code count} tasks of one name and queue were enqueued and their transaction committed. */
    public void enqueued(String queue, String task, int count) {
        enqueued.add(count, queue, task);
    }

    /** An attempt started, {@code latency} after it was due. */
    public void started(String queue, String task, Duration latency) {
        started.add(1, queue, task);
        pickup.observe(Math.max(0, latency.toNanos()) / 1e9, queue);
    }

    /**
     * An attempt ended after {@code took}; {@code failureReason} is null when it succeeded or was
     * cancelled, else exception, timeout or retry_requested.
     */
    public void attemptEnded(String queue, String task, Duration took, String failureReason, boolean last) {
        execution.observe(took.toNanos() / 1e9, queue, task);
        if (failureReason != null) {
            failures.add(1, queue, task, failureReason, Boolean.toString(last));
        }
    }

    /** An outcome was stored: succeeded, failed or cancelled. */
    public void completed(String queue, String task, String outcome) {
        completed.add(1, queue, task, outcome);
    }

    public void write(PrometheusText out) {
        enqueued.write(out);
        started.write(out);
        completed.write(out);
        failures.write(out);
        execution.write(out);
        pickup.write(out);
    }
}
