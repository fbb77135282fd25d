package org.cytotriage.audit.casefile;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Immutable
@Table(name = "images")
public class ImageRecord extends PanacheEntityBase {

    @Id
    @Column(name = "image_id")
    public String imageId;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "case_id")
    public String caseId;
    @Column(name = "hospital_id")
    public String hospitalId;
    @Column(name = "store_key")
    public String storeKey;
    public String sha256;
    @Column(name = "media_type")
    public String mediaType;
    @Column(name = "size_bytes")
    public long sizeBytes;
    public int width;
    public int height;
    @Column(name = "original_filename")
    public String originalFilename;
    public String source;
    @Column(name = "received_at")
    public Instant receivedAt;
    @Column(name = "trace_id")
    public String traceId;
    /** The DICOM instance the image came as (STOW-RS); all four null for any other source. */
    @Column(name = "study_instance_uid")
    public String studyInstanceUid;
    @Column(name = "series_instance_uid")
    public String seriesInstanceUid;
    @Column(name = "sop_instance_uid")
    public String sopInstanceUid;
    @Column(name = "sop_class_uid")
    public String sopClassUid;
}
