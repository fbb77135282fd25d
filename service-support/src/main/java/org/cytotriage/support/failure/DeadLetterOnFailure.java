package org.cytotriage.support.failure;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;

import io.vertx.mutiny.core.Vertx;

/**
 * The failure policy of every channel of every service ({@code failure-strategy=dead-letter-event},
 * set for the connector in service-support's configuration). What a consumer does not process
 * becomes one DeadLetter event, with the record's topic, partition, offset, key and the reason, and
 * the record is then acknowledged, so its offset is committed and the channel goes on. The
 * connector's own strategies do not fit: {@code fail} stops the channel for good (liveness DOWN,
 * and after a restart the same record stops it again), {@code ignore} loses the record, and
 * {@code dead-letter-queue} copies the raw record to a topic of mixed, partly unreadable content,
 * where the audit and the dashboards need one readable event kind with the reason.
 *
 * <p>Transient failures are retried where they happen, with backoff, before anything gets here:
 * the database (audit's RecordingTransaction), the image store (ImageFetcher), the broker (the
 * producer's own retries within {@code delivery.timeout.ms}). A record gets here when its handler
 * gave up on it.
 */
public class DeadLetterOnFailure implements KafkaFailureHandler {

    public static final String STRATEGY = "dead-letter-event";
    private static final Logger LOG = Logger.getLogger(DeadLetterOnFailure.class);

    private final String channel;
    private final DeadLetterPublisher deadLetters;
    private final MeterRegistry registry;

    DeadLetterOnFailure(String channel, DeadLetterPublisher deadLetters, MeterRegistry registry) {
        this.channel = channel;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    @ApplicationScoped
    @Identifier(STRATEGY)
    public static class Factory implements KafkaFailureHandler.Factory {

        private final DeadLetterPublisher deadLetters;
        private final MeterRegistry registry;

        Factory(DeadLetterPublisher deadLetters, MeterRegistry registry) {
            this.deadLetters = deadLetters;
            this.registry = registry;
        }

        @Override
        public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx, KafkaConsumer<?, ?> consumer,
                BiConsumer<Throwable, Boolean> reportFailure) {
            return new DeadLetterOnFailure(config.getChannel(), deadLetters, registry);
        }
    }

    @Override
    public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
        if (Topics.DEAD_LETTER.equals(record.getTopic())) {
            // A dead letter about a dead letter could be refused for the same reason again, and again.
            LOG.errorf(reason, "channel %s: dead letter at %s-%d@%d not processed and skipped: %s", channel, record.getTopic(),
                    record.getPartition(), record.getOffset(), DeadLetterPublisher.describe(reason));
            registry.counter("cytotriage.dead.letters.skipped", "channel", channel).increment();
            return Uni.createFrom().completionStage(record::ack);
        }
        return deadLetters.send(deadLetters.about(DeadLetterPublisher.Origin.of(record), reason))
                .chain(() -> Uni.createFrom().completionStage(record::ack));
    }
}
