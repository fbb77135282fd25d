package org.cytotriage.audit.database;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;

/**
 * Runs what a consumer records in a transaction of its own, again and again while the database
 * is away ({@link DatabaseAway}: unreachable, or ending or not yet taking sessions). The consumer
 * waits and its partitions pause once the connector's queue is full; without this the record's exception would fail the channel, which never restarts, so
 * liveness would go DOWN and the replica be restarted into the same outage. Readiness is DOWN
 * meanwhile (the datasource's health check). Any other error is not retried here.
 */
@ApplicationScoped
public class RecordingTransaction {

    @Retry(maxRetries = -1, maxDuration = 0, delay = 200)
    @RetryWhen(exception = DatabaseAway.class)
    @ExponentialBackoff(maxDelay = 10, maxDelayUnit = ChronoUnit.SECONDS)
    public void run(Runnable work) {
        QuarkusTransaction.requiringNew().run(work);
    }
}
