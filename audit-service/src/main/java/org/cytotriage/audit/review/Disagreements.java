package org.cytotriage.audit.review;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.metrics.ConfirmedCase;
import org.cytotriage.support.identity.Actor;
import org.cytotriage.support.identity.HospitalScope;
import org.cytotriage.support.problem.ProblemException;

/** Opens disagreements for audited cases and moves them through review. */
@ApplicationScoped
public class Disagreements {

    private final EntityManager entityManager;
    private final Clock clock;

    Disagreements(EntityManager entityManager, Clock clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /** Opens one for each case the model got wrong, unless that case's diagnosis version already has one. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void openFor(List<ConfirmedCase> audited) {
        Instant now = Instant.now(clock);
        for (ConfirmedCase c : audited) {
            if (c.agrees()) {
                continue;
            }
            entityManager.createNativeQuery("""
                    insert into disagreements (case_id, hospital_id, model_name, model_version, predicted_group, diagnosed_group,
                                               bethesda, diagnosis_version, opened_at)
                    values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                    on conflict (hospital_id, case_id, diagnosis_version) do nothing""")
                    .setParameter(1, c.caseId()).setParameter(2, c.hospitalId()).setParameter(3, c.modelName())
                    .setParameter(4, c.modelVersion()).setParameter(5, c.scored().predicted().name())
                    .setParameter(6, c.scored().truth().name()).setParameter(7, c.diagnosis().name())
                    .setParameter(8, c.diagnosisVersion()).setParameter(9, now)
                    .executeUpdate();
        }
    }

    /** The disagreements of these cases at their current diagnosis versions. */
    public List<Disagreement> of(List<ConfirmedCase> audited) {
        List<Disagreement> found = new ArrayList<>();
        for (ConfirmedCase c : audited) {
            if (!c.agrees()) {
                Disagreement d = Disagreement.find("hospitalId = ?1 and caseId = ?2 and diagnosisVersion = ?3", c.hospitalId(), c.caseId(),
                        c.diagnosisVersion()).firstResult();
                if (d != null) {
                    found.add(d);
                }
            }
        }
        return found;
    }

    /** @throws ProblemException 404 when no disagreement of the scope's hospitals has this id (another hospital's too) */
    public Disagreement get(long id, HospitalScope scope) {
        Disagreement found = Disagreement.findById(id);
        if (found == null || !scope.includes(found.hospitalId)) {
            throw new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "unknown-disagreement", "Unknown disagreement",
                    "no disagreement " + id + " is on record");
        }
        return found;
    }

    /** A review by {@code reviewer}, the signed-in auditor: the request names only the status and a comment. */
    @Transactional
    public Disagreement review(long id, ReviewRequest request, Actor reviewer, HospitalScope scope) {
        Disagreement disagreement = get(id, scope);
        if (request == null || request.status() == null) {
            throw new ProblemException(Response.Status.BAD_REQUEST.getStatusCode(), "incomplete-review", "Incomplete review",
                    "a review names the status it leaves the disagreement in (OPEN, DISCUSSED, RESOLVED)");
        }
        if (request.status().compareTo(disagreement.status) < 0) {
            throw new ProblemException(Response.Status.CONFLICT.getStatusCode(), "review-goes-back", "Review cannot go back",
                    "disagreement " + id + " is " + disagreement.status + "; a review moves it forward or keeps it there, not back to "
                            + request.status());
        }
        Instant now = Instant.now(clock);
        DisagreementReview review = new DisagreementReview();
        review.disagreementId = id;
        review.status = request.status();
        review.reviewer = reviewer.username();
        review.reviewerSubject = reviewer.subject();
        review.comment = request.comment();
        review.reviewedAt = now;
        review.persist();
        // The status is the latest review's: read again, now that this one is in.
        entityManager.flush();
        entityManager.refresh(disagreement);
        return disagreement;
    }
}
