package org.cytotriage.audit.casefile;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Immutable
@Table(name = "predictions")
public class PredictionRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "event_id")
    public String eventId;
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
    @Column(name = "predicted_group")
    public String predictedGroup;
    @Column(name = "p_benign")
    public double pBenign;
    @Column(name = "p_indeterminate")
    public double pIndeterminate;
    @Column(name = "p_malignant")
    public double pMalignant;
    public double temperature;
    @Column(name = "flagged_for_review")
    public boolean flaggedForReview;
    @Column(name = "inference_ms")
    public double inferenceMs;
    @Column(name = "predicted_at")
    public Instant predictedAt;
    @Column(name = "trace_id")
    public String traceId;
    /** Null: made before the assessability gate existed (PredictionMade 1.1). */
    public Boolean assessable;
    /** The verdict's reasons, one a line; empty when assessable. */
    @Column(name = "assessment_reasons")
    public String assessmentReasons;
    @Column(name = "out_of_distribution")
    public Double outOfDistribution;
    @Column(name = "stain_coverage")
    public Double stainCoverage;
    public Double contrast;
    public Double focus;
    /** The conformal prediction set, its groups comma-separated in class order ("" for an empty set). */
    @Column(name = "prediction_set")
    public String predictionSet;
    @Column(name = "set_coverage")
    public Double setCoverage;
}
