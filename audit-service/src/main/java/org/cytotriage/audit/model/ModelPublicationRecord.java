package org.cytotriage.audit.model;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A model publication as audit-service saw it: taken or refused, who approved it, which key signed it. */
@Entity
@Immutable
@Table(name = "model_publications")
public class ModelPublicationRecord extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "model_name")
    public String modelName;
    @Column(name = "model_version")
    public String modelVersion;
    @Column(name = "model_sha256")
    public String modelSha256;
    public String location;
    @Column(name = "approved_by")
    public String approvedBy;
    @Column(name = "published_at")
    public Instant publishedAt;
    @Column(name = "signer_key_id")
    public String signerKeyId;
    public String outcome;
    public String reason;
    @Column(name = "recorded_at", insertable = false, updatable = false)
    public Instant recordedAt;

    /** Newest first. */
    static List<ModelPublicationRecord> of(String modelName) {
        return list("modelName = ?1 order by publishedAt desc, eventId", modelName);
    }
}
