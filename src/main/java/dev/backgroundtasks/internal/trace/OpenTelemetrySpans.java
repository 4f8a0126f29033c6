package dev.backgroundtasks.internal.trace;

import dev.backgroundtasks.internal.config.TracingSettings.Relation;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Trace context and attempt spans through the OpenTelemetry API (1.x, as Payara, WildFly and Open
 * Liberty offer it). The tracer comes from the application's {@code OpenTelemetry} bean (MicroProfile
 * Telemetry).
 */
final class OpenTelemetrySpans implements Tracing.Spans {

    /** The instrumentation scope of the library's spans. */
    static final String SCOPE = "dev.backgroundtasks";
    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";
    /** The longest {@code tracestate} a row keeps (its column's width, the W3C limit). */
    static final int MAX_STATE = 512;

    private static final TextMapGetter<TraceContext> STORED = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceContext carrier) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(TraceContext carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return TRACEPARENT.equals(key) ? carrier.parent() : TRACESTATE.equals(key) ? carrier.state() : null;
        }
    };

    private final Supplier<OpenTelemetry> source;
    private final Relation relation;
    private final W3CTraceContextPropagator w3c = W3CTraceContextPropagator.getInstance();
    /** Resolved on a runner's thread, where the application's context is there to find it. */
    private volatile Tracer tracer;
    private volatile boolean resolved;

    /** @param source the OpenTelemetry instance to take the tracer from (null for none), asked once on the first start */
    OpenTelemetrySpans(Supplier<OpenTelemetry> source, Relation relation) {
        this.source = source;
        this.relation = relation;
    }

    /**
     * Spans through the application's {@code OpenTelemetry} bean (MicroProfile Telemetry). Where there
     * is none, attempts run without spans: asking {@code GlobalOpenTelemetry} instead would install a
     * no-op instance for good where nothing set one, and a Java agent or the server setting one later
     * would then fail.
     */
    static OpenTelemetrySpans of(BeanManager beans, Relation relation) {
        return new OpenTelemetrySpans(() -> {
            Bean<?> bean = beans.resolve(beans.getBeans(OpenTelemetry.class));
            return bean == null ? null
                    : (OpenTelemetry) beans.getReference(bean, OpenTelemetry.class, beans.createCreationalContext(bean));
        }, relation);
    }

    @Override
    public TraceContext current() {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> headers = new HashMap<>(4);
        w3c.inject(context, headers, (carrier, key, value) -> carrier.put(key, value));
        String parent = headers.get(TRACEPARENT);
        if (parent == null) {
            return null;
        }
        String state = headers.get(TRACESTATE);
        return new TraceContext(parent, state == null || state.isEmpty() || state.length() > MAX_STATE ? null : state);
    }

    @Override
    public RunSpan start(String taskName, String queue, long taskId, int attempt, TraceContext enqueuedIn) {
        Tracer spans = tracer();
        if (spans == null) {
            return RunSpan.NONE;
        }
        SpanBuilder builder = spans.spanBuilder(taskName)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("background_tasks.task.name", taskName)
                .setAttribute("background_tasks.task.id", taskId)
                .setAttribute("background_tasks.queue", queue)
                .setAttribute("background_tasks.attempt", attempt)
                .setAttribute("messaging.system", "background_tasks")
                .setAttribute("messaging.operation", "process")
                .setAttribute("messaging.destination.name", queue)
                .setAttribute("messaging.message.id", Long.toString(taskId));
        SpanContext enqueuing = enqueuedIn == null ? SpanContext.getInvalid()
                : Span.fromContext(w3c.extract(Context.root(), enqueuedIn, STORED)).getSpanContext();
        if (relation == Relation.CHILD && enqueuing.isValid()) {
            builder.setParent(Context.root().with(Span.wrap(enqueuing)));
        } else {
            // No parent even where the server gave the runner's thread a context of its own.
            builder.setNoParent();
            if (relation == Relation.LINK && enqueuing.isValid()) {
                builder.addLink(enqueuing);
            }
        }
        Span span = builder.startSpan();
        return new Run(span, span.makeCurrent());
    }

    /** The tracer, found on the first start; null where the application has no OpenTelemetry instance. */
    private Tracer tracer() {
        if (!resolved) {
            OpenTelemetry found = source.get();
            tracer = found == null ? null : found.getTracer(SCOPE);
            resolved = true;
        }
        return tracer;
    }

    /** One attempt's span and the scope that makes it current on the runner's thread. */
    private record Run(Span span, Scope scope) implements RunSpan {

        @Override
        public void failed(Throwable error) {
            span.recordException(error);
        }

        @Override
        public void end(String outcome, String error) {
            span.setAttribute("background_tasks.outcome", outcome);
            if (error != null) {
                span.setStatus(StatusCode.ERROR, error);
            }
            scope.close();
            span.end();
        }
    }
}
