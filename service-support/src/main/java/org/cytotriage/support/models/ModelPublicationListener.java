package org.cytotriage.support.models;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.release.ModelRelease;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.support.failure.IncomingRecords;
import org.cytotriage.support.failure.UnprocessableRecordException;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.common.annotation.Blocking;

/**
 * The consumer of the models topic, for the services that follow model publications
 * ({@code cytotriage.models.follow-publications=true} at build time; ingest does not). A publication
 * that is not a signed release the service may take ({@link PublicationVerifier}), or that it cannot
 * take, becomes a dead letter naming the model, its version, its directory and why; the model in use
 * stays in use.
 */
@ApplicationScoped
@IfBuildProperty(name = "cytotriage.models.follow-publications", stringValue = "true")
public class ModelPublicationListener {

    private final PublishedModels models;
    private final PublicationVerifier verifier;

    ModelPublicationListener(PublishedModels models, PublicationVerifier verifier) {
        this.models = models;
        this.verifier = verifier;
    }

    @Incoming(Topics.MODELS)
    @Blocking
    public void onPublished(ConsumerRecord<String, ModelPublished> record) {
        ModelPublished published = IncomingRecords.payload(record, ModelPublished.class);
        ModelRelease release;
        try {
            release = verifier.verify(published, models);
        } catch (ModelRelease.RefusedException e) {
            models.outcome(published, null, e.getMessage());
            throw new UnprocessableRecordException("model " + published.getModel().getName() + " "
                    + published.getModel().getVersion() + " at " + published.getLocation() + " refused: " + e.getMessage(), e);
        }
        try {
            models.take(published);
        } catch (RuntimeException e) {
            models.outcome(published, release.keyId(), e.getMessage());
            throw new UnprocessableRecordException("model " + published.getModel().getName() + " "
                    + published.getModel().getVersion() + " at " + published.getLocation() + " not taken: " + e.getMessage(), e);
        }
        models.outcome(published, release.keyId(), null);
    }
}
