package dev.backgroundtasks.internal.config;

import java.util.concurrent.ThreadLocalRandom;

/** Uniform random numbers for jitter; injectable so a test can pin them. */
@FunctionalInterface
public interface RandomSource {

    /** {@link ThreadLocalRandom}, safe from any thread. */
    RandomSource SYSTEM = () -> ThreadLocalRandom.current().nextDouble();

    /** A number in [0, 1). */
    double nextDouble();
}
