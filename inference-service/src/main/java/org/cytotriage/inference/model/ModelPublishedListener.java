package org.cytotriage.inference.model;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;

/**
 * Makes each newly published version of the live model live. Each replica reads the models topic
 * in its own consumer group, so all of them follow every publication. Publications of other models
 * are ignored: which model (Basic, Premium, another encoder) a deployment serves is configuration;
 * publications roll out its new versions. A publication whose model cannot be loaded, or whose
 * sha256 differs from the one announced, goes to the dead-letter topic and the live model stays.
 */
@ApplicationScoped
public class ModelPublishedListener {

    private static final Logger LOG = Logger.getLogger(ModelPublishedListener.class);

    private final LiveModel live;
    private final DeadLetterPublisher deadLetters;

    ModelPublishedListener(LiveModel live, DeadLetterPublisher deadLetters) {
        this.live = live;
        this.deadLetters = deadLetters;
    }

    @Incoming(Topics.MODELS)
    @Blocking
    public void onModelPublished(ModelPublished published) {
        ModelCard current = live.card();
        if (!current.name().equals(published.getModel().getName())) {
            LOG.infof("ignoring published model %s %s: this deployment serves %s", published.getModel().getName(),
                    published.getModel().getVersion(), current.name());
            return;
        }
        if (current.sha256().equals(published.getModel().getSha256())
                && current.version().equals(published.getModel().getVersion())) {
            return; // already live, e.g. the configured model announced again
        }
        try {
            ModelCard.readPublished(Path.of(published.getLocation()), published.getModel().getSha256());
            live.swapTo(Path.of(published.getLocation()));
        } catch (RuntimeException e) {
            deadLetters.publish(deadLetters.about(Topics.MODELS, "model " + published.getModel().getName() + " "
                    + published.getModel().getVersion() + " at " + published.getLocation() + " not loaded: "
                    + e.getMessage(), e).build());
        }
    }
}
