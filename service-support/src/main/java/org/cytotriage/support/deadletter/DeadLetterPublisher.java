package org.cytotriage.support.deadletter;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes input a service cannot process to the dead-letter topic, with the reason, and waits for
 * the broker's acknowledgement so the caller may then commit past the poison record.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final MutinyEmitter<DeadLetter> emitter;
    private final String service;
    private final MeterRegistry registry;

    DeadLetterPublisher(@Channel(Topics.DEAD_LETTER) MutinyEmitter<DeadLetter> emitter,
            @ConfigProperty(name = "quarkus.application.name") String service, MeterRegistry registry) {
        this.emitter = emitter;
        this.service = service;
        this.registry = registry;
    }

    /** A dead letter about a record of {@code sourceTopic}; fill in the ids known, then {@link #publish}. */
    public DeadLetter.Builder about(String sourceTopic, String reason, Throwable error) {
        return DeadLetter.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setService(service)
                .setSourceTopic(sourceTopic)
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName());
    }

    public void publish(DeadLetter letter) {
        LOG.warnf("dead letter from %s (image %s, case %s): %s", letter.getSourceTopic(), letter.getImageId(),
                letter.getCaseId(), letter.getReason());
        emitter.sendMessageAndAwait(KafkaTracing.message(letter.getCaseId(), letter));
        // Counted once the broker has it: the alert on this counter means a record really left the stream.
        registry.counter("cytotriage.dead.letters", "service", service, "source_topic", letter.getSourceTopic()).increment();
    }
}
