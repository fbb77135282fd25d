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

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One step of a disagreement's review: who, when, the status it moved to, what they said. */
@Entity
@Immutable
@Table(name = "disagreement_reviews")
public class DisagreementReview extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "disagreement_id")
    public long disagreementId;
    @Enumerated(EnumType.STRING)
    public ReviewStatus status;
    public String reviewer;
    /** The reviewer's subject id at the identity provider, which stays when a login name changes. */
    @Column(name = "reviewer_subject")
    public String reviewerSubject;
    public String comment;
    @Column(name = "reviewed_at")
    public Instant reviewedAt;
}
