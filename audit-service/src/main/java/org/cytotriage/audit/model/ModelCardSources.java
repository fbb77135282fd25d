package org.cytotriage.audit.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.cytotriage.audit.database.RecordingTransaction;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;

/** Where cards come from: the configured model directories at start, then every model published. */
@ApplicationScoped
public class ModelCardSources {

    private static final Logger LOG = Logger.getLogger(ModelCardSources.class);

    private final ModelCards cards;
    private final DeadLetterPublisher deadLetters;
    private final Optional<List<String>> directories;
    private final RecordingTransaction transaction;

    ModelCardSources(ModelCards cards, DeadLetterPublisher deadLetters,
            @ConfigProperty(name = "cytotriage.audit.model-directories") Optional<List<String>> directories,
            RecordingTransaction transaction) {
        this.cards = cards;
        this.transaction = transaction;
        this.deadLetters = deadLetters;
        this.directories = directories;
    }

    void onStart(@Observes StartupEvent start) {
        for (String directory : directories.orElse(List.of())) {
            try {
                cards.register(Path.of(directory), null);
            } catch (IllegalArgumentException e) {
                // A missing card only costs the drift figures of that model; the audit still starts.
                LOG.warnf("model card not recorded: %s", e.getMessage());
            }
        }
    }

    @Incoming(Topics.MODELS)
    @Blocking
    public void onPublished(ModelPublished published) {
        try {
            transaction.run(() -> cards.register(Path.of(published.getLocation()), published.getModel().getSha256()));
        } catch (IllegalArgumentException e) {
            deadLetters.publish(deadLetters.about(Topics.MODELS, e.getMessage(), e).build());
        }
    }
}
