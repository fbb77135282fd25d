package org.cytotriage.ingest.publish;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes ImageReceived keyed by caseId (a case's events stay ordered in one partition) and
 * returns only once the broker has acknowledged the record, so a 202 means the image is on Kafka.
 */
@ApplicationScoped
public class ImageReceivedPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final MutinyEmitter<Record<String, ImageReceived>> emitter;

    ImageReceivedPublisher(@Channel(Topics.IMAGES) MutinyEmitter<Record<String, ImageReceived>> emitter) {
        this.emitter = emitter;
    }

    public void publish(ImageReceived event) {
        emitter.send(Record.of(event.getCaseId(), event)).await().atMost(ACK_TIMEOUT);
    }
}
