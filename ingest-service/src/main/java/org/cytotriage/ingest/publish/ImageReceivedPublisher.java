package org.cytotriage.ingest.publish;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes ImageReceived keyed by caseId (a case's events stay ordered in one partition) and
 * returns only once the broker has acknowledged the record, so a 202 means the image is on Kafka.
 */
@ApplicationScoped
public class ImageReceivedPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final MutinyEmitter<ImageReceived> emitter;

    ImageReceivedPublisher(@Channel(Topics.IMAGES) MutinyEmitter<ImageReceived> emitter) {
        this.emitter = emitter;
    }

    public void publish(ImageReceived event) {
        // The upload's trace (the HTTP request's span) goes with the event: inference, explain and audit continue it.
        emitter.sendMessage(KafkaTracing.message(event.getCaseId(), event)).await().atMost(ACK_TIMEOUT);
    }
}
