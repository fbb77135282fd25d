package org.cytotriage.explain.model;

import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.support.models.PublishedModels;

/**
 * Adds each published model version to the catalog, so its predictions can be explained on request.
 * Each replica reads the models topic in its own consumer group. A publication whose card is
 * unreadable or names another sha256 becomes a dead letter.
 */
@ApplicationScoped
public class ModelRegistration implements PublishedModels {

    private final ModelCatalog catalog;

    ModelRegistration(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void take(ModelPublished published) {
        ModelCard.readPublished(Path.of(published.getLocation()), published.getModel().getSha256());
        catalog.register(Path.of(published.getLocation()));
    }

    @Override
    public Optional<String> newestVersion(String modelName) {
        return catalog.newestVersion(modelName);
    }

    @Override
    public boolean has(ModelRef model) {
        return catalog.has(model.getName(), model.getVersion(), model.getSha256());
    }
}
