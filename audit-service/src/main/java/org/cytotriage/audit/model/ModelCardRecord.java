package org.cytotriage.audit.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A model version's card as published: the reference figures drift and performance are judged against. */
@Entity
@Immutable
@Table(name = "model_cards")
@IdClass(ModelCardRecord.Key.class)
public class ModelCardRecord extends PanacheEntityBase {

    public record Key(String modelName, String modelVersion) {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "model_name")
    public String modelName;
    @Id
    @Column(name = "model_version")
    public String modelVersion;
    @Column(name = "model_sha256")
    public String modelSha256;
    public String location;
    @Column(name = "trained_at")
    public Instant trainedAt;
    /** model-card.json as read. */
    public String card;

    public static ModelCardRecord of(String name, String version) {
        return find("modelName = ?1 and modelVersion = ?2", name, version).firstResult();
    }
}
