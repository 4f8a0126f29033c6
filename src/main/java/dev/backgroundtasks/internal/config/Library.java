package dev.backgroundtasks.internal.config;

import jakarta.inject.Qualifier;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Qualifies what the library produces for its own injection points: its clock, ticker and random
 * source ({@link TimeSources}) and the container resources it uses ({@link ContainerResources}). An
 * application's own {@code Clock} or executor beans neither clash with these nor change them by accident.
 */
@Qualifier
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE})
public @interface Library {
}
