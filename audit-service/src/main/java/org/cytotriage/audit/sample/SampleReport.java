package org.cytotriage.audit.sample;

import org.cytotriage.audit.metrics.AssessedImages;

import java.time.Instant;
import java.util.List;

import org.cytotriage.audit.metrics.ClinicalReport;
import org.cytotriage.audit.review.DisagreementView;

/**
 * A month's audit at one hospital. {@code agreement} and {@code metrics} come from the random
 * sample alone (unbiased estimates); the enriched review list has its own disagreements and no
 * figures. {@code assessability}: the month's images at the hospital that the model did not assess,
 * counted apart (no case made only of those can be drawn). {@code drawnBy} is the auditor who drew it, or the schedule. {@code seed} is a decimal string: as a JSON number a browser would round it.
 */
public record SampleReport(String label, String month, String hospitalId, Instant drawnAt, String drawnBy, String seed, int requestedSize,
        int eligibleCases, int drawnCases, String note, Double agreement, ClinicalReport metrics,
        List<String> caseIds, List<DisagreementView> disagreements, EnrichedList enrichedReviewList,
        AssessedImages.Counts assessability) {

    public record EnrichedList(String label, int requestedSize, int riskyCasesOutsideTheSample, List<String> caseIds,
            List<DisagreementView> disagreements) {
    }
}
