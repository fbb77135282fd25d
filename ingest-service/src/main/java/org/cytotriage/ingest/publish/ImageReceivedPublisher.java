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
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
    private final KafkaTracing tracing;
    private final Duration timeout;

    ImageReceivedPublisher(@Channel(Topics.IMAGES) MutinyEmitter<ImageReceived> emitter, KafkaTracing tracing, Availability availability) {
        this.emitter = emitter;
        this.tracing = tracing;
        this.timeout = availability.publishTimeout();
    }

    public void publish(ImageReceived event) {
        try {
            // The upload's trace (the HTTP request's span) goes with the event: inference, explain and audit continue it.
            // Emitted from a worker, not this thread: the send runs the serializer where it is emitted, and with the
            // registry away Apicurio's client (3.1.7) retries a refused connection for 7 s (1 + 2 + 4), a retry its
            // serde offers no setting for; the upload's wait stays bounded whatever the send does.
            emitter.sendMessage(tracing.messageOfCase(event.getCaseId(), event))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .await().atMost(timeout);
        } catch (TimeoutException e) {
            throw UnavailableException.unavailable("publish-timeout", "the image's event was not published within " + timeout.toSeconds()
                    + " s (Kafka or the schema registry may be away); send the upload again later (the same bytes for the same case"
                    + " keep their image id)");
        } catch (RuntimeException e) {
            // The producer's own verdict: no broker within max.block.ms or delivery.timeout.ms, or the
            // serializer could not reach the schema registry.
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
