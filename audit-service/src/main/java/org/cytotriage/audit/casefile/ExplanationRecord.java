package org.cytotriage.audit.casefile;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Immutable
@Table(name = "explanations")
public class ExplanationRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "prediction_event_id")
    public String predictionEventId;
    @Column(name = "image_id")
    public String imageId;
    @Column(name = "case_id")
    public String caseId;
    @Column(name = "hospital_id")
    public String hospitalId;
    @Column(name = "model_name")
    public String modelName;
    @Column(name = "model_version")
    public String modelVersion;
    @Column(name = "model_sha256")
    public String modelSha256;
    @Column(name = "explained_group")
    public String explainedGroup;
    public String method;
    @Column(name = "heatmap_rows")
    public int heatmapRows;
    @Column(name = "heatmap_cols")
    public int heatmapCols;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "heatmap", columnDefinition = "real[]")
    public float[] heatmap;
    @Column(name = "overlay_key")
    public String overlayKey;
    @Column(name = "explained_at")
    public Instant explainedAt;
    @Column(name = "trace_id")
    public String traceId;
    /** Set by the database when the row is written (its default); compared with dead letters' own. */
    @Column(name = "recorded_at", insertable = false, updatable = false)
    public Instant recordedAt;
}
