package org.cytotriage.audit.sample;

import java.time.Instant;
import java.time.YearMonth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A month's draw of confirmed cases at one hospital; its cases are in {@code audit_sample_cases}. */
@Entity
@Immutable
@Table(name = "audit_samples")
public class AuditSample extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** yyyy-MM */
    public String month;
    @Column(name = "hospital_id")
    public String hospitalId;
    @Enumerated(EnumType.STRING)
    public SampleKind kind;
    public long seed;
    @Column(name = "requested_size")
    public int requestedSize;
    @Column(name = "eligible_cases")
    public int eligibleCases;
    @Column(name = "drawn_at")
    public Instant drawnAt;
    /** Who drew it: an auditor's login name, or the schedule's name. */
    @Column(name = "drawn_by")
    public String drawnBy;
    /** The auditor's subject id at the identity provider; null for the schedule. */
    @Column(name = "drawn_by_subject")
    public String drawnBySubject;

    static AuditSample find(YearMonth month, String hospitalId, SampleKind kind) {
        return find("month = ?1 and hospitalId = ?2 and kind = ?3", month.toString(), hospitalId, kind).firstResult();
    }
}
