package org.cytotriage.explain.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.release.ModelVersions;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.SessionSettings;
import org.jboss.logging.Logger;

/**
 * Every model version this deployment has served, by name and version, so an explanation on
 * request runs the very version that made the prediction. A version is loaded on first use and kept:
 * a hospital serves a handful of versions over the years.
 */
@ApplicationScoped
public class ModelCatalog {

    private static final Logger LOG = Logger.getLogger(ModelCatalog.class);

    /** A registered version: where its files are and what its card says. */
    private record Registered(Path directory, ModelCard card) {
    }

    private final Map<String, Registered> registered = new ConcurrentHashMap<>();
    private final Map<String, LoadedModel> loaded = new ConcurrentHashMap<>();

    ModelCatalog(ExplainConfig config) {
        for (Path directory : config.modelDirectories()) {
            try {
                register(directory);
            } catch (RuntimeException e) {
                // the stream needs no model: a missing directory only limits explanations on request
                LOG.warnf("no model registered from %s: %s", directory, e.getMessage());
            }
        }
    }

    /** The newest version of the model registered, if any. */
    public Optional<String> newestVersion(String name) {
        return registered.values().stream().map(Registered::card).filter(card -> card.name().equals(name)).map(ModelCard::version)
                .max(ModelVersions.ORDER);
    }

    /** Whether exactly this version (and sha256) is registered. */
    public boolean has(String name, String version, String sha256) {
        Registered found = registered.get(key(name, version));
        return found != null && found.card().sha256().equals(sha256);
    }

    /** Adds the version in this directory; its card names it. */
    public ModelCard register(Path directory) {
        ModelCard card = ModelCard.read(directory);
        synchronized (this) {
            registered.put(key(card.name(), card.version()), new Registered(directory, card));
            notifyAll();
        }
        LOG.infof("model %s %s available for explanations from %s", card.name(), card.version(), directory);
        return card;
    }

    /**
     * The card of this version, waiting up to {@code patience} for it: a prediction by a newly
     * published version can arrive before this service has read the publication (two topics, no
     * order between them).
     */
    public Optional<ModelCard> awaitCard(String name, String version, Duration patience) throws InterruptedException {
        Registered known = registered.get(key(name, version));
        // Every prediction asks: a known version answers without taking the lock.
        return known != null ? Optional.of(known.card()) : awaitRegistration(name, version, patience);
    }

    private synchronized Optional<ModelCard> awaitRegistration(String name, String version, Duration patience)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        Registered found;
        while ((found = registered.get(key(name, version))) == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return Optional.of(found.card());
    }

    /**
     * The loaded model of this name and version; its file's sha256 is checked against its card on
     * loading.
     *
     * @throws UnknownModelException when no such version was registered
     */
    public LoadedModel model(String name, String version) {
        String key = key(name, version);
        Registered found = registered.get(key);
        if (found == null) {
            throw new UnknownModelException("model " + name + " " + version + " is not known to this explain-service");
        }
        // one intra-op thread: explanations on request share the cores with the stream
        return loaded.computeIfAbsent(key, k -> LoadedModel.load(found.directory(), SessionSettings.threads(1)));
    }

    private static String key(String name, String version) {
        return name + " " + version;
    }

    @PreDestroy
    void close() {
        loaded.values().forEach(LoadedModel::close);
    }

    /** No model of that name and version is registered. */
    public static final class UnknownModelException extends RuntimeException {
        UnknownModelException(String message) {
            super(message);
        }
    }
}
