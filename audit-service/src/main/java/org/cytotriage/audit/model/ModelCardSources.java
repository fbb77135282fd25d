package org.cytotriage.audit.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cytotriage.audit.database.RecordingTransaction;
import org.cytotriage.core.release.ModelVersions;
import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.support.models.PublishedModels;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Where cards come from: the configured model directories at start, then every model published
 * (a publication whose card cannot be recorded becomes a dead letter).
 */
@ApplicationScoped
public class ModelCardSources implements PublishedModels {

    private static final Logger LOG = Logger.getLogger(ModelCardSources.class);

    private final ModelCards cards;
    private final Optional<List<String>> directories;
    private final RecordingTransaction transaction;
    private final EntityManager entityManager;

    ModelCardSources(ModelCards cards,
            @ConfigProperty(name = "cytotriage.audit.model-directories") Optional<List<String>> directories,
            RecordingTransaction transaction, EntityManager entityManager) {
        this.cards = cards;
        this.transaction = transaction;
        this.entityManager = entityManager;
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

    @Override
    public void take(ModelPublished published) {
        transaction.run(() -> cards.register(Path.of(published.getLocation()), published.getModel().getSha256()));
    }

    /** Every publication seen, taken or refused, once (a replay of the topic adds nothing): the record of releases. */
    @Override
    public void outcome(ModelPublished published, String signer, String refusal) {
        transaction.run(() -> entityManager.createNativeQuery("""
                insert into model_publications (event_id, model_name, model_version, model_sha256, location, approved_by, published_at,
                                                signer_key_id, outcome, reason)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) on conflict do nothing""")
                .setParameter(1, published.getEventId()).setParameter(2, published.getModel().getName())
                .setParameter(3, published.getModel().getVersion()).setParameter(4, published.getModel().getSha256())
                .setParameter(5, published.getLocation()).setParameter(6, published.getApprovedBy()).setParameter(7, published.getPublishedAt())
                .setParameter(8, signer).setParameter(9, refusal == null ? "TAKEN" : "REFUSED")
                .setParameter(10, refusal == null ? null : refusal.length() > 4000 ? refusal.substring(0, 4000) : refusal)
                .executeUpdate());
    }

    /** The newest version of the model whose card is on record. */
    @Override
    @Transactional
    public Optional<String> newestVersion(String modelName) {
        // The versions alone: a card's text is kilobytes, and only its version is compared.
        return entityManager.createQuery("select c.modelVersion from ModelCardRecord c where c.modelName = ?1", String.class)
                .setParameter(1, modelName).getResultStream().max(ModelVersions.ORDER);
    }

    @Override
    @Transactional
    public boolean has(ModelRef model) {
        ModelCardRecord card = ModelCardRecord.of(model.getName(), model.getVersion());
        return card != null && card.modelSha256.equals(model.getSha256());
    }
}
