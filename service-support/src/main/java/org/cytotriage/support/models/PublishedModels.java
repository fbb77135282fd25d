package org.cytotriage.support.models;

import java.util.Optional;

import org.cytotriage.events.v1.ModelPublished;
import org.cytotriage.events.v1.ModelRef;

/**
 * What a service does with a published model: inference makes it live, explain adds it to its
 * catalog, audit records its card. {@link ModelPublicationListener} is the one consumer of the
 * models topic that hands each publication here.
 */
public interface PublishedModels {

    /**
     * Takes the publication, or throws when it cannot: a directory without a readable card, a card
     * for another sha256 than the one announced. The publication then becomes a dead letter and
     * whatever model was in use stays in use.
     */
    void take(ModelPublished publication);

    /** The newest version of this model the service has (configured or taken), for the release rule: only newer ones roll out. */
    Optional<String> newestVersion(String modelName);

    /** Whether the service already has exactly this model version (same name, version and sha256). */
    boolean has(ModelRef model);

    /**
     * What became of a publication here: taken ({@code refusal} null) or refused with the reason;
     * {@code signer} is the key id of a release that verified. A service that keeps the record of
     * releases (audit) writes it down; the others need not.
     */
    default void outcome(ModelPublished publication, String signer, String refusal) {
    }
}
