package org.cytotriage.inference.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cytotriage.events.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Lets a SIGTERM finish the batches already on the model before the Kafka consumers close. The
 * connector's own graceful close waits only two poll timeouts, less than a batch of 1024x768 images
 * takes on a few cores, and a batch cut off there is published but never committed, so its images
 * would be predicted again after the restart. Batches the consumers had fetched but not started are
 * refused instead: left unacknowledged, their offsets stay uncommitted for whichever replica takes the
 * partitions over. {@link ShutdownEvent} observers run before the connector closes its consumers.
 * A finished batch's acknowledgement only starts its offset commit (commit-strategy latest, an
 * asynchronous commit on the polling thread), so the drain also waits until the group's committed
 * offsets cover every batch it finished: a commit still queued when the consumer closed was lost, and
 * its images predicted twice after the restart (seen in GracefulShutdownTest).
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);
    /** Between two reads of the group's committed offsets while a commit is on its way. */
    private static final long COMMIT_CHECK_INTERVAL_MS = 50;

    private final Duration timeout;
    private final KafkaClientService kafka;
    /** Per partition, the offset after the last record of a finished batch: what the group must have committed. */
    private final Map<TopicPartition, Long> finishedOffsets = new HashMap<>();
    private boolean draining;
    private int inFlight;

    ShutdownDrain(@ConfigProperty(name = "cytotriage.shutdown.drain-timeout") Duration timeout, KafkaClientService kafka) {
        this.timeout = timeout;
        this.kafka = kafka;
    }

    /** Whether a batch may start; every admitted batch must be {@link #finished()}. */
    public synchronized boolean admit() {
        if (draining) {
            return false;
        }
        inFlight++;
        return true;
    }

    /** An admitted batch is done; {@code nextOffsets}: per partition, the offset after its last record (empty if it failed). */
    public synchronized void finished(Map<TopicPartition, Long> nextOffsets) {
        nextOffsets.forEach((partition, offset) -> finishedOffsets.merge(partition, offset, Math::max));
        inFlight--;
        notifyAll();
    }

    void drain(@Observes ShutdownEvent shutdown) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> mustBeCommitted = awaitBatchesInFlight(deadline);
        awaitCommitted(mustBeCommitted, deadline);
    }

    private synchronized Map<TopicPartition, Long> awaitBatchesInFlight(long deadline) throws InterruptedException {
        draining = true;
        LOG.infof("Shutting down: finishing %d batch(es) in flight, leaving fetched batches uncommitted", inFlight);
        for (long left = deadline - System.nanoTime(); inFlight > 0 && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
        if (inFlight > 0) {
            LOG.warnf("%d batch(es) still in flight after %s: their images will be predicted again after the restart", inFlight, timeout);
        }
        return Map.copyOf(finishedOffsets);
    }

    /** Until the group has committed at least these offsets (asked of the broker through a live consumer), or the deadline. */
    private void awaitCommitted(Map<TopicPartition, Long> offsets, long deadline) throws InterruptedException {
        List<KafkaConsumer<Object, Object>> consumers = kafka.getConsumers(Topics.IMAGES);
        if (offsets.isEmpty() || consumers.isEmpty()) {
            return;
        }
        TopicPartition[] partitions = offsets.keySet().toArray(TopicPartition[]::new);
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = consumers.get(0).committed(partitions).await().atMost(Duration.ofSeconds(2));
            } catch (RuntimeException notAnswered) {
                LOG.debugf("committed offsets not read yet: %s", notAnswered.getMessage());
                continue;
            }
            if (offsets.entrySet().stream().allMatch(expected -> committed.get(expected.getKey()) != null
                    && committed.get(expected.getKey()).offset() >= expected.getValue())) {
                return;
            }
            Thread.sleep(COMMIT_CHECK_INTERVAL_MS);
        }
        LOG.warnf("the offsets of the finished batches were not all committed within %s: some images will be predicted again", timeout);
    }
}
