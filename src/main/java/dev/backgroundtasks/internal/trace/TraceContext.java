package dev.backgroundtasks.internal.trace;

/**
 * The W3C trace context of a span, as HTTP headers carry it and as a task's row stores it.
 *
 * @param parent the {@code traceparent} value ({@code 00-<trace id>-<span id>-<flags>})
 * @param state  the {@code tracestate} value, or null when the span had none
 */
public record TraceContext(String parent, String state) {
}
