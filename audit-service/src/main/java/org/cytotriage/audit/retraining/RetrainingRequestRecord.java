package org.cytotriage.audit.retraining;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A retraining request as published; its manifest is the file in the image store under {@code manifestKey}. */
@Entity
@Immutable
@Table(name = "retraining_requests")
public class RetrainingRequestRecord extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "model_name")
    public String modelName;
    @Column(name = "model_version")
    public String modelVersion;
    public String trigger;
    public String reason;
    @Column(name = "manifest_size")
    public int manifestSize;
    /** Image store key of the manifest (an Avro container file of ConfirmedCase records); null for requests made before 1.1. */
    @Column(name = "manifest_key")
    public String manifestKey;
    @Column(name = "manifest_sha256")
    public String manifestSha256;
    @Column(name = "requested_at")
    public Instant requestedAt;
}
