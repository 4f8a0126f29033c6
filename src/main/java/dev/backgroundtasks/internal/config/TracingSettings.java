package dev.backgroundtasks.internal.config;

import java.util.Locale;

/**
 * Trace context from enqueue to run ({@code background-tasks.tracing.*}), used where the server
 * offers the OpenTelemetry API.
 *
 * @param enabled  whether enqueues store the active span's context and attempts run in spans
 * @param relation how an attempt's span relates to the span that was active at enqueue
 */
public record TracingSettings(boolean enabled, Relation relation) {

    /** How an attempt's span relates to the span that enqueued its task. */
    public enum Relation {
        /** A new trace whose span links to the enqueuing span: a task may run hours after its request ended. */
        LINK,
        /** A child of the enqueuing span, in the same trace. */
        CHILD,
        /** A new trace, with no reference to the enqueuing span. */
        NONE
    }

    public static final Relation RELATION_DEFAULT = Relation.LINK;

    /** Reads and checks the tracing properties. */
    public static TracingSettings read(ConfigReader config) {
        String relation = config.string("tracing.relation", RELATION_DEFAULT.name().toLowerCase(Locale.ROOT));
        Relation parsed;
        try {
            parsed = Relation.valueOf(relation.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("background-tasks.tracing.relation='" + relation
                    + "' must be one of link, child, none", e);
        }
        return new TracingSettings(config.bool("tracing.enabled", true), parsed);
    }
}
