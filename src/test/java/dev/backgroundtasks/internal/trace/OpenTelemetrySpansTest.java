package dev.backgroundtasks.internal.trace;

import dev.backgroundtasks.internal.config.TracingSettings.Relation;
import dev.backgroundtasks.tracing.RecordedSpans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trace context stored at enqueue and the attempt spans built from it, on the OpenTelemetry SDK. */
class OpenTelemetrySpansTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";
    private static final TraceContext STORED = new TraceContext("00-" + TRACE + "-" + SPAN + "-01", "vendor=blue");

    private final RecordedSpans exported = new RecordedSpans();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
    private final OpenTelemetry openTelemetry = new OpenTelemetry() {
        @Override
        public TracerProvider getTracerProvider() {
            return provider;
        }

        @Override
        public ContextPropagators getPropagators() {
            return ContextPropagators.noop();
        }
    };

    @AfterEach
    void close() {
        provider.close();
    }

    private OpenTelemetrySpans spans(Relation relation) {
        return new OpenTelemetrySpans(() -> openTelemetry, relation);
    }

    private SpanData attempt(Relation relation, TraceContext stored) {
        RunSpan run = spans(relation).start("mail.send", "mail", 42, 3, stored);
        run.end("succeeded", null);
        List<SpanData> all = exported.all();
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void anEnqueueOutsideAnySpanStoresNothing() {
        assertNull(spans(Relation.LINK).current());
    }

    @Test
    void anEnqueueInsideASpanStoresItsW3cContextWithItsTraceState() {
        SpanContext request = SpanContext.createFromRemoteParent(TRACE, SPAN, TraceFlags.getSampled(),
                TraceState.builder().put("vendor", "blue").build());
        try (Scope ignored = Span.wrap(request).makeCurrent()) {
            assertEquals(STORED, spans(Relation.LINK).current());
        }
    }

    @Test
    void anAttemptRunsInANewTraceLinkedToTheEnqueuingSpan() {
        SpanData span = attempt(Relation.LINK, STORED);
        assertEquals("mail.send", span.getName());
        assertEquals(SpanKind.CONSUMER, span.getKind());
        assertFalse(span.getParentSpanContext().isValid());
        assertFalse(span.getTraceId().equals(TRACE));
        assertEquals(1, span.getLinks().size());
        SpanContext linked = span.getLinks().get(0).getSpanContext();
        assertEquals(TRACE, linked.getTraceId());
        assertEquals(SPAN, linked.getSpanId());
        assertEquals("blue", linked.getTraceState().get("vendor"));
        assertEquals("mail.send", span.getAttributes().get(AttributeKey.stringKey("background_tasks.task.name")));
        assertEquals("mail", span.getAttributes().get(AttributeKey.stringKey("background_tasks.queue")));
        assertEquals(42L, span.getAttributes().get(AttributeKey.longKey("background_tasks.task.id")));
        assertEquals(3L, span.getAttributes().get(AttributeKey.longKey("background_tasks.attempt")));
        assertEquals("succeeded", span.getAttributes().get(AttributeKey.stringKey("background_tasks.outcome")));
        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
    }

    @Test
    void theChildRelationContinuesTheEnqueuingTrace() {
        SpanData span = attempt(Relation.CHILD, STORED);
        assertEquals(TRACE, span.getTraceId());
        assertEquals(SPAN, span.getParentSpanId());
        assertTrue(span.getLinks().isEmpty());
    }

    @Test
    void theNoneRelationStartsAnUnrelatedTrace() {
        SpanData span = attempt(Relation.NONE, STORED);
        assertFalse(span.getParentSpanContext().isValid());
        assertFalse(span.getTraceId().equals(TRACE));
        assertTrue(span.getLinks().isEmpty());
    }

    @Test
    void aTaskEnqueuedOutsideAnySpanRunsInARootSpanWithoutLinks() {
        SpanData span = attempt(Relation.LINK, null);
        assertFalse(span.getParentSpanContext().isValid());
        assertTrue(span.getLinks().isEmpty());
    }

    @Test
    void anAttemptIsARootEvenWhereTheRunnersThreadHasASpanOfItsOwn() {
        SpanContext server = SpanContext.create("11111111111111111111111111111111", "2222222222222222",
                TraceFlags.getSampled(), TraceState.getDefault());
        try (Scope ignored = Span.wrap(server).makeCurrent()) {
            SpanData span = attempt(Relation.LINK, STORED);
            assertFalse(span.getParentSpanContext().isValid());
            assertFalse(span.getTraceId().equals(server.getTraceId()));
        }
    }

    @Test
    void theAttemptsSpanIsCurrentWhileTheTaskRunsAndRecordsItsFailure() {
        RunSpan run = spans(Relation.LINK).start("mail.send", "mail", 42, 1, STORED);
        String during = Span.current().getSpanContext().getSpanId();
        run.failed(new IllegalStateException("no luck today"));
        run.end("failed_retried", "java.lang.IllegalStateException: no luck today");
        assertFalse(Span.current().getSpanContext().isValid(), "no longer current after its end");

        SpanData span = exported.all().get(0);
        assertEquals(span.getSpanId(), during);
        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
        assertEquals("java.lang.IllegalStateException: no luck today", span.getStatus().getDescription());
        assertEquals("failed_retried", span.getAttributes().get(AttributeKey.stringKey("background_tasks.outcome")));
        assertEquals(1, span.getEvents().size());
        assertEquals("exception", span.getEvents().get(0).getName());
        assertEquals("no luck today", span.getEvents().get(0).getAttributes()
                .get(AttributeKey.stringKey("exception.message")));
    }
}
