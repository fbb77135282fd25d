package org.cytotriage.audit.change;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A release or rollback as decided; published as the ChangeDecision with this event id, through the outbox. */
@Entity
@Immutable
@Table(name = "change_decisions")
public class ChangeDecisionRecord extends PanacheEntityBase {

    static final String RELEASE = "RELEASE";
    static final String ROLLBACK = "ROLLBACK";

    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "model_name")
    public String modelName;
    /** RELEASE or ROLLBACK. */
    public String kind;
    /** RELEASE: the candidate's version; ROLLBACK: the version to go back to. */
    @Column(name = "model_version")
    public String modelVersion;
    @Column(name = "request_id")
    public String requestId;
    @Column(name = "decided_at")
    public Instant decidedAt;
    @Column(name = "decided_by")
    public String decidedBy;
    @Column(name = "decided_by_subject")
    public String decidedBySubject;
    public String note;
    @Column(name = "recorded_at", insertable = false, updatable = false)
    public Instant recordedAt;

    /** Oldest first. */
    static List<ChangeDecisionRecord> ofModel(String model) {
        return list("modelName = ?1 order by decidedAt, eventId", model);
    }
}
