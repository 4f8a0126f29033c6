package dev.backgroundtasks.internal.trace;

import dev.backgroundtasks.internal.config.TracingSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries trace context from enqueue to run where the server offers the OpenTelemetry API: an
 * enqueue stores the context of the span active on the caller's thread, and each attempt runs in
 * a consumer span related to it as {@link TracingSettings#relation} says. Where the API is missing
 * (or tracing is off) nothing is stored and no span starts; the OpenTelemetry types stay in
 * {@link OpenTelemetrySpans}, loaded only when the API is there.
 *
 * <p>Threads: any caller's for {@link #current}, a runner's for {@link #start}.
 */
@ApplicationScoped
public class Tracing {

    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());
    /** A type of the OpenTelemetry trace API, whose presence says the rest is there. */
    static final String API_TYPE = "io.opentelemetry.api.trace.Span";

    @Inject
    TracingSettings settings;

    @Inject
    BeanManager beans;

    /** Null until the first use decides; then the spans, or null for none. */
    private volatile Spans spans;
    private volatile boolean decided;

    /** The context of the span active on this thread, to store with a task; null when there is none. */
    public TraceContext current() {
        Spans s = spans();
        return s == null ? null : s.current();
    }

    /**
     * Starts the span of one attempt on the runner's thread and makes it current there.
     *
     * @param enqueuedIn the context stored at enqueue, or null
     */
    public RunSpan start(String taskName, String queue, long taskId, int attempt, TraceContext enqueuedIn) {
        Spans s = spans();
        if (s == null) {
            return RunSpan.NONE;
        }
        try {
            return s.start(taskName, queue, taskId, attempt, enqueuedIn);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "background-tasks could not start the span of task " + taskId + " (" + taskName
                    + "); it runs without one", e);
            return RunSpan.NONE;
        }
    }

    private Spans spans() {
        if (!decided) {
            synchronized (this) {
                if (!decided) {
                    spans = find();
                    decided = true;
                }
            }
        }
        return spans;
    }

    private Spans find() {
        if (!settings.enabled()) {
            return null;
        }
        try {
            Class.forName(API_TYPE, false, Tracing.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.fine("background-tasks: no OpenTelemetry API on this server; tasks run without spans");
            return null;
        }
        try {
            return OpenTelemetrySpans.of(beans, settings.relation());
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "background-tasks could not use the OpenTelemetry API; tasks run without spans", e);
            return null;
        }
    }

    /** Spans of one tracing API. */
    interface Spans {

        TraceContext current();

        RunSpan start(String taskName, String queue, long taskId, int attempt, TraceContext enqueuedIn);
    }
}
