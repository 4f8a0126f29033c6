package dev.backgroundtasks.tracing;

import dev.backgroundtasks.Background;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;

/** Tasks that show what span they ran in. */
@ApplicationScoped
public class TracedTasks {

    /** Answers the id of the span current while it runs. */
    @Background(name = "traced.span")
    public String currentSpan() {
        return Span.current().getSpanContext().getSpanId();
    }

    /** Fails, once and for all. */
    @Background(name = "traced.fail", maxAttempts = 1)
    public void fail() {
        throw new IllegalStateException("no luck today");
    }
}
