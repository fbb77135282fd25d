package org.cytotriage.audit.time;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The audit's clock. Months, six-month schedules and "recent" are read from it, never from
 * {@code Instant.now()}, so tests can move time (an {@code @Alternative} clock in the test sources).
 */
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
