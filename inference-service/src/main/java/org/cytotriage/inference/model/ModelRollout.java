package org.cytotriage.inference.model;

import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.support.models.PublishedModels;
import org.jboss.logging.Logger;

/**
 * Makes each newly published version of the live model live. Each replica reads the models topic
 * in its own consumer group, so all of them follow every publication. Publications of other models
 * are ignored: which model (Basic, Premium, another encoder) a deployment serves is configuration;
 * publications roll out its new versions. A publication whose model cannot be loaded, or whose
 * sha256 differs from the one announced, becomes a dead letter and the live model stays.
 */
@ApplicationScoped
public class ModelRollout implements PublishedModels {

    private static final Logger LOG = Logger.getLogger(ModelRollout.class);

    private final LiveModel live;

    ModelRollout(LiveModel live) {
        this.live = live;
    }

    @Override
    public void take(ModelPublished published) {
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
        ModelCard.readPublished(Path.of(published.getLocation()), published.getModel().getSha256());
        live.swapTo(Path.of(published.getLocation()));
    }

    /** The live version, for a publication of the model this deployment serves. */
    @Override
    public Optional<String> newestVersion(String modelName) {
        ModelCard current = live.card();
        return current.name().equals(modelName) ? Optional.of(current.version()) : Optional.empty();
    }

    @Override
    public boolean has(ModelRef model) {
        ModelCard current = live.card();
        return current.name().equals(model.getName()) && current.version().equals(model.getVersion())
                && current.sha256().equals(model.getSha256());
    }
}
