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

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An audited case where the model's group and the final diagnosis's group differ. */
@Entity
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
    public ReviewStatus status;
    @Column(name = "opened_at")
    public Instant openedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
