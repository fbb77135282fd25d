package org.cytotriage.audit.diagnosis;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One version of a case's final diagnosis. Versions are never changed: a correction is the next one. */
@Entity
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
    public String comment;
    @Column(name = "recorded_at")
    public Instant recordedAt;

    static List<DiagnosisRecord> history(String caseId) {
        return list("caseId = ?1 order by version", caseId);
    }

    static int nextVersion(String caseId) {
        Integer latest = getEntityManager().createQuery("select max(d.version) from DiagnosisRecord d where d.caseId = ?1", Integer.class)
                .setParameter(1, caseId).getSingleResult();
        return latest == null ? 1 : latest + 1;
    }
}
