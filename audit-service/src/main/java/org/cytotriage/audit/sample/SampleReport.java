package org.cytotriage.audit.sample;

import java.time.Instant;
import java.util.List;

import org.cytotriage.audit.metrics.ClinicalReport;
import org.cytotriage.audit.review.DisagreementView;

/**
 * A month's audit at one hospital. {@code agreement} and {@code metrics} come from the random
 * sample alone (unbiased estimates); the enriched review list has its own disagreements and no
 * figures. {@code drawnBy} is the auditor who drew it, or the schedule. {@code seed} is a decimal string: as a JSON number a browser would round it.
 */
public record SampleReport(String label, String month, String hospitalId, Instant drawnAt, String drawnBy, String seed, int requestedSize,
        int eligibleCases, int drawnCases, String note, Double agreement, ClinicalReport metrics,
        List<String> caseIds, List<DisagreementView> disagreements, EnrichedList enrichedReviewList) {

    public record EnrichedList(String label, int requestedSize, int riskyCasesOutsideTheSample, List<String> caseIds,
            List<DisagreementView> disagreements) {
    }
}
