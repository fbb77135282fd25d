package org.cytotriage.retraining.models;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.release.ModelVersions;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.retraining.job.RetrainingConfig;
import org.cytotriage.support.models.PublishedModels;

/**
 * Every model version the worker knows the directory of: the configured ones and every release taken
 * since (fnab.models, through support.models' one verifier). A retraining starts from the directory of
 * the version its request names; a rollback goes back to the directory of the version before.
 */
@ApplicationScoped
public class KnownModels implements PublishedModels {

    /** A version's directory and what its card says. */
    public record Known(Path directory, ModelCard card) {
    }

    /** Written by the publications' consumer, read by the jobs and the releases: every access holds the lock. */
    private final Map<String, NavigableMap<String, Known>> models = new HashMap<>();

    KnownModels(RetrainingConfig config) {
        config.modelDirectories().forEach(directory -> add(directory, ModelCard.read(directory)));
    }

    @Override
    public void take(ModelPublished publication) {
        Path directory = Path.of(publication.getLocation());
        ModelCard card = ModelCard.read(directory);
        if (!card.sha256().equals(publication.getModel().getSha256())) {
            throw new IllegalStateException("the card in " + directory + " is of sha256 " + card.sha256() + ", the publication names "
                    + publication.getModel().getSha256());
        }
        add(directory, card);
    }

    @Override
    public synchronized Optional<String> newestVersion(String modelName) {
        return Optional.ofNullable(models.get(modelName)).filter(m -> !m.isEmpty()).map(NavigableMap::lastKey);
    }

    @Override
    public boolean has(ModelRef model) {
        return find(model.getName(), model.getVersion()).filter(k -> k.card().sha256().equals(model.getSha256())).isPresent();
    }

    public synchronized Optional<Known> find(String name, String version) {
        return Optional.ofNullable(models.get(name)).map(m -> m.get(version));
    }

    private synchronized void add(Path directory, ModelCard card) {
        models.computeIfAbsent(card.name(), k -> new TreeMap<>(ModelVersions.ORDER)).put(card.version(), new Known(directory, card));
    }
}
