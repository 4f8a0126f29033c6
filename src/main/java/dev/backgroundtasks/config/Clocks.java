package dev.backgroundtasks.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;

/** Produces the library's clock: the system clock in UTC. */
@ApplicationScoped
public class Clocks {

    @Produces
    @LibraryClock
    public Clock clock() {
        return Clock.systemUTC();
    }
}
