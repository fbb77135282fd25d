package org.cytotriage.ingest.publish;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.ingest.availability.Availability;
import org.cytotriage.ingest.availability.UnavailableException;
import org.cytotriage.support.tracing.KafkaTracing;
import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.mutiny.TimeoutException;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes ImageReceived keyed by caseId (a case's events stay ordered in one partition) and
 * returns only once the broker has acknowledged the record, so a 202 means the image is on Kafka.
 * When Kafka or the schema registry is away, the upload gets a 503 within
 * {@link Availability#publishTimeout()} instead.
 */
@ApplicationScoped
public class ImageReceivedPublisher {

    private final MutinyEmitter<ImageReceived> emitter;
    private final Duration timeout;

    ImageReceivedPublisher(@Channel(Topics.IMAGES) MutinyEmitter<ImageReceived> emitter, Availability availability) {
        this.emitter = emitter;
        this.timeout = availability.publishTimeout();
    }

    public void publish(ImageReceived event) {
        try {
            // The upload's trace (the HTTP request's span) goes with the event: inference, explain and audit continue it.
            emitter.sendMessage(KafkaTracing.message(event.getCaseId(), event)).await().atMost(timeout);
        } catch (TimeoutException e) {
            throw UnavailableException.unavailable("kafka-unavailable",
                    "Kafka did not acknowledge the image's event within " + timeout.toSeconds()
                            + " s; send the upload again later (the same bytes for the same case keep their image id)");
        } catch (RuntimeException e) {
            // The producer's own verdict: no broker within max.block.ms or delivery.timeout.ms, or the
            // serializer could not reach the schema registry (it retries only a 429, so that is quick).
            throw UnavailableException.unavailable("publish-failed", "the image's event could not be published: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
