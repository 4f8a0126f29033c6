package dev.backgroundtasks.tracing;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.inject.spi.CDI;

/** Gives the server's OpenTelemetry SDK the application's {@link RecordedSpans} as the exporter {@code recorded}. */
public class RecordedSpansProvider implements ConfigurableSpanExporterProvider {

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return CDI.current().select(RecordedSpans.class).get();
    }

    @Override
    public String getName() {
        return "recorded";
    }
}
