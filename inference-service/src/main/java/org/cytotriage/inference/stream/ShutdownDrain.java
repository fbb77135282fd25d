package org.cytotriage.inference.stream;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;

/**
 * Lets a SIGTERM finish the batches already on the model before the Kafka consumers close. The
 * connector's own graceful close waits only two poll timeouts, less than a batch of 1024x768 images
 * takes on a few cores, and a batch cut off there is published but never committed, so its images
 * would be predicted again after the restart. Batches the consumers had fetched but not started are
 * refused instead: left unacknowledged, their offsets stay uncommitted for whichever replica takes the
 * partitions over. {@link ShutdownEvent} observers run before the connector closes its consumers.
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final Duration timeout;
    private boolean draining;
    private int inFlight;

    ShutdownDrain(@ConfigProperty(name = "cytotriage.shutdown.drain-timeout") Duration timeout) {
        this.timeout = timeout;
    }

    /** Whether a batch may start; every admitted batch must be {@link #finished()}. */
    public synchronized boolean admit() {
        if (draining) {
            return false;
        }
        inFlight++;
        return true;
    }

    public synchronized void finished() {
        inFlight--;
        notifyAll();
    }

    synchronized void drain(@Observes ShutdownEvent shutdown) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        LOG.infof("Shutting down: finishing %d batch(es) in flight, leaving fetched batches uncommitted", inFlight);
        for (long left = timeout.toNanos(); inFlight > 0 && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
        if (inFlight > 0) {
            LOG.warnf("%d batch(es) still in flight after %s: their images will be predicted again after the restart", inFlight, timeout);
        }
    }
}
