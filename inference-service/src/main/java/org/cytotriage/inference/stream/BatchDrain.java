package org.cytotriage.inference.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cytotriage.events.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * A batch on the model finishes and is committed before its partitions leave this replica, so a
 * partition's next owner never predicts it again. Two things hand partitions over:
 * <ul>
 * <li><b>SIGTERM</b> (a rolling update, a node drain). The connector's own graceful close waits only
 * two poll timeouts, less than a batch of 1024x768 images takes on a few cores, and a batch cut off
 * there is published but never committed. So the batches on the model finish, and batches the
 * consumers had fetched but not started are refused: left unacknowledged, their offsets stay
 * uncommitted for whichever replica takes the partitions over. {@link ShutdownEvent} observers run
 * before the connector closes its consumers. A finished batch's acknowledgement only starts its
 * offset commit (commit-strategy latest, an asynchronous commit on the polling thread), so the drain
 * also waits until the group's committed offsets cover every batch it finished: a commit still queued
 * when the consumer closed was lost, and its images predicted twice after the restart.</li>
 * <li><b>A rebalance</b> (a replica joins or leaves, or the second consumer of a restarted replica
 * joins after the first took every partition and a batch that waits for the model to load: seen in
 * GracefulShutdownTest). Kafka calls {@link #onPartitionsRevoked} on the consumer's polling thread
 * before the partitions move; it waits for the batches on the model that hold a revoked partition and
 * commits their offsets itself, synchronously, because the connector's commit would be queued on this
 * very thread until after the partitions had moved. The connector has already dropped the fetched
 * records of the revoked partitions that no batch has started.</li>
 * </ul>
 * Both waits end at the drain timeout; a batch still on the model then is predicted again by the next
 * owner (at-least-once), and audit-service records one result per image whatever it receives twice.
 */
@ApplicationScoped
@Default
@Identifier(BatchDrain.LISTENER)
public class BatchDrain implements KafkaConsumerRebalanceListener {

    /** The name the images channel's {@code consumer-rebalance-listener.name} gives; {@code @Default} keeps it injectable as itself. */
    public static final String LISTENER = "inference-batch-drain";

    private static final Logger LOG = Logger.getLogger(BatchDrain.class);
    /** Between two reads of the group's committed offsets while a commit is on its way. */
    private static final long COMMIT_CHECK_INTERVAL_MS = 50;

    private final Duration timeout;
    private final KafkaClientService kafka;
    /** The partitions of each batch on the model now. */
    private final List<Set<TopicPartition>> inFlight = new ArrayList<>();
    /**
     * Per partition still held, the offset after the last record of a finished batch: what the group must
     * have committed. A partition leaves this map when it is handed over, so an offset finished under an
     * earlier assignment is never committed again over a later owner's.
     */
    private final Map<TopicPartition, Long> finishedOffsets = new HashMap<>();
    private boolean draining;

    BatchDrain(@ConfigProperty(name = "cytotriage.drain-timeout") Duration timeout, KafkaClientService kafka) {
        this.timeout = timeout;
        this.kafka = kafka;
    }

    /** Whether a batch of these partitions may start; every admitted batch must be {@link #finished finished}. */
    public synchronized boolean admit(Set<TopicPartition> partitions) {
        if (draining) {
            return false;
        }
        inFlight.add(partitions);
        return true;
    }

    /**
     * An admitted batch is done; {@code nextOffsets}: per partition, the offset after its last record
     * (empty if it failed).
     */
    public synchronized void finished(Set<TopicPartition> partitions, Map<TopicPartition, Long> nextOffsets) {
        nextOffsets.forEach((partition, offset) -> finishedOffsets.merge(partition, offset, Math::max));
        inFlight.remove(partitions);
        notifyAll();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
        Map<TopicPartition, OffsetAndMetadata> commit;
        try {
            commit = handOver(revoked, System.nanoTime() + timeout.toNanos()).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, entry -> new OffsetAndMetadata(entry.getValue())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (commit.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(commit, timeout);
            LOG.debugf("handed over %s with their finished batches committed", commit.keySet());
        } catch (RuntimeException e) {
            // Partitions lost rather than revoked (this consumer was already out of the group) cannot be committed.
            LOG.warnf("the finished batches of %s were not committed before the handover (%s): their images may be predicted again",
                    commit.keySet(), e.getMessage());
        }
    }

    /**
     * Waits until no batch on the model holds one of these partitions (or the deadline), and returns
     * the finished offsets of those partitions, which leave this replica's account.
     */
    private synchronized Map<TopicPartition, Long> handOver(Collection<TopicPartition> partitions, long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); holdsAny(partitions) && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
        if (holdsAny(partitions)) {
            LOG.warnf("a batch of %s still on the model after %s: its images will be predicted again by the partitions' next owner",
                    partitions, timeout);
        }
        Map<TopicPartition, Long> handedOver = new HashMap<>();
        partitions.forEach(partition -> {
            Long offset = finishedOffsets.remove(partition);
            if (offset != null) {
                handedOver.put(partition, offset);
            }
        });
        return handedOver;
    }

    private boolean holdsAny(Collection<TopicPartition> partitions) {
        return inFlight.stream().anyMatch(batch -> !Collections.disjoint(batch, partitions));
    }

    void drain(@Observes ShutdownEvent shutdown) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> mustBeCommitted = awaitBatchesInFlight(deadline);
        awaitCommitted(mustBeCommitted, deadline);
    }

    private synchronized Map<TopicPartition, Long> awaitBatchesInFlight(long deadline) throws InterruptedException {
        draining = true;
        LOG.infof("Shutting down: finishing %d batch(es) in flight, leaving fetched batches uncommitted", inFlight.size());
        for (long left = deadline - System.nanoTime(); !inFlight.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
        if (!inFlight.isEmpty()) {
            LOG.warnf("%d batch(es) still in flight after %s: their images will be predicted again after the restart", inFlight.size(), timeout);
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
