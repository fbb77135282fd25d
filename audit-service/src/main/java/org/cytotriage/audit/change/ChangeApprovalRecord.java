package org.cytotriage.audit.change;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An approval of a candidate by one person in one role, named by their token (subject and login name), never by the request. */
@Entity
@Immutable
@Table(name = "change_approvals")
public class ChangeApprovalRecord extends PanacheEntityBase {

    @Id
    public Long id;
    @Column(name = "model_name")
    public String modelName;
    @Column(name = "model_version")
    public String modelVersion;
    public String role;
    public String subject;
    public String username;
    public String note;
    @Column(name = "approved_at")
    public Instant approvedAt;
    @Column(name = "recorded_at", insertable = false, updatable = false)
    public Instant recordedAt;

    /** Oldest first. */
    static List<ChangeApprovalRecord> of(String model, String version) {
        return list("modelName = ?1 and modelVersion = ?2 order by approvedAt, id", model, version);
    }

    /** Every approval of the model's candidates, oldest first. */
    static List<ChangeApprovalRecord> ofModel(String model) {
        return list("modelName = ?1 order by approvedAt, id", model);
    }
}
