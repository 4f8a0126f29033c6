package dev.backgroundtasks.internal.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Produces the library's sources of time and chance: the monotonic ticker for deadlines and waits,
 * and the random source for jitter (the clock for what is stored is the database's, {@code
 * store.DatabaseClock}). The worker's classes take them as constructor arguments, so a plain test
 * gives them settable ones instead.
 */
@ApplicationScoped
public class TimeSources {

    @Produces
    @Library
    public Ticker ticker() {
        return Ticker.SYSTEM;
    }

    @Produces
    @Library
    public RandomSource random() {
        return RandomSource.SYSTEM;
    }
}
