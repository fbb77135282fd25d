package org.cytotriage.audit.diagnosis;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One version of a case's final diagnosis. Versions are never changed: a correction is the next one. */
@Entity
@Immutable
@Table(name = "diagnoses")
public class DiagnosisRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "case_id")
    public String caseId;
    @Column(name = "hospital_id")
    public String hospitalId;
    public int version;
    /** The Bethesda category as given, I to VI. */
    public String bethesda;
    @Column(name = "treatment_group")
    public String group;
    @Column(name = "recorded_by")
    public String recordedBy;
    /** Who recorded it at the identity provider (subject id); null for a diagnosis from a sender without one. */
    @Column(name = "recorded_by_subject")
    public String recordedBySubject;
    public String comment;
    /** When the diagnosis was made, as its sender says (the API: when it was given). */
    @Column(name = "diagnosed_at")
    public Instant diagnosedAt;
    /** When the record took it, by the database's clock (its default): never written from here. */
    @Column(name = "recorded_at", insertable = false, updatable = false)
    public Instant recordedAt;

    static List<DiagnosisRecord> history(String hospitalId, String caseId) {
        return list("hospitalId = ?1 and caseId = ?2 order by version", hospitalId, caseId);
    }

    static int nextVersion(String hospitalId, String caseId) {
        Integer latest = getEntityManager().createQuery(
                "select max(d.version) from DiagnosisRecord d where d.hospitalId = ?1 and d.caseId = ?2", Integer.class)
                .setParameter(1, hospitalId).setParameter(2, caseId).getSingleResult();
        return latest == null ? 1 : latest + 1;
    }
}
