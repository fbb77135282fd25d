package org.cytotriage.audit.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads model cards from model directories into the audit's store, and their reference figures back. */
@ApplicationScoped
public class ModelCards {

    static final String CARD_FILE = "model-card.json";

    private final ObjectMapper json;
    private final EntityManager entityManager;

    ModelCards(ObjectMapper json, EntityManager entityManager) {
        this.json = json;
        this.entityManager = entityManager;
    }

    /**
     * Records the card in {@code directory} unless its version is on record.
     *
     * @param expectedSha256 the model's sha256 as announced, or null to take the card's word
     * @throws IllegalArgumentException when the card is unreadable or names another model file
     */
    @Transactional
    public void register(Path directory, String expectedSha256) {
        String text;
        JsonNode card;
        try {
            text = Files.readString(directory.resolve(CARD_FILE));
            card = json.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("no readable " + CARD_FILE + " in " + directory + ": " + e.getMessage(), e);
        }
        String sha256 = card.path("sha256").asText();
        if (expectedSha256 != null && !expectedSha256.equals(sha256)) {
            throw new IllegalArgumentException("the card in " + directory + " is for sha256 " + sha256 + ", the publication announced "
                    + expectedSha256);
        }
        entityManager.createNativeQuery("""
                insert into model_cards (model_name, model_version, model_sha256, location, trained_at, card)
                values (?1, ?2, ?3, ?4, ?5, ?6) on conflict do nothing""")
                .setParameter(1, card.path("name").asText()).setParameter(2, card.path("version").asText())
                .setParameter(3, sha256).setParameter(4, directory.toString())
                .setParameter(5, card.hasNonNull("createdAt") ? Instant.parse(card.get("createdAt").asText()) : null)
                .setParameter(6, text)
                .executeUpdate();
    }

    /** The drift reference of a version's card; null when no card, or a card without one, is on record. */
    public DriftReference referenceOf(String modelName, String modelVersion) {
        ModelCardRecord record = ModelCardRecord.of(modelName, modelVersion);
        if (record == null) {
            return null;
        }
        try {
            return DriftReference.from(json.readTree(record.card));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
