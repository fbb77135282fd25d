package org.cytotriage.audit.change;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Formula;
import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One step of a retraining as the worker reported it (ModelChange): a row of the change ledger,
 * written once. The dataset, recipe and gate are kept as jsonb and read back as their JSON text.
 */
@Entity
@Immutable
@Table(name = "model_changes")
public class ModelChangeRecord extends PanacheEntityBase {

    /** Oldest first; steps of one instant in the order they were recorded. */
    static final String ORDER = " order by occurredAt, recordedAt, eventId";

    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "model_name")
    public String modelName;
    @Column(name = "request_id")
    public String requestId;
    @Column(name = "parent_version")
    public String parentVersion;
    @Column(name = "parent_sha256")
    public String parentSha256;
    @Column(name = "candidate_version")
    public String candidateVersion;
    @Column(name = "candidate_sha256")
    public String candidateSha256;
    public String step;
    public String detail;
    public Integer epoch;
    public Integer epochs;
    public Double loss;
    @Column(name = "validation_macro_f1")
    public Double validationMacroF1;
    @Formula("cast(dataset as text)")
    public String dataset;
    @Formula("cast(recipe as text)")
    public String recipe;
    @Formula("cast(gate as text)")
    public String gate;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    @Column(name = "recorded_at", insertable = false, updatable = false)
    public Instant recordedAt;

    /** Every step of the model's retrainings, oldest first; {@code model} null: of every model. */
    static List<ModelChangeRecord> ofModel(String model) {
        return model == null ? list("from ModelChangeRecord" + ORDER) : list("modelName = ?1" + ORDER, model);
    }

    /** Every step of the retraining requests that produced this version of the model, oldest first. */
    static List<ModelChangeRecord> ofCandidate(String model, String version) {
        return list("requestId in (select c.requestId from ModelChangeRecord c where c.modelName = ?1 and c.candidateVersion = ?2)"
                + ORDER, model, version);
    }

    /** Appends this step unless its event id is on record (a redelivery, or the worker repeating a step); true when it did. */
    boolean appendTo(EntityManager entityManager) {
        return entityManager.createNativeQuery("""
                insert into model_changes (event_id, model_name, request_id, parent_version, parent_sha256, candidate_version,
                                           candidate_sha256, step, detail, epoch, epochs, loss, validation_macro_f1, dataset, recipe, gate,
                                           occurred_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, cast(?14 as jsonb), cast(?15 as jsonb), cast(?16 as jsonb), ?17)
                on conflict (event_id) do nothing""")
                .setParameter(1, eventId).setParameter(2, modelName).setParameter(3, requestId).setParameter(4, parentVersion)
                .setParameter(5, parentSha256).setParameter(6, candidateVersion).setParameter(7, candidateSha256).setParameter(8, step)
                .setParameter(9, detail).setParameter(10, epoch).setParameter(11, epochs).setParameter(12, loss)
                .setParameter(13, validationMacroF1).setParameter(14, dataset).setParameter(15, recipe).setParameter(16, gate)
                .setParameter(17, occurredAt)
                .executeUpdate() == 1;
    }
}
