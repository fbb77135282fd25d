package org.cytotriage.inference.model;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.cytotriage.model.run.LoadedModel;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * The model that serves predictions, loaded once at start-up and warmed with one run before
 * readiness goes UP (the first ONNX Runtime run allocates its arenas and is several times slower).
 */
@ApplicationScoped
public class LiveModel {

    private static final Logger LOG = Logger.getLogger(LiveModel.class);

    private final ModelConfig config;
    private volatile LoadedModel model;

    LiveModel(ModelConfig config) {
        this.config = config;
    }

    void load(@Observes StartupEvent start, ModelWarmer warmer) {
        LoadedModel loaded = LoadedModel.load(config.modelDirectory(), config.sessionSettings());
        long millis = warmer.warm(loaded);
        LOG.infof("model %s %s (sha256 %s) loaded from %s and warmed in %d ms; %s", loaded.card().name(),
                loaded.card().version(), loaded.card().sha256(), config.modelDirectory(), millis, loaded.card().label());
        model = loaded;
    }

    public boolean isReady() {
        return model != null;
    }

    /** The live model; callers keep the reference for a whole batch so it is served by one model. */
    public LoadedModel current() {
        LoadedModel current = model;
        if (current == null) {
            throw new IllegalStateException("no model loaded yet");
        }
        return current;
    }

    @PreDestroy
    void close() {
        if (model != null) {
            model.close();
        }
    }
}
