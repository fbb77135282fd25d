package org.cytotriage.explain.model;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.common.annotation.Blocking;

/**
 * Adds each published model version to the catalog, so its predictions can be explained on request.
 * Each replica reads the models topic in its own consumer group. A publication whose card is
 * unreadable or names another sha256 goes to the dead-letter topic.
 */
@ApplicationScoped
public class ModelPublishedListener {

    private final ModelCatalog catalog;
    private final DeadLetterPublisher deadLetters;

    ModelPublishedListener(ModelCatalog catalog, DeadLetterPublisher deadLetters) {
        this.catalog = catalog;
        this.deadLetters = deadLetters;
    }

    @Incoming(Topics.MODELS)
    @Blocking
    public void onModelPublished(ModelPublished published) {
        try {
            ModelCard.readPublished(Path.of(published.getLocation()), published.getModel().getSha256());
            catalog.register(Path.of(published.getLocation()));
        } catch (RuntimeException e) {
            deadLetters.publish(deadLetters.about(Topics.MODELS, "model " + published.getModel().getName() + " "
                    + published.getModel().getVersion() + " at " + published.getLocation() + " not registered: "
                    + e.getMessage(), e).build());
        }
    }
}
