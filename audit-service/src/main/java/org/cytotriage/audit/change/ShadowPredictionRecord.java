package org.cytotriage.audit.change;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A candidate's prediction of an image in shadow, beside the live model: never a result. Kept apart
 * from {@code predictions}, so no case view, worklist, metric, sample or drift figure sees it.
 */
@Entity
@Immutable
@Table(name = "shadow_predictions")
public class ShadowPredictionRecord extends PanacheEntityBase {

    @Id
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
    /** Null when the candidate did not assess the image. */
    @Column(name = "predicted_group")
    public String predictedGroup;
    @Column(name = "p_benign")
    public double pBenign;
    @Column(name = "p_indeterminate")
    public double pIndeterminate;
    @Column(name = "p_malignant")
    public double pMalignant;
    public Boolean assessable;
    @Column(name = "predicted_at")
    public Instant predictedAt;
    @Column(name = "recorded_at", insertable = false, updatable = false)
    public Instant recordedAt;

    /** Appends it unless this event, or this version's prediction of the image, is on record; true when it did. */
    boolean appendTo(EntityManager entityManager) {
        return entityManager.createNativeQuery("""
                insert into shadow_predictions (event_id, image_id, case_id, hospital_id, model_name, model_version, model_sha256,
                                                predicted_group, p_benign, p_indeterminate, p_malignant, assessable, predicted_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) on conflict do nothing""")
                .setParameter(1, eventId).setParameter(2, imageId).setParameter(3, caseId).setParameter(4, hospitalId)
                .setParameter(5, modelName).setParameter(6, modelVersion).setParameter(7, modelSha256).setParameter(8, predictedGroup)
                .setParameter(9, pBenign).setParameter(10, pIndeterminate).setParameter(11, pMalignant).setParameter(12, assessable)
                .setParameter(13, predictedAt)
                .executeUpdate() == 1;
    }
}
