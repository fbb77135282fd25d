package org.cytotriage.audit.review;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Formula;
import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * An audited case where the model's group and the final diagnosis's group differ. Never changed
 * once opened: its status is that of its latest review (OPEN before the first), read from
 * {@code disagreement_reviews}.
 */
@Entity
@Immutable
@Table(name = "disagreements")
public class Disagreement extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "case_id")
    public String caseId;
    @Column(name = "hospital_id")
    public String hospitalId;
    @Column(name = "model_name")
    public String modelName;
    @Column(name = "model_version")
    public String modelVersion;
    @Column(name = "predicted_group")
    public String predictedGroup;
    @Column(name = "diagnosed_group")
    public String diagnosedGroup;
    public String bethesda;
    @Column(name = "diagnosis_version")
    public int diagnosisVersion;
    @Enumerated(EnumType.STRING)
    @Formula("coalesce((select r.status from disagreement_reviews r where r.disagreement_id = id order by r.reviewed_at desc, r.id desc"
            + " limit 1), 'OPEN')")
    public ReviewStatus status;
    @Column(name = "opened_at")
    public Instant openedAt;
    /** When its status last changed: its latest review, or when it was opened. */
    @Formula("coalesce((select max(r.reviewed_at) from disagreement_reviews r where r.disagreement_id = id), opened_at)")
    public Instant updatedAt;
}
