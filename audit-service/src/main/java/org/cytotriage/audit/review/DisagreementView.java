package org.cytotriage.audit.review;

import java.time.Instant;
import java.util.List;

/** A disagreement with its review so far (reviews are left out of listings). */
public record DisagreementView(long id, String caseId, String hospitalId, String modelName, String modelVersion,
        String predictedGroup, String diagnosedGroup, String bethesdaCategory, int diagnosisVersion, ReviewStatus status,
        Instant openedAt, Instant updatedAt, List<Review> reviews) {

    public record Review(ReviewStatus status, String reviewer, String comment, Instant reviewedAt) {
    }

    static DisagreementView of(Disagreement d, List<DisagreementReview> reviews) {
        return new DisagreementView(d.id, d.caseId, d.hospitalId, d.modelName, d.modelVersion, d.predictedGroup,
                d.diagnosedGroup, d.bethesda, d.diagnosisVersion, d.status, d.openedAt, d.updatedAt,
                reviews == null ? null : reviews.stream().map(r -> new Review(r.status, r.reviewer, r.comment, r.reviewedAt)).toList());
    }

    public static DisagreementView summary(Disagreement d) {
        return of(d, null);
    }
}
